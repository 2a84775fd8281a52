"""The help desk's order actions: a goodwill voucher for the ticket's
customer, and a refund of the ticket's order.

A voucher is a personal code of its own offer (the path campaigns use,
:func:`~saleor_crm_plugin.marketing.offers.issue_offer_codes`); a refund is
started by the store (:mod:`saleor_crm_plugin.commerce.order_actions`).
Each is recorded on the ticket (a row, and an internal note staff see in the
conversation) and on the customer's timeline. A voucher is made and recorded
in one transaction; a refund moves money outside the CRM's database, so its
record is committed before the store is asked and completed after.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..auth import Requestor
from ..commerce.models import OrderFact
from ..commerce.order_actions import (
    UNAVAILABLE,
    OrderActionError,
    Refund,
    RefundReason,
    order_actions,
    refund_reasons,
)
from ..currency import minor_units
from ..marketing.models import OfferCode
from ..marketing.offers import MAX_AMOUNT, OfferError, OfferSpec, issue_offer_codes, validate_offer
from ..profiles.models import TimelineEventType
from ..validation import check_length
from .error_codes import TicketErrorCode
from .models import (
    Ticket,
    TicketAuthorKind,
    TicketMessage,
    TicketMessageKind,
    TicketRefund,
    TicketRefundStatus,
    TicketVoucher,
)
from .services import Author, TicketError, _locked, _timeline

MAX_NOTE = 2000
MAX_REASON = 2000
MAX_KEY = 255
OFFER_KEY = "ticket:{ticket}:{number}"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoucherRequest:
    spec: OfferSpec
    note: str = ""


def _ticket_error(error: OfferError) -> TicketError:
    known = {code.value for code in TicketErrorCode}
    return TicketError(error.field, str(error), error.code if error.code in known else "invalid")


def _record(ticket: Ticket, author: Author, text: str) -> None:
    TicketMessage.objects.create(
        ticket=ticket,
        kind=TicketMessageKind.NOTE,
        author_kind=TicketAuthorKind.SYSTEM,
        author_user_id=author.user_id,
        author_name=author.name,
        body=f"<p>{escape(text)}</p>",
        via=ticket.channel,
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def _describe(spec: OfferSpec, currency: str) -> str:
    if spec.discount_type == "PERCENTAGE":
        return f"{spec.value.normalize():f}% off"
    return f"{spec.value:f} {currency} off".replace("  ", " ")


def issue_voucher(ticket: Ticket, request: VoucherRequest, author: Author) -> TicketVoucher:
    """A personal single-use code for the ticket's customer, valid on
    ``request.spec``'s terms; recorded on the ticket and the timeline.
    :class:`TicketError` for an unverified ticket (no customer yet),
    :class:`~saleor_crm_plugin.marketing.offers.OfferError` for bad terms.
    """
    check_length(request.note, MAX_NOTE, "note", TicketError)
    if errors := validate_offer(request.spec):
        raise _ticket_error(errors[0])
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.profile_id is None:
            raise TicketError(
                "id",
                "The ticket is unverified: it has no customer to give a voucher to yet.",
                TicketErrorCode.INVALID,
            )
        number = (ticket.vouchers.aggregate(last=Max("number"))["last"] or 0) + 1
        recipient = f"profile:{ticket.profile_id}"
        try:
            issued = issue_offer_codes(
                OFFER_KEY.format(ticket=ticket.pk, number=number),
                request.spec,
                [recipient],
                name=f"Ticket #{ticket.number} goodwill voucher",
            )[recipient]
        except OfferError as error:
            raise _ticket_error(error) from None
        voucher = TicketVoucher.objects.create(
            ticket=ticket,
            number=number,
            offer_code=OfferCode.objects.select_related("offer").get(code=issued.code),
            note=request.note.strip(),
            issued_by_user_id=author.user_id,
            issued_by_name=author.name,
        )
        offer = voucher.offer_code.offer
        terms = _describe(request.spec, offer.currency)
        _record(
            ticket,
            author,
            f"Voucher {issued.code} issued: {terms} in {offer.channel}, "
            f"valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC."
            + (f" {request.note.strip()}" if request.note.strip() else ""),
        )
        _timeline(
            ticket,
            TimelineEventType.VOUCHER_ISSUED,
            voucher.created_at,
            f"ticket-voucher:{voucher.pk}",
            code=issued.code,
            terms=terms,
            channel=offer.channel,
            expires_at=issued.expires_at.isoformat(),
        )
    return voucher


def _amount(value, currency: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise TicketError("amount", "Give an amount.", TicketErrorCode.INVALID) from None
    if not amount.is_finite() or amount <= 0:
        raise TicketError("amount", "Must be more than 0.", TicketErrorCode.INVALID)
    if amount > MAX_AMOUNT:
        raise TicketError("amount", f"At most {MAX_AMOUNT}.", TicketErrorCode.INVALID)
    places = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise TicketError(
            "amount", f"At most {places} decimal places in {currency}.", TicketErrorCode.INVALID
        )
    return amount


class RefundFailed(TicketError):
    """The store refused the refund: ``refund`` is its record, marked failed
    with the store's errors.
    """

    def __init__(self, error: OrderActionError, refund: TicketRefund) -> None:
        super().__init__(error.field, str(error), error.code)
        self.refund = refund


def _reason_reference(
    actions, requestor: Requestor, reason_reference: str | None
) -> RefundReason | None:
    """The store's refund reason the request names, checked against what
    the store offers; required when the store requires one of ``requestor``.
    """
    offered = refund_reasons(requestor, actions)
    if reason_reference is None or not str(reason_reference).strip():
        if offered.required:
            raise TicketError(
                "reasonReference",
                "Saleor asks for a refund reason: choose one of ticketRefundReasons.",
                TicketErrorCode.REQUIRED,
            )
        return None
    wanted = str(reason_reference).strip()
    for reason in offered.reasons:
        if reason.id == wanted:
            return reason
    raise TicketError(
        "reasonReference",
        "Not one of the store's refund reasons (ticketRefundReasons).",
        TicketErrorCode.INVALID,
    )


def _key(
    ticket: Ticket,
    amount: Decimal,
    reason: str,
    idempotency_key: str | None,
    reason_reference: RefundReason | None = None,
) -> str:
    """The request's key: the client's, or one derived from what is
    refunded, so that the same refund asked twice (a double click, a retried
    request) is one refund. Refunding the same amount of the order again
    with the same reason needs a key of its own.
    """
    if idempotency_key is not None:
        key = idempotency_key.strip()
        if not key or len(key) > MAX_KEY:
            raise TicketError(
                "idempotencyKey", f"From 1 to {MAX_KEY} characters.", TicketErrorCode.INVALID
            )
        return key
    what = f"{ticket.order_id}\n{amount.normalize():f}\n{reason}"
    if reason_reference is not None:
        what += f"\n{reason_reference.id}"
    return "derived:" + hashlib.sha256(what.encode()).hexdigest()[:40]


def _request_refund(
    ticket: Ticket,
    amount,
    reason: str,
    author: Author,
    idempotency_key: str | None,
    available: bool,
    reason_reference: RefundReason | None = None,
) -> tuple[TicketRefund, bool]:
    """The refund's record, written in a transaction of its own (committed
    when the caller is in none) before the store is asked; and whether the
    store is to be asked (False: this key's refund was started already).
    """
    with transaction.atomic():
        ticket = _locked(ticket)
        if not ticket.order_id:
            raise TicketError("id", "Link the ticket to an order first.", TicketErrorCode.REQUIRED)
        fact = OrderFact.objects.filter(pk=ticket.order_id).first()
        currency = fact.currency if fact else ""
        amount = _amount(amount, currency)
        if fact is not None and amount > fact.total_gross:
            raise TicketError(
                "amount",
                f"At most the order's total, {fact.total_gross:f} {currency}.",
                TicketErrorCode.INVALID,
            )
        key = _key(ticket, amount, reason, idempotency_key, reason_reference)
        if not available:
            # Nothing to record: the host cannot refund at all.
            raise TicketError(None, UNAVAILABLE, TicketErrorCode.UNAVAILABLE)
        # The ticket's lock serialises requests of one ticket: no two rows
        # can be created for a key, nor can one be asked for twice at once.
        row = TicketRefund.objects.filter(ticket=ticket, idempotency_key=key).first()
        if row is not None:
            if row.order_id != ticket.order_id or row.amount != amount:
                raise TicketError(
                    "idempotencyKey",
                    "This key already names another refund of the ticket.",
                    TicketErrorCode.CONFLICT,
                )
            if row.status == TicketRefundStatus.STARTED:
                return row, False
            if row.status == TicketRefundStatus.REQUESTED:
                raise TicketError(
                    None,
                    "This refund was already asked for and has no outcome yet: check the "
                    "order in Saleor before asking again with another key.",
                    TicketErrorCode.IN_PROGRESS,
                )
            # Failed: the store refunded nothing; ask again.
            row.status = TicketRefundStatus.REQUESTED
            row.store_errors = []
            row.reason = reason
            row.reason_reference = reason_reference.id if reason_reference else ""
            row.reason_title = reason_reference.title if reason_reference else ""
            row.requested_by_user_id = author.user_id
            row.requested_by_name = author.name
            row.save()
            return row, True
        row = TicketRefund.objects.create(
            ticket=ticket,
            order_id=ticket.order_id,
            amount=amount,
            currency=currency,
            reason=reason,
            reason_reference=reason_reference.id if reason_reference else "",
            reason_title=reason_reference.title if reason_reference else "",
            status=TicketRefundStatus.REQUESTED,
            idempotency_key=key,
            requested_by_user_id=author.user_id,
            requested_by_name=author.name,
        )
    return row, True


def _mark_started(row: TicketRefund, refund: Refund, author: Author) -> TicketRefund:
    with transaction.atomic():
        ticket = _locked(row.ticket)
        row.status = TicketRefundStatus.STARTED
        row.store_status = refund.status
        row.reference = refund.reference
        row.kind = refund.kind
        row.currency = refund.currency or row.currency
        row.store_errors = []
        row.save()
        _record(
            ticket,
            author,
            f"Refund of {row.amount:f} {row.currency} started ({refund.status})."
            + (f" Reason: {row.reason_title}." if row.reason_title else "")
            + (f" {'Note' if row.reason_title else 'Reason'}: {row.reason}" if row.reason else ""),
        )
        _timeline(
            ticket,
            TimelineEventType.REFUND_STARTED,
            row.updated_at,
            f"ticket-refund:{row.pk}",
            order_id=row.order_id,
            amount=f"{row.amount:f}",
            currency=row.currency,
            status=refund.status,
        )
    return row


def _mark_failed(row: TicketRefund, error: OrderActionError, author: Author) -> TicketRefund:
    with transaction.atomic():
        ticket = _locked(row.ticket)
        row.status = TicketRefundStatus.FAILED
        row.store_errors = error.store_errors or [
            {"field": error.field, "code": error.code.upper(), "message": str(error)}
        ]
        row.save()
        _record(ticket, author, f"Refund of {row.amount:f} {row.currency} failed: {error}")
    return row


def refund_order(
    ticket: Ticket,
    amount,
    reason: str,
    author: Author,
    requestor: Requestor,
    idempotency_key: str | None = None,
    reason_reference: str | None = None,
) -> TicketRefund:
    """Start a refund of ``amount`` of the ticket's linked order through the
    store (as ``requestor``, whose permissions the store checks again).

    Call it outside a transaction. The request is recorded first
    (``requested``) and committed; the store is asked outside the CRM's
    transaction, so nothing the CRM writes afterwards can undo or lose what
    the store did; then the record is marked ``started`` (on the ticket's
    conversation and the customer's timeline too) or ``failed``
    (:class:`RefundFailed`, with the store's errors). If marking it fails,
    the record stays ``requested`` and its key refunds nothing again.

    Asking again with the same ``idempotency_key`` (default: derived from
    the order, amount and reason) answers with the started refund, retries a
    failed one, and is refused with ``in_progress`` while its outcome is
    unknown. ``reason_reference`` is one of the store's refund reasons
    (:func:`~saleor_crm_plugin.commerce.order_actions.refund_reasons`),
    required when the store requires one. :class:`TicketError` when the
    ticket has no order, the amount is not one the order was paid in, the
    reason is missing or not the store's, or the host has no store
    (``unavailable``).
    """
    reason = (reason or "").strip()
    check_length(reason, MAX_REASON, "reason", TicketError)
    actions = order_actions()
    available = getattr(actions, "available", True)
    chosen = _reason_reference(actions, requestor, reason_reference) if available else None
    row, ask = _request_refund(ticket, amount, reason, author, idempotency_key, available, chosen)
    if not ask:
        return row
    try:
        extra = {"reason_reference": chosen.id} if chosen is not None else {}
        refund = actions.refund(row.order_id, row.amount, reason, requestor, **extra)
    except OrderActionError as error:
        raise RefundFailed(error, _mark_failed(row, error, author)) from None
    except Exception:
        # Whether the store refunded is unknown: the record stays requested.
        logger.exception("CRM: the store's refund for ticket refund %s failed", row.pk)
        raise TicketError(
            None,
            "Saleor's refund ended unexpectedly, so whether it refunded is unknown: the "
            "request is kept as requested. Check the order in Saleor.",
            TicketErrorCode.IN_PROGRESS,
        ) from None
    try:
        return _mark_started(row, refund, author)
    except Exception:
        logger.exception("CRM: refund %s started in the store but could not be recorded", row.pk)
        raise TicketError(
            None,
            f"Saleor started the refund ({refund.reference or refund.status}) but the CRM "
            "could not record it: it is kept as requested. Check the order in Saleor.",
            TicketErrorCode.IN_PROGRESS,
        ) from None
