"""Saleor adapter: turn Saleor objects into the core's snapshots.

:func:`load_snapshots` builds many at once for the event batches (a fixed
number of queries per batch, whatever its size); the querysets are shared
with ``crm_backfill``. A builder given an object without prefetched rows
reads its lines and refunds itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Sum
from saleor.account.models import User
from saleor.checkout.models import Checkout, CheckoutLine
from saleor.order.models import Order, OrderLine
from saleor.payment import TransactionKind
from saleor.payment.models import Transaction, TransactionItem

from ..snapshots import (
    AddressSnapshot,
    CheckoutLineSnapshot,
    CheckoutSnapshot,
    CustomerSnapshot,
    OrderLineSnapshot,
    OrderSnapshot,
)


def address_snapshot(address) -> AddressSnapshot | None:
    if address is None:
        return None
    return AddressSnapshot(
        country=address.country.code if address.country else "",
        country_area=address.country_area or "",
        city=address.city or "",
        postal_code=address.postal_code or "",
        first_name=address.first_name or "",
        last_name=address.last_name or "",
        phone=str(address.phone or ""),
    )


def refunded_by_order(order_ids: list) -> dict[Any, Decimal]:
    """:func:`total_refunded` of many orders, in two queries."""
    totals: dict[Any, Decimal] = {}
    for order_id, total in (
        TransactionItem.objects.filter(order_id__in=order_ids)
        .values_list("order_id")
        .annotate(total=Sum("refunded_value"))
        .order_by()
    ):
        totals[order_id] = totals.get(order_id, Decimal(0)) + (total or Decimal(0))
    for order_id, total in (
        Transaction.objects.filter(
            payment__order_id__in=order_ids, kind=TransactionKind.REFUND, is_success=True
        )
        .values_list("payment__order_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        totals[order_id] = totals.get(order_id, Decimal(0)) + (total or Decimal(0))
    return totals


def total_refunded(order) -> Decimal:
    """What Saleor reports as ``Order.totalRefunded``: refunds on transaction
    items plus successful refund transactions of legacy payments.
    """
    if hasattr(order, "_crm_refunded"):
        return order._crm_refunded
    from_items = TransactionItem.objects.filter(order_id=order.pk).aggregate(
        total=Sum("refunded_value")
    )["total"]
    from_payments = Transaction.objects.filter(
        payment__order_id=order.pk, kind=TransactionKind.REFUND, is_success=True
    ).aggregate(total=Sum("amount"))["total"]
    return (from_items or Decimal(0)) + (from_payments or Decimal(0))


ORDER_LINE_RELATIONS = "variant__product__category"


def orders_queryset():
    return Order.objects.select_related(
        "channel", "user", "billing_address", "shipping_address"
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related(ORDER_LINE_RELATIONS))
    )


def checkouts_queryset():
    return Checkout.objects.select_related("channel", "user").prefetch_related(
        Prefetch("lines", queryset=CheckoutLine.objects.select_related("variant__product"))
    )


def customers_queryset():
    return User.objects.select_related("default_billing_address", "default_shipping_address")


def with_refunds(orders: list) -> list:
    """Attach every order's refunded total (two queries for the lot)."""
    totals = refunded_by_order([order.pk for order in orders])
    for order in orders:
        order._crm_refunded = totals.get(order.pk, Decimal(0))
    return orders


def load_snapshots(object_type: str, ids: list[str]) -> dict[str, Any]:
    """Snapshots of Saleor objects as they are now, by id; None for an
    object that no longer exists. The event batches' loader.
    """
    found: dict[str, Any] = dict.fromkeys(ids)
    if object_type == "order":
        for order in with_refunds(list(orders_queryset().filter(pk__in=ids))):
            found[str(order.pk)] = order_snapshot(order)
    elif object_type == "checkout":
        for checkout in checkouts_queryset().filter(pk__in=ids):
            found[str(checkout.pk)] = checkout_snapshot(checkout)
    elif object_type == "customer":
        keys = [int(i) for i in ids if i.isdigit()]
        for user in customers_queryset().filter(pk__in=keys):
            found[str(user.pk)] = customer_snapshot(user)
    else:
        raise ValueError(f"Unknown object type {object_type}")
    return found


