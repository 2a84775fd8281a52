"""Customer 360 profiles: find or create, update from accounts, merge, erase,
and refresh the derived figures of one profile from its facts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from ..analytics.models import RFMBreakpoints
from ..analytics.scoring import lifecycle_stage, rfm_scores, rfm_segment
from ..configuration.models import CRMConfiguration
from ..configuration.services import get_configuration
from ..snapshots import AddressSnapshot, CustomerSnapshot, normalize_email
from .models import CustomerProfile, ErasedIdentity, TimelineEvent, TimelineEventType

FAVOURITES_LIMIT = 5
ERASED_EMAIL_DOMAIN = "erased.invalid"

_refresh_deferred: ContextVar[bool] = ContextVar("crm_refresh_deferred", default=False)


@contextmanager
def deferred_profile_refresh() -> Iterator[None]:
    """Skip per-event profile refreshes (bulk imports run the full
    recompute once at the end instead).
    """
    token = _refresh_deferred.set(True)
    try:
        yield
    finally:
        _refresh_deferred.reset(token)


def email_hash(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


def _user_key(user_id: str | None) -> Any:
    """The store user's primary key in the user model's type, unchecked."""
    if not user_id:
        return None
    try:
        return get_user_model()._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a foreign id format is simply "no user"
        return None


def _user_pk(user_id: str | None) -> Any:
    """The store user's primary key if that user still exists, else None."""
    pk = _user_key(user_id)
    if pk is None:
        return None
    return pk if get_user_model()._default_manager.filter(pk=pk).exists() else None


def build_search_document(profile: CustomerProfile) -> str:
    parts = (profile.email, profile.first_name, profile.last_name, profile.city)
    return " ".join(p for p in parts if p).lower()


@dataclass(frozen=True)
class TimelineEntry:
    type: str
    occurred_at: datetime
    object_type: str = ""
    object_id: str = ""
    data: dict[str, Any] | None = None
    dedupe_key: str | None = None


def add_timeline_events(profile: CustomerProfile, entries: list[TimelineEntry]) -> None:
    """Record timeline events in one statement. An event with a ``dedupe_key``
    exists once: recording it again updates it (time, data) instead.
    """
    keyed = [e for e in entries if e.dedupe_key is not None]
    plain = [e for e in entries if e.dedupe_key is None]

    def rows(items: list[TimelineEntry]) -> list[TimelineEvent]:
        return [
            TimelineEvent(
                profile_id=profile.pk,
                type=e.type,
                occurred_at=e.occurred_at,
                object_type=e.object_type,
                object_id=e.object_id or "",
                data=e.data or {},
                dedupe_key=e.dedupe_key,
            )
            for e in items
        ]

    if keyed:
        TimelineEvent.objects.bulk_create(
            rows(keyed),
            update_conflicts=True,
            unique_fields=["dedupe_key"],
            update_fields=["profile", "occurred_at", "object_type", "object_id", "data"],
        )
    if plain:
        TimelineEvent.objects.bulk_create(rows(plain))


def add_timeline_event(
    profile: CustomerProfile, type: str, occurred_at: datetime, **fields
) -> None:
    """Record one timeline event (see :func:`add_timeline_events`)."""
    add_timeline_events(profile, [TimelineEntry(type=type, occurred_at=occurred_at, **fields)])


@dataclass
class ResolvedProfile:
    profile: CustomerProfile | None
    # True when the event describes the past of an erased customer: attach
    # it to the anonymised profile and store no personal data.
    anonymous: bool = False


def _erasure_for(email: str) -> ErasedIdentity | None:
    if not email:
        return None
    return ErasedIdentity.objects.filter(email_hash=email_hash(email)).first()


