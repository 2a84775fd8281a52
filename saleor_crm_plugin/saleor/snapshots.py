"""Saleor adapter: turn Saleor objects into the core's snapshots.

:func:`load_snapshots` builds many at once for the event batches (a fixed
number of queries per batch, whatever its size); the querysets are shared
with ``crm_backfill``. Orders are read as rows, not model
instances (:func:`order_snapshots`): the backfill reads a store's whole
history through it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import CharField, F, OuterRef, Prefetch, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from saleor.account.models import User
from saleor.checkout.models import Checkout, CheckoutLine
from saleor.discount.models import OrderDiscount, OrderLineDiscount
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
    """What Saleor reports as ``Order.totalRefunded``, for many orders in two
    queries: refunds on transaction items plus successful refund
    transactions of legacy payments.
    """
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


def checkouts_queryset():
    # A checkout's metadata is in its CheckoutMetadata row (metadata_storage).
    return Checkout.objects.select_related("channel", "user", "metadata_storage").prefetch_related(
        Prefetch("lines", queryset=CheckoutLine.objects.select_related("variant__product"))
    )


def customers_queryset():
    return User.objects.select_related("default_billing_address", "default_shipping_address")


def load_snapshots(object_type: str, ids: list[str]) -> dict[str, Any]:
    """Snapshots of Saleor objects as they are now, by id; None for an
    object that no longer exists. The event batches' loader.
    """
    found: dict[str, Any] = dict.fromkeys(ids)
    if object_type == "order":
        found.update(order_snapshots(Order.objects.filter(pk__in=ids), consent_metadata_key()))
    elif object_type == "checkout":
        key = consent_metadata_key()
        for checkout in checkouts_queryset().filter(pk__in=ids):
            found[str(checkout.pk)] = checkout_snapshot(checkout, key)
    elif object_type == "customer":
        key = consent_metadata_key()
        keys = [int(i) for i in ids if i.isdigit()]
        for user in customers_queryset().filter(pk__in=keys):
            found[str(user.pk)] = customer_snapshot(user, key)
    else:
        raise ValueError(f"Unknown object type {object_type}")
    return found


ADDRESS_COLUMNS = ("country", "country_area", "city", "postal_code", "first_name", "last_name")


def _address_values(prefix: str) -> dict[str, Any]:
    """``values()`` expressions of an order's address ``prefix`` (the phone
    as its stored text: a PhoneNumberField would be parsed row by row).
    """
    columns = {f"{prefix}_{c}": F(f"{prefix}__{c}") for c in ADDRESS_COLUMNS}
    columns[f"{prefix}_phone"] = Cast(f"{prefix}__phone", output_field=CharField())
    columns[f"{prefix}_present"] = F(f"{prefix}_id")
    return columns


def _address_from_row(row: dict[str, Any], prefix: str) -> AddressSnapshot | None:
    if row[f"{prefix}_present"] is None:
        return None
    return AddressSnapshot(
        **{c: row[f"{prefix}_{c}"] or "" for c in ADDRESS_COLUMNS},
        phone=row[f"{prefix}_phone"] or "",
    )


def _voucher_code():
    """The code the order used: ``Order.voucher_code`` (set from the checkout
    at completion, or by a draft order's voucher), else the code of one of
    its voucher discounts, order- or line-level (Saleor takes one voucher
    per order). Subqueries of the orders' own statement: no query more.
    """
    order_level = OrderDiscount.objects.filter(
        order_id=OuterRef("pk"), voucher_code__isnull=False
    ).order_by("pk")
    line_level = OrderLineDiscount.objects.filter(
        line__order_id=OuterRef("pk"), voucher_code__isnull=False
    ).order_by("pk")
    return Coalesce(
        F("voucher_code"),
        Subquery(order_level.values("voucher_code")[:1]),
        Subquery(line_level.values("voucher_code")[:1]),
        output_field=CharField(),
    )


def orders_queryset():
    """Every order, for the backfill's keyset walk."""
    return Order.objects.all()


def order_snapshots(orders, consent_key: str = "") -> dict[str, OrderSnapshot]:
    """Snapshots of the orders in the queryset ``orders``, by id, read as
    rows (no model instances: an order, its lines and addresses cost a few
    dictionaries) in two queries and the two of :func:`refunded_by_order`,
    whatever their number. With ``consent_key``, the order's metadata value
    under it: Saleor copies the checkout's metadata onto the order it
    completes into, so a consent set just before ``checkoutComplete`` is here.
    """
    consent = {"marketing_consent": KeyTextTransform(consent_key, "metadata")}
    rows = list(
        orders.order_by("pk").values(
            "id",
            "number",
            "created_at",
            "updated_at",
            "status",
            "charge_status",
            "user_email",
            "user_id",
            "currency",
            "total_gross_amount",
            "total_net_amount",
            "total_charged_amount",
            "checkout_token",
            "origin",
            code=_voucher_code(),
            channel_slug=F("channel__slug"),
            account_email=F("user__email"),
            account_confirmed=F("user__is_confirmed"),
            **_address_values("billing_address"),
            **_address_values("shipping_address"),
            **(consent if consent_key else {}),
        )
    )
    if not rows:
        return {}
    ids = [row["id"] for row in rows]
    lines: dict[Any, list[OrderLineSnapshot]] = {pk: [] for pk in ids}
    for line in (
        OrderLine.objects.filter(order_id__in=ids)
        .order_by("order_id", "pk")
        .values(
            "id",
            "order_id",
            "product_name",
            "variant_name",
            "quantity",
            "unit_price_gross_amount",
            "total_price_gross_amount",
            "product_sku",
            "variant_id",
            product_id=F("variant__product_id"),
            category_id=F("variant__product__category_id"),
            category_name=F("variant__product__category__name"),
        )
    ):
        lines[line["order_id"]].append(
            OrderLineSnapshot(
                line_id=str(line["id"]),
                product_name=line["product_name"] or "",
                variant_name=line["variant_name"] or "",
                quantity=line["quantity"],
                unit_price_gross=line["unit_price_gross_amount"],
                total_price_gross=line["total_price_gross_amount"],
                product_id=_text(line["product_id"]),
                variant_id=_text(line["variant_id"]),
                sku=line["product_sku"],
                category_id=_text(line["category_id"]),
                category_name=line["category_name"] or "",
            )
        )
    refunded = refunded_by_order(ids)
    return {
        str(row["id"]): OrderSnapshot(
            order_id=str(row["id"]),
            number=str(row["number"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            status=row["status"],
            charge_status=row["charge_status"] or "",
            # Order.get_customer_email: the order's address, else its account's.
            email=row["user_email"] or (row["account_email"] if row["user_id"] else "") or "",
            user_id=_text(row["user_id"]),
            user_is_confirmed=bool(row["user_id"] and row["account_confirmed"]),
            channel=row["channel_slug"] or "",
            currency=row["currency"],
            total_gross=row["total_gross_amount"],
            total_net=row["total_net_amount"],
            total_charged=row["total_charged_amount"],
            total_refunded=refunded.get(row["id"], Decimal(0)),
            voucher_code=row["code"] or None,
            checkout_token=row["checkout_token"] or None,
            origin=row["origin"] or "",
            is_fulfilled=row["status"] == "fulfilled",
            billing_address=_address_from_row(row, "billing_address"),
            shipping_address=_address_from_row(row, "shipping_address"),
            lines=tuple(lines[row["id"]]),
            marketing_consent=_consent_text(row.get("marketing_consent")),
        )
        for row in rows
    }


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def consent_metadata_key() -> str:
    """The metadata key storefronts keep marketing consent under ("": none);
    read once per loader call, i.e. once per batch and kind of object.
    """
    from ..configuration.models import CRMConfiguration

    key = (
        CRMConfiguration.objects.filter(pk=CRMConfiguration.SINGLETON_PK)
        .values_list("consent_metadata_key", flat=True)
        .first()
    )
    return key or ""


def _consent_text(value: Any) -> str | None:
    return None if value is None else str(value)[:64]


def metadata_value(obj, key: str) -> str | None:
    """``obj.metadata[key]`` as text (None when unset): the column is on the
    row already loaded, so this costs no query.
    """
    if not key:
        return None
    return _consent_text((getattr(obj, "metadata", None) or {}).get(key))


def checkout_metadata_value(checkout, key: str) -> str | None:
    """The checkout's metadata value under ``key``. Saleor keeps checkout
    metadata in a CheckoutMetadata row, not on the checkout: loaded with
    :func:`checkouts_queryset` (a join), or cached on the instance by the
    mutation that changed it; else one query, and none without a key.
    """
    if not key:
        return None
    try:
        storage = checkout.metadata_storage
    except ObjectDoesNotExist:  # no metadata yet, or the checkout is gone
        return None
    return metadata_value(storage, key)


def checkout_snapshot(checkout, consent_key: str = "") -> CheckoutSnapshot:
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
        marketing_consent=checkout_metadata_value(checkout, consent_key),
    )


def customer_snapshot(user, consent_key: str = "") -> CustomerSnapshot:
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
        marketing_consent=metadata_value(user, consent_key),
    )


def deleted_customer_snapshot(user) -> CustomerSnapshot:
    """What erasure needs of a deleted account; its addresses may be gone."""
    return CustomerSnapshot(user_id=str(user.pk), email=user.email, updated_at=user.updated_at)
