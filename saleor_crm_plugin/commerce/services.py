"""Apply order and checkout snapshots to the CRM's facts and profiles.

Every function here is idempotent and safe against out-of-order delivery:
a snapshot older than the stored fact changes nothing but the one-off facts
its event implies (paid, fulfilled, refunded), and timeline entries carry
dedupe keys.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from ..bulk import blank, columns_of, dumps, insert_rows, json_array, load, model_rows
from ..profiles.identity import Identity, resolve_profiles
from ..profiles.models import TimelineEventType
from ..profiles.timeline import TimelineEntry, add_timeline_event, add_timeline_rows
from ..snapshots import CheckoutSnapshot, OrderSnapshot, normalize_email
from .models import NON_SALE_STATUSES, CheckoutFact, OrderFact, OrderLineFact

PAID_CHARGE_STATUSES = ("full", "overcharged")
FULFILLED_STATUSES = ("fulfilled", "partially_returned", "returned")
PAID_EVENTS = ("order_paid", "order_fully_paid")


@dataclass
class Observed:
    """One stored event's view of an object: its snapshot, the events the
    store announced, and when. ``by_reference``: the snapshot was built by
    the worker (the object as it is now), not when the event happened.
    """

    snapshot: Any
    announced: tuple[str, ...]
    occurred_at: datetime
    by_reference: bool = False

    @property
    def evidence_at(self) -> datetime:
        """From when the snapshot's state is known to hold."""
        version = getattr(self.snapshot, "updated_at", None) or self.snapshot.last_change
        return version if self.by_reference else min(self.occurred_at, version)


def _identity(snapshot: OrderSnapshot | CheckoutSnapshot) -> Identity:
    """Who the order or cart names, as of when it was made."""
    return Identity(
        email=snapshot.email,
        user_id=snapshot.user_id,
        seen_at=snapshot.created_at,
        source_time=snapshot.created_at,
        # Carts carry no confirmation: only an order links an account.
        user_confirmed=getattr(snapshot, "user_is_confirmed", False),
    )


def _order_location(snapshot: OrderSnapshot) -> tuple[str, str]:
    for address in (snapshot.shipping_address, snapshot.billing_address):
        if address and address.country:
            return address.country.upper()[:2], address.city or ""
    return "", ""


ORDER_STATE_FIELDS = [
    "number", "email", "user_id", "city", "country", "channel", "currency", "status",
    "charge_status", "origin", "total_gross", "total_net", "total_charged", "total_refunded",
    "voucher_code", "checkout_token", "placed_at", "source_updated_at",
]  # fmt: skip
ORDER_UPSERT_FIELDS = [
    *ORDER_STATE_FIELDS, "profile", "paid_at", "fulfilled_at", "cancelled_at",
    "fully_refunded_at", "is_sale", "net_amount", "lines_digest", "updated_at",
]  # fmt: skip


