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
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
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


def _user_pk(user_id: str | None) -> Any:
    """The store user's primary key if that user still exists, else None."""
    if not user_id:
        return None
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a foreign id format is simply "no user"
        return None
    return pk if user_model._default_manager.filter(pk=pk).exists() else None


def build_search_document(profile: CustomerProfile) -> str:
    parts = (profile.email, profile.first_name, profile.last_name, profile.city)
    return " ".join(p for p in parts if p).lower()


def add_timeline_event(
    profile: CustomerProfile,
    type: str,
    occurred_at: datetime,
    *,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Record a timeline event. An event with a ``dedupe_key`` exists once:
    recording it again updates it (time, data) instead of adding a row.
    """
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                profile_id=profile.pk,
                type=type,
                occurred_at=occurred_at,
                object_type=object_type,
                object_id=object_id or "",
                data=data or {},
                dedupe_key=dedupe_key,
            )
        ],
        **(
            {
                "update_conflicts": True,
                "unique_fields": ["dedupe_key"],
                "update_fields": ["profile", "occurred_at", "object_type", "object_id", "data"],
            }
            if dedupe_key is not None
            else {}
        ),
    )


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

    user_pk = _user_pk(user_id)
    if user_pk is not None:
        profile = CustomerProfile.objects.select_for_update().filter(user_id=user_pk).first()
        if profile is not None:
            return ResolvedProfile(profile)
    if not email:
        return ResolvedProfile(None)

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

    Orders, checkouts and timeline move to ``target``; tags are united and
    notes kept; ``source`` is deleted.
    """
    from ..commerce.models import CheckoutFact, OrderFact

    OrderFact.objects.filter(profile=source).update(profile=target)
    CheckoutFact.objects.filter(profile=source).update(profile=target)
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


@dataclass
class _Totals:
    orders: int = 0
    total: Decimal = Decimal(0)


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
    full recompute.
    """
    if _refresh_deferred.get():
        return
    now = now or timezone.now()
    config = config or get_configuration()
    if breakpoints is None:
        breakpoints = RFMBreakpoints.objects.filter(pk=RFMBreakpoints.SINGLETON_PK).first()

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT currency, COUNT(*), COALESCE(SUM(net_amount), 0),
                   MIN(placed_at), MAX(placed_at)
            FROM saleor_crm_orderfact
            WHERE profile_id = %s AND is_sale
            GROUP BY currency
            """,
            [profile.pk],
        )
        per_currency = cursor.fetchall()
        cursor.execute(
            """
            SELECT COALESCE(array_agg(DISTINCT channel ORDER BY channel)
                            FILTER (WHERE channel <> ''), '{}')
            FROM saleor_crm_orderfact WHERE profile_id = %s AND status <> 'draft'
            """,
            [profile.pk],
        )
        channels = cursor.fetchone()[0]
        favourites = {}
        for kind, id_col, name_col in (
            ("products", "product_id", "product_name"),
            ("categories", "category_id", "category_name"),
        ):
            cursor.execute(
                f"""
                SELECT l.{id_col}, MAX(l.{name_col}), SUM(l.quantity) AS qty
                FROM saleor_crm_orderlinefact l
                JOIN saleor_crm_orderfact o ON o.order_id = l.order_id
                WHERE o.profile_id = %s AND o.is_sale AND l.{id_col} IS NOT NULL
                GROUP BY l.{id_col}
                ORDER BY qty DESC, MAX(l.{name_col})
                LIMIT %s
                """,
                [profile.pk, FAVOURITES_LIMIT],
            )
            favourites[kind] = [
                {"id": row[0], "name": row[1], "quantity": int(row[2])} for row in cursor.fetchall()
            ]
        cursor.execute(
            "SELECT MAX(last_change) FROM saleor_crm_checkoutfact WHERE profile_id = %s",
            [profile.pk],
        )
        last_checkout_at = cursor.fetchone()[0]

    reporting = _Totals()
    spend: dict[str, dict[str, Any]] = {}
    first_order_at = last_order_at = None
    for currency, count, total, first_at, last_at in per_currency:
        spend[currency] = {"orders": count, "total": str(total)}
        rate = config.rate_for(currency)
        if rate is not None:
            reporting.orders += count
            reporting.total += total * rate
        first_order_at = min(filter(None, (first_order_at, first_at)))
        last_order_at = max(filter(None, (last_order_at, last_at)))
    orders_count = sum(count for _, count, *_ in per_currency)

    profile.orders_count = orders_count
    profile.total_spent = reporting.total.quantize(Decimal("0.001"))
    profile.average_order_value = (
        (reporting.total / reporting.orders).quantize(Decimal("0.001")) if reporting.orders else 0
    )
    profile.reporting_currency = config.reporting_currency
    profile.spend_by_currency = spend
    profile.first_order_at = first_order_at
    profile.last_order_at = last_order_at
    profile.last_checkout_at = last_checkout_at
    profile.channels = list(channels)
    profile.favourite_products = favourites["products"]
    profile.favourite_categories = favourites["categories"]
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
