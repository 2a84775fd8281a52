"""Loaders for the privacy views: store users (staff names), a profile's reads."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from ...privacy.models import ProfileRead
from ...privacy.names import display_name
from ...profiles.identity import user_key
from ..core.dataloaders import DataLoader, PageByParentLoader


class StaffUserByIdLoader(DataLoader):
    """Store users by primary key (any key form: ``"3"`` or ``3``), as
    ``{"email", "first_name", "last_name"}``; None for users that are gone.
    """

    context_key = "staff_user_by_id"

    def batch_load(self, keys: list[Any]) -> list[dict[str, str] | None]:
        model = get_user_model()
        names = {field.name for field in model._meta.get_fields()}
        wanted = [n for n in ("email", "first_name", "last_name") if n in names]
        pks = {user_key(key) for key in keys} - {None}
        rows = {
            row["pk"]: {name: row.get(name) or "" for name in ("email", "first_name", "last_name")}
            for row in model._default_manager.filter(pk__in=pks).values("pk", *wanted)
        }
        return [rows.get(user_key(key)) for key in keys]


def staff_display_name(info, user_id: Any):
    """A Promise of the name customers see for the staff member ``user_id``
    (:func:`~saleor_crm_plugin.privacy.names.display_name`); None without one.
    """
    from promise import Promise

    if user_id is None:
        return Promise.resolve(None)
    return (
        StaffUserByIdLoader(info.context)
        .load(user_id)
        .then(lambda user: display_name(user["first_name"], user["last_name"]) if user else None)
    )


class ReadsByProfileLoader(PageByParentLoader):
    """``CustomerProfile.reads``, newest first."""

    context_key = "reads_by_profile"
    parent_field = "profile_id"
    sort = (("read_at", True),)

    def queryset(self, filters: Hashable) -> QuerySet:
        return ProfileRead.objects.all()