def order_snapshot(order) -> OrderSnapshot:
    lines = []
    if "lines" in getattr(order, "_prefetched_objects_cache", {}):
        order_lines = sorted(order.lines.all(), key=lambda line: line.pk)
    else:
        order_lines = order.lines.select_related(ORDER_LINE_RELATIONS).order_by("pk")
    for line in order_lines:
        variant = line.variant
        product = variant.product if variant else None
        category = product.category if product else None
        lines.append(
            OrderLineSnapshot(
                line_id=str(line.pk),
                product_name=line.product_name or "",
                variant_name=line.variant_name or "",
                quantity=line.quantity,
                unit_price_gross=line.unit_price_gross_amount,
                total_price_gross=line.total_price_gross_amount,
                product_id=str(product.pk) if product else None,
                variant_id=str(variant.pk) if variant else None,
                sku=line.product_sku,
                category_id=str(category.pk) if category else None,
                category_name=category.name if category else "",
            )
        )
    status = order.status
    return OrderSnapshot(
        order_id=str(order.pk),
        number=str(order.number),
        created_at=order.created_at,
        updated_at=order.updated_at,
        status=status,
        charge_status=order.charge_status or "",
        email=order.get_customer_email() or "",
        user_id=str(order.user_id) if order.user_id else None,
        user_is_confirmed=bool(order.user_id and order.user.is_confirmed),
        channel=order.channel.slug if order.channel_id else "",
        currency=order.currency,
        total_gross=order.total_gross_amount,
        total_net=order.total_net_amount,
        total_charged=order.total_charged_amount,
        total_refunded=total_refunded(order),
        voucher_code=order.voucher_code,
        checkout_token=order.checkout_token or None,
        origin=order.origin or "",
        is_fulfilled=status == "fulfilled",
        billing_address=address_snapshot(order.billing_address),
        shipping_address=address_snapshot(order.shipping_address),
        lines=tuple(lines),
    )


def checkout_snapshot(checkout) -> CheckoutSnapshot:
    lines = tuple(
        CheckoutLineSnapshot(
            product_name=line.variant.product.name if line.variant_id else "",
            variant_name=line.variant.name if line.variant_id else "",
            quantity=line.quantity,
            product_id=str(line.variant.product_id) if line.variant_id else None,
            variant_id=str(line.variant_id) if line.variant_id else None,
        )
        for line in (
            sorted(checkout.lines.all(), key=lambda line: line.pk)
            if "lines" in getattr(checkout, "_prefetched_objects_cache", {})
            else checkout.lines.select_related("variant__product").order_by("pk")
        )
    )
    return CheckoutSnapshot(
        token=str(checkout.token),
        created_at=checkout.created_at,
        last_change=checkout.last_change,
        currency=checkout.currency,
        email=checkout.email or (checkout.user.email if checkout.user_id else "") or "",
        user_id=str(checkout.user_id) if checkout.user_id else None,
        channel=checkout.channel.slug if checkout.channel_id else "",
        total_gross=checkout.total_gross_amount or Decimal(0),
        country=checkout.country.code if checkout.country else "",
        lines=lines,
    )


def customer_snapshot(user) -> CustomerSnapshot:
    return CustomerSnapshot(
        user_id=str(user.pk),
        email=user.email,
        updated_at=user.updated_at,
        first_name=user.first_name or "",
        last_name=user.last_name or "",
        is_active=user.is_active,
        is_confirmed=user.is_confirmed,
        date_joined=user.date_joined,
        language_code=user.language_code or "",
        default_billing_address=address_snapshot(user.default_billing_address),
        default_shipping_address=address_snapshot(user.default_shipping_address),
    )


def deleted_customer_snapshot(user) -> CustomerSnapshot:
    """What erasure needs of a deleted account; its addresses may be gone."""
    return CustomerSnapshot(user_id=str(user.pk), email=user.email, updated_at=user.updated_at)
