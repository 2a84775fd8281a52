"""Loaders for what a profile shows: its timeline and orders, and profiles
by ID for the tickets and interactions that point to one.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import QuerySet

from ...commerce.models import OrderFact
from ...order_access import visible_orders, visible_timeline
from ...profiles import models
from ..core.dataloaders import ByIdLoader, PageByParentLoader


class CustomerProfileByIdLoader(ByIdLoader):
    context_key = "customer_profile_by_id"
    model = models.CustomerProfile


class TimelineEventsByProfileLoader(PageByParentLoader):
    """``CustomerProfile.timeline``; the filter is a tuple of event types
    (empty: all of them).
    """

    context_key = "timeline_events_by_profile"
    parent_field = "profile_id"
    sort = (("occurred_at", True),)

    def queryset(self, filters: Hashable) -> QuerySet:
        # Entries about orders the requestor may not see are left out.
        events = visible_timeline(models.TimelineEvent.objects.all(), self.context.requestor)
        return events.filter(type__in=filters) if filters else events


class OrdersByProfileLoader(PageByParentLoader):
    """``CustomerProfile.orders``."""

    context_key = "orders_by_profile"
    parent_field = "profile_id"
    sort = (("placed_at", True),)

    def queryset(self, filters: Hashable) -> QuerySet:
        # Only the requestor's channels' orders (the field needs MANAGE_ORDERS).
        return visible_orders(OrderFact.objects.all(), self.context.requestor)