def resolve_profile(
    *, email: str, user_id: str | None, seen_at: datetime, source_time: datetime
) -> ResolvedProfile:
    """Find the profile an event belongs to, creating it when needed.

    ``source_time`` is when the described thing happened in the store; it
    decides whether an erased email may come back. The profile row is
    locked for the rest of the transaction.
    """
    email = normalize_email(email)
    erasure = _erasure_for(email)
    if erasure is not None and source_time <= erasure.erased_at:
        profile = (
            CustomerProfile.objects.select_for_update().filter(pk=erasure.profile_id).first()
            if erasure.profile_id
            else None
        )
        return ResolvedProfile(profile=profile, anonymous=True)

    user_key = _user_key(user_id)
    if user_key is not None:
        profile = CustomerProfile.objects.select_for_update().filter(user_id=user_key).first()
        if profile is not None:
            return ResolvedProfile(profile)
    if not email:
        return ResolvedProfile(None)
    # Only link a user that still exists (the event may describe a deleted one).
    user_pk = _user_pk(user_id) if user_key is not None else None

    profile = CustomerProfile.objects.select_for_update().filter(email=email).first()
    if profile is None:
        try:
            with transaction.atomic():
                profile = CustomerProfile.objects.create(
                    email=email,
                    user_id=user_pk,
                    first_seen_at=seen_at,
                    search_document=email,
                )
        except IntegrityError:
            # Another worker created it (same email or same user) meanwhile.
            profile = CustomerProfile.objects.select_for_update().filter(
                email=email
            ).first() or CustomerProfile.objects.select_for_update().get(user_id=user_pk)
        return ResolvedProfile(profile)

    changed = []
    if user_pk is not None and profile.user_id is None:
        profile.user_id = user_pk
        changed.append("user")
    if seen_at < profile.first_seen_at:
        profile.first_seen_at = seen_at
        changed.append("first_seen_at")
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    return ResolvedProfile(profile)


def _location(*addresses: AddressSnapshot | None) -> tuple[str, str]:
    for address in addresses:
        if address and address.country:
            return address.country.upper()[:2], address.city or ""
    return "", ""


def merge_profiles(target: CustomerProfile, source: CustomerProfile, at: datetime) -> None:
    """Fold ``source`` into ``target`` (e.g. a guest who registered).

    Orders, checkouts, tickets, interactions and timeline move to ``target``;
    tags are united and notes kept; ``source`` is deleted.
    """
    from ..commerce.models import CheckoutFact, OrderFact
    from ..interactions.models import Interaction
    from ..tickets.models import Ticket

    OrderFact.objects.filter(profile=source).update(profile=target)
    CheckoutFact.objects.filter(profile=source).update(profile=target)
    Ticket.objects.filter(profile=source).update(profile=target)
    Interaction.objects.filter(profile=source).update(profile=target)
    TimelineEvent.objects.filter(profile=source).update(profile=target)
    ErasedIdentity.objects.filter(profile=source).update(profile=target)
    target.tags = sorted(set(target.tags) | set(source.tags))
    if source.note and source.note not in target.note:
        target.note = "\n\n".join(n for n in (target.note, source.note) if n)
    target.first_seen_at = min(target.first_seen_at, source.first_seen_at)
    for name in ("first_name", "last_name", "country", "city", "language_code"):
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    source_email, source_id = source.email, str(source.pk)
    source.delete()
    update_satisfaction(target)
    target.save()
    add_timeline_event(
        target,
        TimelineEventType.PROFILES_MERGED,
        at,
        object_type="profile",
        object_id=source_id,
        data={"mergedEmail": source_email},
    )


