"""Why a help desk action was refused; the GraphQL ``TicketErrorCode`` is built from this."""

from enum import Enum


class TicketErrorCode(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    CLOSED = "closed"
    EXPIRED = "expired"
    # The customer's data was erased: there is nobody to write to.
    ERASED = "erased"
    # Too many attempts from one client IP or for one email; retry later.
    THROTTLED = "throttled"
    # The host cannot do it (refunds outside Saleor).
    UNAVAILABLE = "unavailable"
    # The store refused to refund the order (nothing paid, more than paid).
    CANNOT_REFUND = "cannot_refund"
    # The store refused the requestor the action (its own permissions).
    PERMISSION_DENIED = "permission_denied"
    # The same refund (its idempotency key) was asked for and has no outcome
    # yet: in flight, or the store's answer could not be recorded.
    IN_PROGRESS = "in_progress"
    # The idempotency key already names another refund.
    CONFLICT = "conflict"
