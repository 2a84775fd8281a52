"""Loaders for what a profile shows: its timeline and orders, and profiles
and orders by ID for the tickets and interactions that point to one.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.db.models import QuerySet
from promise import Promise

from ...commerce.models import OrderFact
from ...order_access import shows_order, visible_orders, visible_timeline
from ...profiles import models
from ..core.dataloaders import ByIdLoader, PageByParentLoader
from ..core.utils import saleor_id


class CustomerProfileByIdLoader(ByIdLoader):
    context_key = "customer_profile_by_id"
    model = models.CustomerProfile


class OrderFactByIdLoader(ByIdLoader):
    context_key = "order_fact_by_id"
    model = OrderFact


def order_reference(info, order_id: Any) -> str | Promise | None:
    """The Saleor global ID of the order a ticket or an interaction is
    about, or None when the requestor may not see it: FIELD_PERMISSIONS
    requires MANAGE_ORDERS; staff restricted to some channels get only
    their channels' orders (one query for all the rows of a page).
    """
    requestor = info.context.requestor
    if order_id is None or not requestor.sees_orders:
        return None
    if requestor.sees_all_channels:
        return saleor_id("Order", order_id)
    return (
        OrderFactByIdLoader(info.context)
        .load(order_id)
        .then(lambda fact: saleor_id("Order", order_id) if shows_order(requestor, fact) else None)
    )


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