def apply_customer(snapshot: CustomerSnapshot, event_type: str, occurred_at: datetime) -> None:
    """Create or update the profile of a customer account."""
    email = normalize_email(snapshot.email)
    erasure = _erasure_for(email)
    if erasure is not None and snapshot.updated_at <= erasure.erased_at:
        return  # a replay of an account that has since been erased

    user_pk = _user_pk(snapshot.user_id)
    by_user = (
        CustomerProfile.objects.select_for_update().filter(user_id=user_pk).first()
        if user_pk is not None
        else None
    )
    by_email = CustomerProfile.objects.select_for_update().filter(email=email).first()
    profile = by_user or by_email
    if (
        profile is not None
        and profile.customer_version
        and snapshot.updated_at < profile.customer_version
    ):
        return  # an older version of the account than the one applied

    seen_at = min(filter(None, (snapshot.date_joined, snapshot.updated_at)))
    merged = bool(by_user and by_email and by_user.pk != by_email.pk)
    if merged:
        merge_profiles(by_user, by_email, occurred_at)
        profile = by_user
    if profile is None:
        profile = CustomerProfile(email=email, first_seen_at=seen_at)
    profile.email = email
    profile.user_id = user_pk
    profile.first_name = snapshot.first_name
    profile.last_name = snapshot.last_name
    profile.language_code = snapshot.language_code
    country, city = _location(snapshot.default_shipping_address, snapshot.default_billing_address)
    if country:
        profile.country, profile.city = country, city
    profile.account_created_at = snapshot.date_joined or profile.account_created_at
    profile.first_seen_at = min(profile.first_seen_at, seen_at)
    profile.customer_version = snapshot.updated_at
    profile.search_document = build_search_document(profile)
    profile.save()
    if merged:
        refresh_profile(profile)

    add_timeline_event(
        profile,
        TimelineEventType.ACCOUNT_CREATED,
        snapshot.date_joined or snapshot.updated_at,
        object_type="user",
        object_id=snapshot.user_id,
        dedupe_key=f"account_created:{snapshot.user_id}",
    )
    if event_type == "customer_updated":
        add_timeline_event(
            profile,
            TimelineEventType.ACCOUNT_UPDATED,
            snapshot.updated_at,
            object_type="user",
            object_id=snapshot.user_id,
            dedupe_key=f"account_updated:{snapshot.user_id}:{snapshot.updated_at.isoformat()}",
        )


