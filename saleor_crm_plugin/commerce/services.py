"""Apply order and checkout snapshots to the CRM's facts and profiles.

Every function here is idempotent and safe against out-of-order delivery:
a snapshot older than the stored fact changes nothing but the one-off facts
its event implies (paid, fulfilled, refunded), and timeline entries carry
dedupe keys.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ..profiles.models import CustomerProfile, TimelineEventType
from ..profiles.services import (
    ResolvedProfile,
    TimelineEntry,
    add_timeline_event,
    add_timeline_events,
    refresh_profile,
    resolve_profile,
)
from ..snapshots import CheckoutSnapshot, OrderSnapshot, normalize_email
from .models import NON_SALE_STATUSES, CheckoutFact, OrderFact, OrderLineFact

PAID_CHARGE_STATUSES = ("full", "overcharged")
FULFILLED_STATUSES = ("fulfilled", "partially_returned", "returned")
PAID_EVENTS = ("order_paid", "order_fully_paid")


def _resolve(snapshot: OrderSnapshot | CheckoutSnapshot) -> ResolvedProfile:
    """The profile of the order's or cart's customer, as of when it was made."""
    return resolve_profile(
        email=snapshot.email,
        user_id=snapshot.user_id,
        seen_at=snapshot.created_at,
        source_time=snapshot.created_at,
    )


def _order_location(snapshot: OrderSnapshot) -> tuple[str, str]:
    for address in (snapshot.shipping_address, snapshot.billing_address):
        if address and address.country:
            return address.country.upper()[:2], address.city or ""
    return "", ""


def apply_order(snapshot: OrderSnapshot, event_type: str, occurred_at: datetime) -> None:
    fact = OrderFact.objects.select_for_update().filter(pk=snapshot.order_id).first()
    is_new = fact is None
    stale = not is_new and snapshot.updated_at < fact.source_updated_at
    previous_profile_id = None if is_new else fact.profile_id
    if stale:
        # An older version: it decides nothing about who the order belongs to.
        profile = (
            CustomerProfile.objects.select_for_update().filter(pk=fact.profile_id).first()
            if fact.profile_id
            else None
        )
    else:
        resolved = _resolve(snapshot)
        profile = resolved.profile

    if is_new:
        fact = OrderFact(order_id=snapshot.order_id, source_updated_at=snapshot.updated_at)
    previously_refunded = fact.total_refunded or Decimal(0)
    if not stale:
        country, city = _order_location(snapshot)
        fact.number = snapshot.number
        fact.email = "" if resolved.anonymous else normalize_email(snapshot.email)
        fact.user_id = None if resolved.anonymous else snapshot.user_id
        fact.city = "" if resolved.anonymous else city
        fact.country = country
        fact.channel = snapshot.channel
        fact.currency = snapshot.currency
        fact.status = snapshot.status
        fact.charge_status = snapshot.charge_status
        fact.origin = snapshot.origin
        fact.total_gross = snapshot.total_gross
        fact.total_net = snapshot.total_net
        fact.total_charged = snapshot.total_charged
        fact.total_refunded = snapshot.total_refunded
        fact.voucher_code = snapshot.voucher_code
        fact.checkout_token = snapshot.checkout_token
        fact.placed_at = snapshot.created_at
        fact.source_updated_at = snapshot.updated_at

    # One-off facts (paid, fulfilled, cancelled, fully refunded) keep the
    # earliest evidence seen: the event itself, or a snapshot showing the
    # state. Taking the minimum makes the result independent of delivery order.
    evidence_at = min(occurred_at, snapshot.updated_at)
    fulfilled = snapshot.status in FULFILLED_STATUSES or snapshot.is_fulfilled
    fact.paid_at = _earliest(
        fact.paid_at,
        occurred_at if event_type in PAID_EVENTS else None,
        evidence_at if snapshot.charge_status in PAID_CHARGE_STATUSES else None,
    )
    fact.fulfilled_at = _earliest(
        fact.fulfilled_at,
        occurred_at if event_type == "order_fulfilled" else None,
        evidence_at if fulfilled else None,
    )
    fact.cancelled_at = _earliest(
        fact.cancelled_at,
        occurred_at if event_type == "order_cancelled" else None,
        evidence_at if snapshot.status == "canceled" else None,
    )
    fully_refunded = snapshot.total_gross > 0 and snapshot.total_refunded >= snapshot.total_gross
    fact.fully_refunded_at = _earliest(
        fact.fully_refunded_at,
        occurred_at if event_type == "order_fully_refunded" else None,
        evidence_at if fully_refunded else None,
    )
    fact.is_sale = fact.status not in NON_SALE_STATUSES and fact.fully_refunded_at is None
    fact.net_amount = max(fact.total_gross - fact.total_refunded, Decimal(0))
    if profile is not None and not stale:
        fact.profile = profile
    lines_digest = _lines_digest(snapshot)
    lines_changed = not stale and lines_digest != fact.lines_digest
    if lines_changed:
        fact.lines_digest = lines_digest
    fact.save(force_insert=is_new)

    if lines_changed:
        _replace_lines(fact, snapshot, is_new)
    if snapshot.checkout_token:
        CheckoutFact.objects.filter(token=snapshot.checkout_token).update(
            completed_order_id=fact.order_id, completed_at=fact.placed_at
        )
    if profile is not None:
        _order_timeline(profile, fact, event_type, occurred_at, previously_refunded)
        refresh_profile(profile)
    if previous_profile_id and profile is not None and previous_profile_id != fact.profile_id:
        # The order's customer changed (staff edited the email): both move.
        previous = (
            CustomerProfile.objects.select_for_update().filter(pk=previous_profile_id).first()
        )
        if previous is not None:
            refresh_profile(previous)


def amount_str(value: Decimal) -> str:
    """Canonical text of an amount: at least two decimals, at most three
    (the stored precision), whether it came from a snapshot or the database.
    """
    exact = Decimal(value).quantize(Decimal("0.001"))
    cents = exact.quantize(Decimal("0.01"))
    return str(cents if cents == exact else exact)


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def _lines_digest(snapshot: OrderSnapshot) -> str:
    body = json.dumps([line.to_dict() for line in snapshot.lines], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _replace_lines(fact: OrderFact, snapshot: OrderSnapshot, is_new: bool) -> None:
    if not is_new:
        OrderLineFact.objects.filter(order=fact).delete()
    OrderLineFact.objects.bulk_create(
        OrderLineFact(
            order=fact,
            line_id=line.line_id,
            product_id=line.product_id,
            product_name=line.product_name,
            variant_id=line.variant_id,
            variant_name=line.variant_name,
            sku=line.sku,
            category_id=line.category_id,
            category_name=line.category_name,
            quantity=line.quantity,
            unit_price_gross=line.unit_price_gross,
            total_price_gross=line.total_price_gross,
        )
        for line in snapshot.lines
    )


def _order_timeline(
    profile: CustomerProfile,
    fact: OrderFact,
    event_type: str,
    occurred_at: datetime,
    previously_refunded: Decimal,
) -> None:
    if fact.status == "draft":
        return
    order_data = {
        "number": fact.number,
        "total": amount_str(fact.total_gross),
        "currency": fact.currency,
        "channel": fact.channel,
    }

    entries: list[TimelineEntry] = []

    def add(type: str, at: datetime, key: str, data: dict | None = None) -> None:
        entries.append(
            TimelineEntry(
                type=type,
                occurred_at=at,
                object_type="order",
                object_id=fact.order_id,
                data=data or order_data,
                dedupe_key=f"{key}:{fact.order_id}",
            )
        )

    add(TimelineEventType.ORDER_PLACED, fact.placed_at, "order_placed")
    if fact.paid_at:
        add(TimelineEventType.ORDER_PAID, fact.paid_at, "order_paid")
    if fact.fulfilled_at:
        add(TimelineEventType.ORDER_FULFILLED, fact.fulfilled_at, "order_fulfilled")
    if fact.cancelled_at:
        add(TimelineEventType.ORDER_CANCELLED, fact.cancelled_at, "order_cancelled")
    if fact.total_refunded > previously_refunded or (
        event_type == "order_refunded" and fact.total_refunded > 0
    ):
        add(
            TimelineEventType.ORDER_REFUNDED,
            occurred_at,
            f"order_refunded:{amount_str(fact.total_refunded)}",
            {**order_data, "refunded": amount_str(fact.total_refunded)},
        )
    if fact.fully_refunded_at:
        add(TimelineEventType.ORDER_FULLY_REFUNDED, fact.fully_refunded_at, "order_fully_refunded")
    add_timeline_events(profile, entries)


def apply_checkout(snapshot: CheckoutSnapshot, event_type: str, occurred_at: datetime) -> None:
    fact = CheckoutFact.objects.select_for_update().filter(pk=snapshot.token).first()
    if fact is not None and snapshot.last_change < fact.last_change:
        return  # an older version of the cart than the one stored
    resolved = _resolve(snapshot)
    profile = resolved.profile
    is_new = fact is None
    if is_new:
        fact = CheckoutFact(token=snapshot.token)
    fact.profile = profile or fact.profile
    fact.email = "" if resolved.anonymous else normalize_email(snapshot.email)
    fact.user_id = None if resolved.anonymous else snapshot.user_id
    fact.channel = snapshot.channel
    fact.currency = snapshot.currency
    fact.total_gross = snapshot.total_gross
    fact.quantity = sum(line.quantity for line in snapshot.lines)
    fact.lines = [line.to_dict() for line in snapshot.lines]
    fact.started_at = snapshot.created_at
    if fact.abandoned_at and snapshot.last_change > fact.last_change:
        fact.abandoned_at = None  # the shopper came back to the cart
    fact.last_change = snapshot.last_change
    if fact.completed_order_id is None:
        order = (
            OrderFact.objects.filter(checkout_token=snapshot.token)
            .values("order_id", "placed_at")
            .first()
        )
        if order:
            fact.completed_order_id, fact.completed_at = order["order_id"], order["placed_at"]
    fact.save(force_insert=is_new)

    if profile is None:
        return
    add_timeline_event(
        profile,
        TimelineEventType.CHECKOUT_STARTED,
        snapshot.created_at,
        object_type="checkout",
        object_id=snapshot.token,
        data={"total": amount_str(snapshot.total_gross), "currency": snapshot.currency},
        dedupe_key=f"checkout_started:{snapshot.token}",
    )
    if profile.last_checkout_at is None or snapshot.last_change > profile.last_checkout_at:
        profile.last_checkout_at = snapshot.last_change
        profile.save(update_fields=["last_checkout_at", "updated_at"])


def mark_abandoned_checkouts(now: datetime | None = None, *, after_hours: int) -> int:
    """Flag carts left untouched for ``after_hours`` with items and a known
    customer; each abandonment is recorded once on the timeline.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(hours=after_hours)
    candidates = list(
        CheckoutFact.objects.filter(
            Q(completed_order_id__isnull=True),
            abandoned_at__isnull=True,
            last_change__lt=cutoff,
            profile__isnull=False,
            quantity__gt=0,
        )
        .select_related("profile")
        .order_by("last_change")[:5000]
    )
    # An order may name the checkout even if its completion event came first.
    completed = dict(
        OrderFact.objects.filter(checkout_token__in=[c.token for c in candidates]).values_list(
            "checkout_token", "order_id"
        )
    )
    count = 0
    for checkout in candidates:
        if checkout.token in completed:
            CheckoutFact.objects.filter(pk=checkout.token).update(
                completed_order_id=completed[checkout.token]
            )
            continue
        updated = CheckoutFact.objects.filter(
            pk=checkout.token, abandoned_at__isnull=True, last_change=checkout.last_change
        ).update(abandoned_at=now)
        if not updated:
            continue
        count += 1
        add_timeline_event(
            checkout.profile,
            TimelineEventType.CHECKOUT_ABANDONED,
            checkout.last_change,
            object_type="checkout",
            object_id=checkout.token,
            data={
                "total": amount_str(checkout.total_gross),
                "currency": checkout.currency,
                "quantity": checkout.quantity,
            },
            dedupe_key=f"checkout_abandoned:{checkout.token}:{checkout.last_change.isoformat()}",
        )
    return count
