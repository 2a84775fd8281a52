"""Which orders a requestor may see: Saleor's rules, applied to the CRM's facts.

Saleor shows a customer's orders only to staff and apps with
``MANAGE_ORDERS`` (``User.orders``), and to staff restricted to some
channels (permission groups with ``restricted_access_to_channels``) only
the orders of those channels; apps see every channel. The CRM holds copies
of the same orders, so the same rules decide what of them it shows: the
orders, the order entries of a timeline, the figures computed from orders,
and which orders may be linked to a ticket or an interaction.

The requestor's channels come from the host (:class:`~.auth.Requestor`);
nothing here knows how the host found them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .auth import Requestor
from .commerce.models import OrderFact

# Timeline entries about an order (``TimelineEvent.object_type``).
ORDER_OBJECT = "order"


def visible_orders(queryset: QuerySet, requestor: Requestor) -> QuerySet:
    """The order facts of ``queryset`` the requestor may see."""
    if not requestor.sees_orders:
        return queryset.none()
    if requestor.sees_all_channels:
        return queryset
    return queryset.filter(channel__in=sorted(requestor.channels or ()))


def visible_timeline(queryset: QuerySet, requestor: Requestor) -> QuerySet:
    """The timeline events of ``queryset`` the requestor may see: entries
    about an order only with MANAGE_ORDERS, and only of the requestor's
    channels (the order fact says which channel an entry's order is in).
    """
    if not requestor.sees_orders:
        return queryset.exclude(object_type=ORDER_OBJECT)
    if requestor.sees_all_channels:
        return queryset
    in_channels = OrderFact.objects.filter(
        order_id=OuterRef("object_id"), channel__in=sorted(requestor.channels or ())
    )
    return queryset.filter(~Q(object_type=ORDER_OBJECT) | Exists(in_channels))


def may_see_order(requestor: Requestor, order: OrderFact | None) -> bool:
    """The requestor may see (and link) this order; an unknown order is
    left to the caller (which reports it as not found).
    """
    if not requestor.sees_orders:
        return False
    return order is None or requestor.sees_channel(order.channel)


def order_fact(order_id: Any) -> OrderFact | None:
    return OrderFact.objects.filter(pk=order_id).first() if order_id else None
