"""Which orders a requestor may see: Saleor's rules, applied to the CRM's facts.

Saleor shows a customer's orders only to staff and apps with
``MANAGE_ORDERS`` (``User.orders``), and to staff restricted to some
channels (permission groups with ``restricted_access_to_channels``) only
the orders of those channels; apps see every channel. The CRM holds copies
of the same orders, so the same rules decide what of them it shows: the
orders, the order entries of a timeline, the figures computed from orders,
which orders may be linked to a ticket or an interaction, and the order a
ticket or an interaction names. Carts (checkout facts) belong to a channel
too: staff restricted to some channels see only those channels' carts.

The requestor's channels come from the host (:class:`~.auth.Requestor`);
nothing here knows how the host found them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .auth import Requestor
from .commerce.models import CheckoutFact, OrderFact

# Timeline entries about an order, a cart (``TimelineEvent.object_type``).
ORDER_OBJECT = "order"
CHECKOUT_OBJECT = "checkout"


def visible_orders(queryset: QuerySet, requestor: Requestor) -> QuerySet:
    """The order facts of ``queryset`` the requestor may see."""
    if not requestor.sees_orders:
        return queryset.none()
    if requestor.sees_all_channels:
        return queryset
    return queryset.filter(channel__in=sorted(requestor.channels or ()))


def visible_checkouts(queryset: QuerySet, requestor: Requestor) -> QuerySet:
    """The checkout facts of ``queryset`` of the requestor's channels."""
    if requestor.sees_all_channels:
        return queryset
    return queryset.filter(channel__in=sorted(requestor.channels or ()))


def visible_timeline(queryset: QuerySet, requestor: Requestor) -> QuerySet:
    """The timeline events of ``queryset`` the requestor may see: entries
    about an order only with MANAGE_ORDERS, and entries about an order or a
    cart only of the requestor's channels (the order or checkout fact says
    which channel an entry's object is in).
    """
    if not requestor.sees_orders:
        queryset = queryset.exclude(object_type=ORDER_OBJECT)
    if requestor.sees_all_channels:
        return queryset
    channels = sorted(requestor.channels or ())
    orders_in = OrderFact.objects.filter(order_id=OuterRef("object_id"), channel__in=channels)
    carts_in = CheckoutFact.objects.filter(token=OuterRef("object_id"), channel__in=channels)
    return queryset.filter(
        ~Q(object_type__in=(ORDER_OBJECT, CHECKOUT_OBJECT))
        | (Q(object_type=ORDER_OBJECT) & Exists(orders_in))
        | (Q(object_type=CHECKOUT_OBJECT) & Exists(carts_in))
    )


def may_see_order(requestor: Requestor, order: OrderFact | None) -> bool:
    """The requestor may see (and link) this order; an unknown order is
    left to the caller (which reports it as not found).
    """
    if not requestor.sees_orders:
        return False
    return order is None or requestor.sees_channel(order.channel)


def shows_order(requestor: Requestor, order: OrderFact | None) -> bool:
    """The requestor may see that a ticket or an interaction is about this
    order (or filter by it): with MANAGE_ORDERS, and staff restricted to
    some channels only for an order the CRM knows in one of theirs (an
    unknown order could be any channel's).
    """
    if not requestor.sees_orders:
        return False
    return requestor.sees_all_channels or (
        order is not None and requestor.sees_channel(order.channel)
    )


def shows_order_id(requestor: Requestor, order_id: Any) -> bool:
    """:func:`shows_order` by the order's ID (a query only for restricted staff)."""
    if not requestor.sees_orders or requestor.sees_all_channels:
        return requestor.sees_orders
    return shows_order(requestor, order_fact(order_id))


def order_fact(order_id: Any) -> OrderFact | None:
    return OrderFact.objects.filter(pk=order_id).first() if order_id else None
