"""The store events the CRM understands, and what each carries."""

from django.db import models


class EventType(models.TextChoices):
    ORDER_CREATED = "order_created"
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_UPDATED = "order_updated"
    ORDER_PAID = "order_paid"
    ORDER_FULLY_PAID = "order_fully_paid"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_FULFILLED = "order_fulfilled"
    ORDER_REFUNDED = "order_refunded"
    ORDER_FULLY_REFUNDED = "order_fully_refunded"
    ORDER_IMPORTED = "order_imported"
    CHECKOUT_CREATED = "checkout_created"
    CHECKOUT_UPDATED = "checkout_updated"
    CHECKOUT_IMPORTED = "checkout_imported"
    CUSTOMER_CREATED = "customer_created"
    CUSTOMER_UPDATED = "customer_updated"
    CUSTOMER_IMPORTED = "customer_imported"
    CUSTOMER_DELETED = "customer_deleted"
    ACCOUNT_CONFIRMED = "account_confirmed"
    ACCOUNT_DELETED = "account_deleted"


ERASURE_EVENTS = frozenset({EventType.CUSTOMER_DELETED, EventType.ACCOUNT_DELETED})


def object_type_of(event_type: str) -> str:
    """Return "order", "checkout" or "customer" (account events are customer events)."""
    prefix = event_type.split("_", 1)[0]
    return "customer" if prefix == "account" else prefix