def apply_orders(observed: dict[str, list[Observed]]) -> set[Any]:
    """Apply every event of a batch to the order facts, per order: the
    newest snapshot decides the order's state, the earliest evidence its
    one-off facts (paid, fulfilled, cancelled, fully refunded), so the
    result does not depend on delivery order. Returns the touched profiles.
    """
    if not observed:
        return set()
    existing = load(OrderFact, observed)
    newest = {
        order_id: max(views, key=lambda v: v.snapshot.updated_at)
        for order_id, views in observed.items()
    }
    fresh = [
        order_id
        for order_id, view in newest.items()
        if order_id not in existing
        or view.snapshot.updated_at >= existing[order_id].source_updated_at
    ]
    resolved = dict(
        zip(fresh, resolve_profiles([_identity(newest[o].snapshot) for o in fresh]), strict=True)
    )
    facts: list[OrderFact] = []
    lines_of: dict[str, OrderSnapshot] = {}
    timeline: list[tuple[Any, TimelineEntry]] = []
    touched: set[Any] = set()
    completions: list[tuple[str, str, datetime]] = []
    for order_id, views in observed.items():
        fact = existing.get(order_id)
        is_new = fact is None
        previous_profile_id = None if is_new else fact.profile_id
        previously_refunded = Decimal(0) if is_new else fact.total_refunded
        if is_new:
            fact = blank(OrderFact, order_id=order_id)
        snapshot = newest[order_id].snapshot
        result = resolved.get(order_id)
        if result is not None:  # not stale: this snapshot is the order's state
            country, city = _order_location(snapshot)
            fact.number = snapshot.number
            fact.email = "" if result.anonymous else normalize_email(snapshot.email)
            fact.user_id = None if result.anonymous else snapshot.user_id
            fact.city = "" if result.anonymous else city
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
            if result.profile is not None:
                fact.profile_id = result.profile.pk
            digest = _lines_digest(snapshot)
            if digest != fact.lines_digest:
                fact.lines_digest = digest
                lines_of[order_id] = snapshot
        _one_off_facts(fact, views)
        fact.is_sale = fact.status not in NON_SALE_STATUSES and fact.fully_refunded_at is None
        fact.net_amount = max(fact.total_gross - fact.total_refunded, Decimal(0))
        facts.append(fact)
        if fact.profile_id is not None:
            touched.add(fact.profile_id)
            timeline += [
                (fact.profile_id, entry)
                for entry in _order_timeline(fact, views, previously_refunded)
            ]
        if previous_profile_id is not None and previous_profile_id != fact.profile_id:
            touched.add(previous_profile_id)  # staff moved the order to another customer
        if fact.checkout_token:
            completions.append((fact.checkout_token, fact.order_id, fact.placed_at))

    insert_rows(
        OrderFact,
        model_rows(facts, model=OrderFact),
        conflict=["order_id"],
        update=columns_of(OrderFact, ORDER_UPSERT_FIELDS),
    )
    _replace_lines(lines_of, existing)
    if completions:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE saleor_crm_checkoutfact c
                SET completed_order_id = d.order_id, completed_at = d.placed_at
                FROM jsonb_to_recordset(%s::jsonb)
                     AS d(token varchar, order_id varchar, placed_at timestamptz)
                WHERE c.token = d.token
                  AND (c.completed_order_id, c.completed_at)
                      IS DISTINCT FROM (d.order_id, d.placed_at)
                """,
                [dumps([{"token": t, "order_id": o, "placed_at": at} for t, o, at in completions])],
            )
    add_timeline_rows(timeline)
    return touched


def _one_off_facts(fact: Any, views: list[Observed]) -> None:
    """Keep the earliest evidence seen of each one-off fact: an announced
    event, or a snapshot showing the state. Taking the minimum makes the
    result independent of delivery order.
    """
    paid, fulfilled, cancelled, refunded = [], [], [], []
    for view in views:
        snapshot, announced, at = view.snapshot, view.announced, view.occurred_at
        evidence = view.evidence_at
        if any(event in PAID_EVENTS for event in announced):
            paid.append(at)
        if snapshot.charge_status in PAID_CHARGE_STATUSES:
            paid.append(evidence)
        if "order_fulfilled" in announced:
            fulfilled.append(at)
        if snapshot.status in FULFILLED_STATUSES or snapshot.is_fulfilled:
            fulfilled.append(evidence)
        if "order_cancelled" in announced:
            cancelled.append(at)
        if snapshot.status == "canceled":
            cancelled.append(evidence)
        if "order_fully_refunded" in announced:
            refunded.append(at)
        if snapshot.total_gross > 0 and snapshot.total_refunded >= snapshot.total_gross:
            refunded.append(evidence)
    fact.paid_at = _earliest(fact.paid_at, *paid)
    fact.fulfilled_at = _earliest(fact.fulfilled_at, *fulfilled)
    fact.cancelled_at = _earliest(fact.cancelled_at, *cancelled)
    fact.fully_refunded_at = _earliest(fact.fully_refunded_at, *refunded)


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
    # Every field and value of every line, as JSON (orjson writes the
    # dataclasses in C, several times faster than their repr): a change in
    # any line changes the digest (an equal amount written differently only
    # costs one needless rewrite of the lines).
    return hashlib.sha256(dumps(snapshot.lines).encode()).hexdigest()


def _replace_lines(snapshots: dict[str, OrderSnapshot], existing: dict[str, Any]) -> None:
    """Rewrite the lines of orders whose lines changed (two statements)."""
    if not snapshots:
        return
    stale = [order_id for order_id in snapshots if order_id in existing]
    if stale:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {OrderLineFact._meta.db_table} "
                f"WHERE order_id = ANY({json_array('%s', 'varchar')})",
                [dumps(stale)],
            )
    insert_rows(
        OrderLineFact,
        [
            {
                "order_id": order_id,
                "line_id": line.line_id,
                "product_id": line.product_id,
                "product_name": line.product_name,
                "variant_id": line.variant_id,
                "variant_name": line.variant_name,
                "sku": line.sku,
                "category_id": line.category_id,
                "category_name": line.category_name,
                "quantity": line.quantity,
                "unit_price_gross": line.unit_price_gross,
                "total_price_gross": line.total_price_gross,
            }
            for order_id, snapshot in snapshots.items()
            for line in snapshot.lines
        ],
    )


def _order_timeline(
    fact: Any, views: list[Observed], previously_refunded: Decimal
) -> list[TimelineEntry]:
    if fact.status == "draft":
        return []
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
    refund_events = [v.occurred_at for v in views if "order_refunded" in v.announced]
    if fact.total_refunded > previously_refunded or (refund_events and fact.total_refunded > 0):
        at = min(refund_events) if refund_events else max(v.occurred_at for v in views)
        add(
            TimelineEventType.ORDER_REFUNDED,
            at,
            f"order_refunded:{amount_str(fact.total_refunded)}",
            {**order_data, "refunded": amount_str(fact.total_refunded)},
        )
    if fact.fully_refunded_at:
        add(TimelineEventType.ORDER_FULLY_REFUNDED, fact.fully_refunded_at, "order_fully_refunded")
    return entries


CHECKOUT_UPSERT_FIELDS = [
    "profile", "email", "user_id", "channel", "currency", "total_gross", "quantity", "lines",
    "started_at", "last_change", "completed_order_id", "completed_at", "abandoned_at",
    "updated_at",
]  # fmt: skip


def apply_checkouts(observed: dict[str, list[Observed]]) -> set[Any]:
    """Apply a batch's checkout events: per cart the newest version wins; an
    older one changes nothing. Returns the touched profiles.
    """
    if not observed:
        return set()
    existing = load(CheckoutFact, observed)
    newest = {
        token: max(views, key=lambda v: v.snapshot.last_change).snapshot
        for token, views in observed.items()
    }
    fresh = [
        token
        for token, snapshot in newest.items()
        if token not in existing or snapshot.last_change >= existing[token].last_change
    ]
    if not fresh:
        return set()
    resolved = resolve_profiles([_identity(newest[token]) for token in fresh])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT checkout_token, order_id, placed_at FROM {OrderFact._meta.db_table} "
            f"WHERE checkout_token = ANY({json_array('%s', 'varchar')})",
            [dumps(fresh)],
        )
        completed = {
            token: {"order_id": order_id, "placed_at": placed_at}
            for token, order_id, placed_at in cursor.fetchall()
        }
    facts, timeline, touched = [], [], set()
    for token, result in zip(fresh, resolved, strict=True):
        snapshot = newest[token]
        fact = existing.get(token) or blank(CheckoutFact, token=token)
        if result.profile is not None:
            fact.profile_id = result.profile.pk
        fact.email = "" if result.anonymous else normalize_email(snapshot.email)
        fact.user_id = None if result.anonymous else snapshot.user_id
        fact.channel = snapshot.channel
        fact.currency = snapshot.currency
        fact.total_gross = snapshot.total_gross
        fact.quantity = sum(line.quantity for line in snapshot.lines)
        fact.lines = [line.to_dict() for line in snapshot.lines]
        fact.started_at = snapshot.created_at
        if fact.abandoned_at and fact.last_change and snapshot.last_change > fact.last_change:
            fact.abandoned_at = None  # the shopper came back to the cart
        fact.last_change = snapshot.last_change
        if fact.completed_order_id is None and token in completed:
            fact.completed_order_id = completed[token]["order_id"]
            fact.completed_at = completed[token]["placed_at"]
        facts.append(fact)
        if fact.profile_id is None:
            continue
        touched.add(fact.profile_id)
        timeline.append(
            (
                fact.profile_id,
                TimelineEntry(
                    type=TimelineEventType.CHECKOUT_STARTED,
                    occurred_at=snapshot.created_at,
                    object_type="checkout",
                    object_id=token,
                    data={
                        "total": amount_str(snapshot.total_gross),
                        "currency": snapshot.currency,
                    },
                    dedupe_key=f"checkout_started:{token}",
                ),
            )
        )
    insert_rows(
        CheckoutFact,
        model_rows(facts, model=CheckoutFact),
        conflict=["token"],
        update=columns_of(CheckoutFact, CHECKOUT_UPSERT_FIELDS),
    )
    add_timeline_rows(timeline)
    return touched


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
