"""Who an event is about: find or create profiles, link accounts, merge.

Profiles are keyed by normalised email; a store account links to at most
one. Batch callers hold advisory locks on the identities they resolve (see
:mod:`saleor_crm_plugin.ingestion.batch`), so concurrent workers never
create the same profile twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count

from ..bulk import blank, dumps, insert_rows, json_array, model_rows, update_rows
from ..snapshots import AddressSnapshot, CustomerSnapshot, normalize_email
from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import OutboxEvent, record_events
from .models import CustomerProfile, ErasedIdentity, TimelineEvent, TimelineEventType
from .timeline import add_timeline_event


def email_hash(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


def user_key(user_id: str | None) -> Any:
    """The store user's primary key in the user model's type, unchecked."""
    if not user_id:
        return None
    try:
        return get_user_model()._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a foreign id format is simply "no user"
        return None


def existing_user_pk(user_id: str | None) -> Any:
    """The store user's primary key if that user still exists, else None."""
    pk = user_key(user_id)
    if pk is None:
        return None
    return pk if get_user_model()._default_manager.filter(pk=pk).exists() else None


def build_search_document(profile: CustomerProfile) -> str:
    parts = (profile.email, profile.first_name, profile.last_name, profile.city)
    return " ".join(p for p in parts if p).lower()


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
    *,
    email: str,
    user_id: str | None,
    seen_at: datetime,
    source_time: datetime,
    user_confirmed: bool = False,
) -> ResolvedProfile:
    """Find the profile an event belongs to, creating it when needed.

    ``source_time`` is when the described thing happened in the store; it
    decides whether an erased email may come back. The profile row is
    locked for the rest of the transaction. ``user_id`` finds the profile
    linked to that account; it links the email's profile to the account only
    when ``user_confirmed`` (the store confirmed the account owns its email):
    anyone can register with anyone's email, and the profile holds what the
    email's owner did as a guest.
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

    key = user_key(user_id)
    if key is not None:
        profile = CustomerProfile.objects.select_for_update().filter(user_id=key).first()
        if profile is not None:
            return ResolvedProfile(profile)
    if not email:
        return ResolvedProfile(None)
    # Only link a user that still exists (the event may describe a deleted one).
    user_pk = existing_user_pk(user_id) if key is not None and user_confirmed else None

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
                announce_created([profile])
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
    from ..privacy.audit import move_reads
    from ..tickets.models import Ticket

    OrderFact.objects.filter(profile=source).update(profile=target)
    CheckoutFact.objects.filter(profile=source).update(profile=target)
    Ticket.objects.filter(profile=source).update(profile=target)
    Interaction.objects.filter(profile=source).update(profile=target)
    TimelineEvent.objects.filter(profile=source).update(profile=target)
    ErasedIdentity.objects.filter(profile=source).update(profile=target)
    move_reads(source.pk, target.pk)  # who read it stays on record
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


def apply_customer(
    snapshot: CustomerSnapshot, event_type: str, occurred_at: datetime
) -> CustomerProfile | None:
    """Create or update the profile of a customer account; returns it (None
    when the snapshot changed nothing: older than what was applied, a replay
    of an erased account, or an account not confirmed yet).

    Only a confirmed account (``snapshot.is_confirmed``, Saleor's
    ``User.is_confirmed``) links to a profile: the event on which it becomes
    confirmed applies it whole, merging the guest profile of its email.
    """
    email = normalize_email(snapshot.email)
    erasure = _erasure_for(email)
    if erasure is not None and snapshot.updated_at <= erasure.erased_at:
        return None  # a replay of an account that has since been erased
    if not snapshot.is_confirmed:
        return _unconfirmed_account(snapshot)

    user_pk = existing_user_pk(snapshot.user_id)
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
        return None  # an older version of the account than the one applied

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
    return profile


def link_confirmed_account(user_id: str | None, email: str | None) -> CustomerProfile | None:
    """The profile of a signed-in customer whose account the store confirmed:
    linked now to the profile of their email (if it has no account yet) when
    no event has linked it. Saleor confirms an account at a password reset
    (and staff-created accounts when their password is first set) without
    telling plugins. Creates no profile; None when there is none to link.
    """
    key = user_key(user_id)
    email = normalize_email(email)
    if key is None or not email:
        return None
    with transaction.atomic():
        linked = CustomerProfile.objects.filter(user_id=key).first()
        if linked is not None:
            return linked
        user_pk = existing_user_pk(user_id)
        profile = (
            CustomerProfile.objects.select_for_update()
            .filter(email=email, user__isnull=True, erased_at__isnull=True)
            .first()
        )
        if user_pk is None or profile is None:
            return None
        profile.user_id = user_pk
        profile.save(update_fields=["user", "updated_at"])
        return profile


def _unconfirmed_account(snapshot: CustomerSnapshot) -> CustomerProfile | None:
    """An account whose email nobody has confirmed: whoever registered may
    not own the address, so it changes no profile (the guest profile of its
    email keeps its history to itself). A profile linked to it before is
    unlinked (its customer stops seeing its tickets) until it is confirmed
    again; returns that profile, else None.
    """
    key = user_key(snapshot.user_id)
    profile = (
        CustomerProfile.objects.select_for_update().filter(user_id=key).first()
        if key is not None
        else None
    )
    if profile is None or (
        profile.customer_version and snapshot.updated_at < profile.customer_version
    ):
        return None
    profile.user = None
    # Older (confirmed) versions replayed later must not link it again.
    profile.customer_version = snapshot.updated_at
    profile.save(update_fields=["user", "customer_version", "updated_at"])
    return profile


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


@dataclass(frozen=True)
class Identity:
    """Who an order or a cart names, and when it was made."""

    email: str
    user_id: str | None
    seen_at: datetime
    source_time: datetime
    # The store confirmed the account ``user_id`` owns its email: only then
    # may the email's profile be linked to it.
    user_confirmed: bool = False


def resolve_profiles(identities: list[Identity]) -> list[ResolvedProfile]:
    """:func:`resolve_profile` for many identities in a handful of queries
    (the event batch's path). Profiles are created or linked as needed (to a
    confirmed account only: see :func:`resolve_profile`); the caller holds
    advisory locks on the emails and user ids.
    """
    emails = {normalize_email(i.email) for i in identities} - {""}
    keys = {k for k in (user_key(i.user_id) for i in identities) if k is not None}
    # Plain rows, each lookup one statement with one parameter: Django's
    # ``__in`` compiles a placeholder per value, and model instances cost
    # more than the rows they hold. Callers use the id; changes are
    # written by column.
    # Only confirmed accounts may link, so only theirs are looked up.
    confirmed = {user_key(i.user_id) for i in identities if i.user_confirmed} - {None}
    erasures, by_user, by_email, existing_users = _identity_rows(emails, keys, confirmed)
    created: dict[str, Any] = {}
    changed: dict[Any, Any] = {}
    results: list[ResolvedProfile] = []
    for identity in identities:
        email = normalize_email(identity.email)
        erasure = erasures.get(email_hash(email)) if email else None
        if erasure is not None and identity.source_time <= erasure.erased_at:
            profile = _row(id=erasure.profile_id) if erasure.profile_id else None
            results.append(ResolvedProfile(profile=profile, anonymous=True))
            continue
        key = user_key(identity.user_id)
        if key is not None and key in by_user:
            results.append(ResolvedProfile(by_user[key]))
            continue
        if not email:
            results.append(ResolvedProfile(None))
            continue
        user_pk = key if identity.user_confirmed and key in existing_users else None
        profile = by_email.get(email)
        if profile is None:
            profile = blank(
                CustomerProfile,
                email=email,
                user_id=user_pk,
                first_seen_at=identity.seen_at,
                search_document=email,
            )
            profile.pk = profile.id
            by_email[email] = created[email] = profile
        else:
            if user_pk is not None and profile.user_id is None:
                profile.user_id = user_pk
                changed[profile.pk] = profile
            if identity.seen_at < profile.first_seen_at:
                profile.first_seen_at = identity.seen_at
                if email not in created:
                    changed[profile.pk] = profile
        if profile.user_id is not None:
            by_user[profile.user_id] = profile
        results.append(ResolvedProfile(profile))
    insert_rows(CustomerProfile, model_rows(list(created.values()), model=CustomerProfile))
    announce_created(list(created.values()))
    changed = {pk: p for pk, p in changed.items() if p.email not in created}
    update_rows(
        CustomerProfile,
        model_rows(
            list(changed.values()), ["user", "first_seen_at", "updated_at"], model=CustomerProfile
        ),
        key="id",
    )
    return results


def _row(**values: Any) -> SimpleNamespace:
    row = SimpleNamespace(**values)
    row.pk = row.id
    return row


def _identity_rows(emails: set[str], keys: set[Any], confirmed: set[Any]):
    """What :func:`resolve_profiles` reads: erasures of these emails,
    profiles by user and by email, and which of the ``confirmed`` users exist.
    """
    user_model = get_user_model()
    user_table = connection.ops.quote_name(user_model._meta.db_table)
    user_pk = connection.ops.quote_name(user_model._meta.pk.column)
    user_cast = user_model._meta.pk.db_type(connection)
    hashes = dumps([email_hash(e) for e in emails])
    profile_cast = CustomerProfile._meta.get_field("user").target_field.db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT email_hash, profile_id, erased_at FROM {ErasedIdentity._meta.db_table}
            WHERE email_hash = ANY({json_array("%s")})
            """,
            [hashes],
        )
        erasures = {
            h: SimpleNamespace(email_hash=h, profile_id=pid, erased_at=at)
            for h, pid, at in cursor.fetchall()
        }
        cursor.execute(
            f"""
            SELECT id, email, user_id, first_seen_at FROM {CustomerProfile._meta.db_table}
            WHERE email = ANY({json_array("%s")}) OR user_id = ANY({json_array("%s", profile_cast)})
            """,
            [dumps(sorted(emails)), dumps([str(k) for k in keys])],
        )
        profiles = [
            _row(id=pid, email=email, user_id=uid, first_seen_at=seen)
            for pid, email, uid, seen in cursor.fetchall()
        ]
        existing_users: set[Any] = set()
        if confirmed:
            cursor.execute(
                f"SELECT {user_pk} FROM {user_table} "
                f"WHERE {user_pk} = ANY({json_array('%s', user_cast)})",
                [dumps([str(k) for k in confirmed])],
            )
            existing_users = {row[0] for row in cursor.fetchall()}
    by_user = {p.user_id: p for p in profiles if p.user_id is not None and p.user_id in keys}
    by_email = {p.email: p for p in profiles if p.email in emails}
    return erasures, by_user, by_email, existing_users


def announce_created(profiles: list[Any]) -> None:
    """The ``profile.created`` webhook events of new profiles (their transaction)."""
    record_events(
        [
            OutboxEvent(
                type=WebhookEventType.PROFILE_CREATED,
                profile_id=profile.pk,
                occurred_at=profile.first_seen_at,
                dedupe_key=f"profile_created:{profile.pk}",
            )
            for profile in profiles
        ]
    )
