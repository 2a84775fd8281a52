"""How the CRM names staff to customers: by name, never by email.

A staff reply is stored with its author's user and the name staff see (their
email, from the token). Customers (``myTickets``, ``ticketByAccessToken``,
the data export) see the staff member's first and last name from the store's
user account instead, or :data:`STAFF_LABEL` when the account has no name
(or is gone, or the author was an app).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from ..tickets.models import TicketAuthorKind

STAFF_LABEL = "Customer support"


def display_name(first_name: str | None, last_name: str | None) -> str:
    """The staff member's first and last name, or :data:`STAFF_LABEL` without either."""
    name = " ".join(part.strip() for part in (first_name, last_name) if part and part.strip())
    return name or STAFF_LABEL


def staff_display_names(user_ids: Iterable[Any]) -> dict[Any, str]:
    """Display names of store users by primary key, in one query."""
    keys = {key for key in user_ids if key is not None}
    if not keys:
        return {}
    rows = get_user_model()._default_manager.filter(pk__in=keys)
    return {
        row["pk"]: display_name(row.get("first_name"), row.get("last_name"))
        for row in rows.values("pk", *_name_fields())
    }


def _name_fields() -> tuple[str, ...]:
    names = {field.name for field in get_user_model()._meta.get_fields()}
    return tuple(name for name in ("first_name", "last_name") if name in names)


def public_author_name(author_kind: str, author_name: str, staff_name: str | None) -> str:
    """The author of a message as its customer sees it: a customer's own name
    as stored; staff and the system by ``staff_name`` (see
    :func:`display_name`) or :data:`STAFF_LABEL`.
    """
    if author_kind == TicketAuthorKind.CUSTOMER:
        return author_name
    return staff_name or STAFF_LABEL
