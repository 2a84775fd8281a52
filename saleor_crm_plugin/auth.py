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


@dataclass(frozen=True)
class Requestor:
    kind: str
    user_id: str | None = None
    email: str | None = None
    app_id: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)

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
