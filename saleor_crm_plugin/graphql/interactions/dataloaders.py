"""Loaders for interactions: a profile's contacts."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import QuerySet

from ...interactions import models
from ..core.dataloaders import PageByParentLoader


class InteractionsByProfileLoader(PageByParentLoader):
    """``CustomerProfile.interactions``, newest first."""

    context_key = "interactions_by_profile"
    parent_field = "profile_id"
    sort = (("occurred_at", True),)

    def queryset(self, filters: Hashable) -> QuerySet:
        return models.Interaction.objects.all()
