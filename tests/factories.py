"""Snapshot factories for the standalone tier: the core's public input."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from saleor_crm_plugin.ingestion.services import process_event, record_event
from saleor_crm_plugin.snapshots import (
    AddressSnapshot,
    CheckoutLineSnapshot,
    CheckoutSnapshot,
    CustomerSnapshot,
    OrderLineSnapshot,
    OrderSnapshot,
)

_numbers = itertools.count(1)


def line(
    product: str = "Espresso beans", quantity: int = 1, price: str = "10.00", **kwargs
) -> OrderLineSnapshot:
    slug = product.lower().replace(" ", "-")
    return OrderLineSnapshot(
        line_id=kwargs.pop("line_id", f"line-{slug}"),
        product_name=product,
        quantity=quantity,
        unit_price_gross=Decimal(price),
        total_price_gross=Decimal(price) * quantity,
        product_id=kwargs.pop("product_id", f"product-{slug}"),
        variant_id=kwargs.pop("variant_id", f"variant-{slug}"),
        category_id=kwargs.pop("category_id", "category-coffee"),
        category_name=kwargs.pop("category_name", "Coffee"),
        **kwargs,
    )


def order(
    order_id: str | None = None,
    *,
    email: str = "ann@example.com",
    total: str = "10.00",
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
    status: str = "unfulfilled",
    charge_status: str = "full",
    currency: str = "USD",
    lines: tuple[OrderLineSnapshot, ...] | None = None,
    **kwargs,
) -> OrderSnapshot:
    order_id = order_id or f"order-{next(_numbers)}"
    created_at = created_at or timezone.now() - timedelta(hours=1)
    return OrderSnapshot(
        order_id=order_id,
        number=kwargs.pop("number", order_id.removeprefix("order-")),
        created_at=created_at,
        updated_at=updated_at or created_at,
        status=status,
        charge_status=charge_status,
        email=email,
        currency=currency,
        total_gross=Decimal(total),
        total_net=Decimal(total),
        channel=kwargs.pop("channel", "default-channel"),
        lines=lines if lines is not None else (line(price=total),),
        shipping_address=kwargs.pop(
            "shipping_address", AddressSnapshot(country="PL", city="Wrocław")
        ),
        **kwargs,
    )


def checkout(
    token: str = "checkout-1",
    *,
    email: str = "ann@example.com",
    created_at: datetime | None = None,
    last_change: datetime | None = None,
    quantity: int = 1,
    **kwargs,
) -> CheckoutSnapshot:
    created_at = created_at or timezone.now() - timedelta(hours=2)
    return CheckoutSnapshot(
        token=token,
        created_at=created_at,
        last_change=last_change or created_at,
        currency=kwargs.pop("currency", "USD"),
        email=email,
        total_gross=Decimal(kwargs.pop("total", "10.00")),
        channel="default-channel",
        lines=(CheckoutLineSnapshot(product_name="Espresso beans", quantity=quantity),)
        if quantity
        else (),
        **kwargs,
    )


def customer(
    user,
    *,
    email: str | None = None,
    updated_at: datetime | None = None,
    **kwargs,
) -> CustomerSnapshot:
    return CustomerSnapshot(
        user_id=str(user.pk),
        email=email or user.email,
        updated_at=updated_at or timezone.now(),
        first_name=kwargs.pop("first_name", user.first_name),
        last_name=kwargs.pop("last_name", user.last_name),
        date_joined=kwargs.pop("date_joined", user.date_joined),
        default_shipping_address=kwargs.pop(
            "default_shipping_address", AddressSnapshot(country="DE", city="Berlin")
        ),
        **kwargs,
    )


def ingest(event_type: str, snapshot, occurred_at: datetime | None = None):
    """Record an event as a hook would, and process it as a worker would."""
    event = record_event(event_type, snapshot, occurred_at=occurred_at, dispatch=False)
    process_event(event.pk)
    return event