def update_satisfaction(profile: CustomerProfile) -> None:
    """Average the profile's ticket ratings (in memory; the caller saves)."""
    from ..tickets.models import Ticket

    figures = Ticket.objects.filter(profile=profile, satisfaction_rating__isnull=False).aggregate(
        average=Avg("satisfaction_rating"), count=Count("pk")
    )
    profile.satisfaction_count = figures["count"]
    profile.satisfaction_average = (
        Decimal(figures["average"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if figures["count"]
        else None
    )


ERASED_TEXT = "[erased]"


def _erase_conversations(profile: CustomerProfile) -> None:
    """Scrub what the customer (and staff about them) wrote: tickets,
    messages, interactions, and the subjects copied onto the timeline.
    """
    from ..interactions.models import Interaction
    from ..tickets.models import Ticket, TicketMessage

    Ticket.objects.filter(profile=profile).update(
        requester_email=profile.email, subject=ERASED_TEXT, satisfaction_comment="", tags=[]
    )
    TicketMessage.objects.filter(ticket__profile=profile).update(
        body=f"<p>{ERASED_TEXT}</p>", author_name=""
    )
    Interaction.objects.filter(profile=profile).update(
        subject=ERASED_TEXT, body=f"<p>{ERASED_TEXT}</p>", metadata={}, author_name=""
    )
    TimelineEvent.objects.filter(profile=profile, object_type__in=["ticket", "interaction"]).update(
        data={}
    )


def erase_customer(snapshot: CustomerSnapshot, occurred_at: datetime) -> CustomerProfile | None:
    """Anonymise a deleted customer's profile; aggregates stay without identity.

    Safe to run before the account's other events arrive: the erasure is
    remembered by email hash and older events will not restore the data.
    """
    from ..commerce.models import CheckoutFact, OrderFact

    email = normalize_email(snapshot.email)
    erased_at = max(occurred_at, snapshot.updated_at)
    user_pk = _user_pk(snapshot.user_id)
    profile = None
    if user_pk is not None:
        profile = CustomerProfile.objects.select_for_update().filter(user_id=user_pk).first()
    if profile is None and email:
        profile = CustomerProfile.objects.select_for_update().filter(email=email).first()

    emails = {email} if email else set()
    if profile is not None:
        if not profile.is_erased:
            emails.add(profile.email)
        emails |= set(
            OrderFact.objects.filter(profile=profile)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        emails |= set(
            CheckoutFact.objects.filter(profile=profile)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        OrderFact.objects.filter(profile=profile).update(email="", city="", user_id=None)
        CheckoutFact.objects.filter(profile=profile).update(email="", user_id=None)
        TimelineEvent.objects.filter(
            profile=profile, type=TimelineEventType.PROFILES_MERGED
        ).update(data={})
        profile.email = f"erased-{profile.pk}@{ERASED_EMAIL_DOMAIN}"
        _erase_conversations(profile)
        profile.user = None
        profile.first_name = profile.last_name = profile.city = ""
        profile.language_code = profile.note = profile.search_document = ""
        profile.tags = []
        profile.erased_at = erased_at
        profile.save()
        add_timeline_event(
            profile,
            TimelineEventType.ACCOUNT_DELETED,
            erased_at,
            dedupe_key=f"account_deleted:{profile.pk}",
        )
    for address in emails:
        ErasedIdentity.objects.update_or_create(
            email_hash=email_hash(address),
            defaults={"profile": profile, "erased_at": erased_at},
        )
    return profile


_batch_cache: ContextVar[dict | None] = ContextVar("crm_batch_cache", default=None)


@contextmanager
def batch_cache() -> Iterator[None]:
    """Read the configuration and RFM breakpoints once for a batch of events
    instead of once per event.
    """
    token = _batch_cache.set({})
    try:
        yield
    finally:
        _batch_cache.reset(token)


def _cached(name: str, load):
    cache = _batch_cache.get()
    if cache is None:
        return load()
    if name not in cache:
        cache[name] = load()
    return cache[name]


def current_configuration() -> CRMConfiguration:
    return _cached("configuration", get_configuration)


def current_breakpoints() -> RFMBreakpoints | None:
    return _cached(
        "breakpoints",
        lambda: RFMBreakpoints.objects.filter(pk=RFMBreakpoints.SINGLETON_PK).first(),
    )


THOUSANDTH = Decimal("0.001")

PROFILE_FACTS_SQL = """
SELECT
    (SELECT COALESCE(array_agg(DISTINCT channel ORDER BY channel)
                     FILTER (WHERE channel <> ''), '{}')
     FROM saleor_crm_orderfact WHERE profile_id = %(profile)s AND status <> 'draft'),
    (SELECT MAX(last_change) FROM saleor_crm_checkoutfact WHERE profile_id = %(profile)s),
    (SELECT ARRAY[country, city] FROM saleor_crm_orderfact
     WHERE profile_id = %(profile)s AND status <> 'draft' AND country <> ''
     ORDER BY placed_at DESC, order_id DESC LIMIT 1)
"""

SALES_SQL = """
SELECT currency, COUNT(*), COALESCE(SUM(net_amount), 0), MIN(placed_at), MAX(placed_at)
FROM saleor_crm_orderfact
WHERE profile_id = %(profile)s AND is_sale
GROUP BY currency
"""

FAVOURITES_SQL = """
SELECT kind, id, name, qty FROM (
    SELECT kind, id, name, qty,
           ROW_NUMBER() OVER (PARTITION BY kind ORDER BY qty DESC, name) AS rn
    FROM (
        SELECT 'products' AS kind, l.product_id AS id, MAX(l.product_name) AS name,
               SUM(l.quantity) AS qty
        FROM saleor_crm_orderlinefact l
        JOIN saleor_crm_orderfact o ON o.order_id = l.order_id
        WHERE o.profile_id = %(profile)s AND o.is_sale AND l.product_id IS NOT NULL
        GROUP BY l.product_id
        UNION ALL
        SELECT 'categories', l.category_id, MAX(l.category_name), SUM(l.quantity)
        FROM saleor_crm_orderlinefact l
        JOIN saleor_crm_orderfact o ON o.order_id = l.order_id
        WHERE o.profile_id = %(profile)s AND o.is_sale AND l.category_id IS NOT NULL
        GROUP BY l.category_id
    ) grouped
) ranked
WHERE rn <= %(limit)s
ORDER BY kind, rn
"""


def refresh_profile(
    profile: CustomerProfile,
    *,
    now: datetime | None = None,
    config: CRMConfiguration | None = None,
    breakpoints: RFMBreakpoints | None = None,
) -> None:
    """Recompute one profile's derived figures from its facts.

    The incremental path after each event; cost grows with the customer's
    own orders, not the store's. RFM scores use the breakpoints of the last
    full recompute. Rounding matches the full recompute's SQL exactly.
    """
    if _refresh_deferred.get():
        return
    now = now or timezone.now()
    config = config or current_configuration()
    breakpoints = breakpoints or current_breakpoints()
    params = {"profile": profile.pk, "limit": FAVOURITES_LIMIT}
    with connection.cursor() as cursor:
        cursor.execute(SALES_SQL, params)
        per_currency = cursor.fetchall()
        cursor.execute(PROFILE_FACTS_SQL, params)
        channels, last_checkout_at, location = cursor.fetchone()
        cursor.execute(FAVOURITES_SQL, params)
        favourites: dict[str, list] = {"products": [], "categories": []}
        for kind, item_id, name, qty in cursor.fetchall():
            favourites[kind].append({"id": item_id, "name": name, "quantity": int(qty)})

    spend: dict[str, dict[str, Any]] = {}
    rated_orders, rated_total = 0, Decimal(0)
    for currency, count, total, _first, _last in per_currency:
        spend[currency] = {"orders": count, "total": str(total)}
        rate = config.rate_for(currency)
        if rate is not None:
            rated_orders += count
            rated_total += total * rate
    total_spent = rated_total.quantize(THOUSANDTH, ROUND_HALF_UP)
    orders_count = sum(row[1] for row in per_currency)
    first_order_at = min((row[3] for row in per_currency), default=None)
    last_order_at = max((row[4] for row in per_currency), default=None)

    profile.orders_count = orders_count
    profile.total_spent = total_spent
    profile.average_order_value = (
        (total_spent / rated_orders).quantize(THOUSANDTH, ROUND_HALF_UP)
        if rated_orders
        else Decimal(0)
    )
    profile.reporting_currency = config.reporting_currency
    profile.spend_by_currency = spend
    profile.first_order_at = first_order_at
    profile.last_order_at = last_order_at
    profile.last_checkout_at = last_checkout_at
    profile.channels = list(channels)
    profile.favourite_products = favourites["products"]
    profile.favourite_categories = favourites["categories"]
    if profile.user_id is None and not profile.is_erased and location:
        # Guests have no account address: where they last had an order sent.
        profile.country, profile.city = location
        profile.search_document = build_search_document(profile)
    r, f, m = rfm_scores(last_order_at, orders_count, profile.total_spent, breakpoints)
    profile.rfm_recency, profile.rfm_frequency, profile.rfm_monetary = r, f, m
    profile.rfm_segment = rfm_segment(r, f, m)
    stage = lifecycle_stage(
        orders_count=orders_count,
        last_order_at=last_order_at,
        rfm_frequency=f,
        rfm_monetary=m,
        at_risk_after_days=config.at_risk_after_days,
        lapsed_after_days=config.lapsed_after_days,
        now=now,
    )
    set_lifecycle_stage(profile, stage, now)
    profile.save()


def set_lifecycle_stage(profile: CustomerProfile, stage: str, at: datetime) -> bool:
    """Change the stage in memory and record the change on the timeline."""
    previous = profile.lifecycle_stage
    if previous == stage and profile.lifecycle_stage_changed_at is not None:
        return False
    profile.lifecycle_stage = stage
    profile.lifecycle_stage_changed_at = at
    if previous != stage:
        add_timeline_event(
            profile,
            TimelineEventType.STAGE_CHANGED,
            at,
            data={"from": previous, "to": stage},
        )
    return previous != stage
