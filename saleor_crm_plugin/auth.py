"""Who is asking: the requestor the API checks permissions against.

Hosts authenticate requests (Saleor: JWTs and app tokens, see
:mod:`saleor_crm_plugin.saleor.auth`) and hand the core a :class:`Requestor`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from django.utils.module_loading import import_string

from .conf import crm_setting


class CRMPermission(StrEnum):
    """Permissions the CRM checks; the names are Saleor's."""

    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_ORDERS = "MANAGE_ORDERS"
    # Personal vouchers from a ticket (Saleor's permission for vouchers).
    MANAGE_DISCOUNTS = "MANAGE_DISCOUNTS"
    # Only to read who opened which profile (the read audit).
    MANAGE_STAFF = "MANAGE_STAFF"
    # Outbound webhooks (Saleor's permission for its own webhooks and apps).
    MANAGE_APPS = "MANAGE_APPS"


class RequestorKind(StrEnum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    STAFF = "staff"
    APP = "app"


class AuthenticationError(Exception):
    """The request carried credentials that are not valid (expired, forged)."""

    def __init__(self, message: str, code: str = "InvalidTokenError") -> None:
        super().__init__(message)
        self.code = code


# The App ``crm_install_dashboard`` creates: the Dashboard issues its views'
# third-party tokens. Tokens a user issued to any other App are refused.
CRM_APP_IDENTIFIER = "saleor.crm.dashboard"


@dataclass(frozen=True)
class Requestor:
    """Who is asking.

    ``channels``: the slugs of the sales channels whose orders the requestor
    may see; ``None`` for all (apps, and staff not restricted to channels).
    ``token_app``: for a user's third-party token (the Dashboard's tokens
    for an App's views), the identifier of the App it was issued for ("" when
    that App is unknown); ``None`` for the requestor's own token.
    ``is_confirmed``: for customers, whether the host has confirmed they own
    ``email`` (Saleor's ``User.is_confirmed``; a store may let customers sign
    in before): a ticket an unconfirmed customer opens waits for its emailed
    link, as a guest's does.
    """

    kind: str
    user_id: str | None = None
    email: str | None = None
    app_id: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)
    channels: frozenset[str] | None = None
    token_app: str | None = None
    is_confirmed: bool = True

    @classmethod
    def anonymous(cls) -> Requestor:
        return cls(kind=RequestorKind.ANONYMOUS)

    @property
    def is_authenticated(self) -> bool:
        return self.kind != RequestorKind.ANONYMOUS

    def has_perms(self, perms: list[str] | tuple[str, ...]) -> bool:
        """Staff and apps holding every one of ``perms``."""
        if self.kind not in (RequestorKind.STAFF, RequestorKind.APP):
            return False
        return all(perm in self.permissions for perm in perms)

    @property
    def sees_orders(self) -> bool:
        """Staff or apps with MANAGE_ORDERS: Saleor's rule for a customer's orders."""
        return self.has_perms((CRMPermission.MANAGE_ORDERS,))

    @property
    def sees_all_channels(self) -> bool:
        return self.channels is None

    def sees_channel(self, channel: str) -> bool:
        """Orders of ``channel`` are the requestor's to see (with MANAGE_ORDERS)."""
        return self.channels is None or channel in self.channels


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "jwt") and token.strip():
        return token.strip()
    return None


@cache
def _authenticator() -> Callable:
    path = crm_setting("SALEOR_CRM_AUTHENTICATOR")
    if path is None:
        from .hosting import running_in_saleor

        if not running_in_saleor():
            raise RuntimeError("Set SALEOR_CRM_AUTHENTICATOR outside Saleor.")
        path = "saleor_crm_plugin.saleor.auth.authenticate"
    return import_string(path)


def authenticate(request) -> Requestor:
    """Authenticate with the host's authenticator. Raises AuthenticationError."""
    return _authenticator()(request)


def check_token_app(requestor: Requestor) -> Requestor:
    """``requestor``, unless it came with a third-party token issued for
    another App than the CRM's (AuthenticationError): a user's token for
    some other App must not open the CRM as that user. The endpoint checks
    every authenticator's requestor with it.
    """
    if requestor.token_app is not None and requestor.token_app != CRM_APP_IDENTIFIER:
        raise AuthenticationError(
            "This token was issued for another app; the CRM accepts the tokens of its own app.",
            code="InvalidTokenError",
        )
    return requestor
