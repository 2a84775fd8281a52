"""Small helpers the domains' resolvers and mutations share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql_relay import to_global_id

from ...auth import Requestor, RequestorKind
from ...profiles.identity import existing_user_pk


@dataclass(frozen=True)
class StaffIdentity:
    """Who a staff requestor is, as a ticket message or interaction records it."""

    user_pk: Any
    name: str


def staff_identity(requestor: Requestor) -> StaffIdentity:
    """A staff user by their (existing) user row and email; an app by its ID."""
    if requestor.kind == RequestorKind.APP:
        return StaffIdentity(user_pk=None, name=f"App {requestor.app_id}")
    return StaffIdentity(user_pk=existing_user_pk(requestor.user_id), name=requestor.email or "")


def saleor_id(type_name: str, pk: Any) -> str | None:
    """The Saleor global ID of a store object the CRM refers to; None when unset."""
    return to_global_id(type_name, pk) if pk else None
