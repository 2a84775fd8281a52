"""Marketing consent: the ledger of every change and the current state.

Every change of an address's consent (per channel: email now, SMS later)
is appended to :class:`.models.MarketingConsentChange` with its time,
source and proof; :class:`.models.MarketingConsent` holds the current
state, one row per address and channel. Two rules make replays and late
deliveries harmless:

- **idempotent**: a change to the status the address already has records
  nothing;
- **order-safe**: a change older than the one that set the current status
  is kept in the ledger (``applied=False``, once) but does not move it.

Suppression (hard bounces, complaints, staff, erasure) is separate from
the status: a suppressed address is never sendable, whatever it says, and
a later subscription does not lift it. Campaigns send only to
:func:`sendable_emails`.

Rows are keyed by the address's hash: erasure blanks the address and keeps
the row suppressed (:func:`erase_consent`), so an erased customer is never
mailed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..errors import CRMError
from ..profiles.identity import email_hash
from ..snapshots import normalize_email
from .error_codes import ConsentErrorCode
from .models import (
    ConsentChannel,
    ConsentStatus,
    MarketingConsent,
    MarketingConsentChange,
    MarketingConsentMetadataSeen,
    SuppressionReason,
)

__all__ = [
    "ConsentChange",
    "ConsentChannel",
    "ConsentError",
    "ConsentStatus",
    "consent_from_snapshots",
    "SuppressionReason",
    "consent_of",
    "erase_consent",
    "is_sendable",
    "lift_suppression",
    "parse_consent_value",
    "record_consent",
    "record_consents",
    "sendable_emails",
    "suppress",
    "unsubscribe",
]

# The state of an address nothing is known about: any change is newer.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
MAX_SOURCE = 64
MAX_USER_AGENT = 512
MAX_ACTOR = 255
MAX_EMAIL = 254
MAX_NOTE = 500

# Metadata values storefronts write (case-insensitive).
TRUTHY = frozenset({"true", "yes", "1", "subscribed", "on", "y"})
FALSY = frozenset({"false", "no", "0", "unsubscribed", "off", "n"})


class ConsentError(CRMError):
    """A consent action refused; ``code`` is a :class:`ConsentErrorCode` value."""

    code_enum = ConsentErrorCode


@dataclass(frozen=True)
class ConsentChange:
    """One change to record (see :func:`record_consents`)."""

    email: str
    status: str
    source: str
    channel: str = ConsentChannel.EMAIL
    ip: str | None = None
    user_agent: str = ""
    actor: str = ""
    occurred_at: datetime | None = None
    sales_channel: str = ""
    # A value read from Saleor metadata: a choice only when it changes
    # (see :func:`_metadata_choices`).
    from_metadata: bool = False


def clean_email(email: str | None, field: str = "email") -> str:
    """The normalised address, or :class:`ConsentError` if it is not one."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = normalize_email(email)
    if not address:
        raise ConsentError(field, "An email address is required.", ConsentErrorCode.REQUIRED)
    if len(address) > MAX_EMAIL:
        raise ConsentError(field, f"At most {MAX_EMAIL} characters.", ConsentErrorCode.INVALID)
    try:
        validate_email(address)
    except ValidationError:
        raise ConsentError(field, "Not an email address.", ConsentErrorCode.INVALID) from None
    return address


def clean_source(source: str | None, default: str) -> str:
    source = (source or "").strip() or default
    if len(source) > MAX_SOURCE:
        raise ConsentError("source", f"At most {MAX_SOURCE} characters.", ConsentErrorCode.INVALID)
    return source


def parse_consent_value(value: Any) -> str | None:
    """A storefront's metadata value as a status: truthy → SUBSCRIBED,
    falsy → UNSUBSCRIBED, absent or anything else → None (nothing to record).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return ConsentStatus.SUBSCRIBED if value else ConsentStatus.UNSUBSCRIBED
    text = str(value).strip().lower()
    if text in TRUTHY:
        return ConsentStatus.SUBSCRIBED
    if text in FALSY:
        return ConsentStatus.UNSUBSCRIBED
    return None


def consent_from_snapshots(snapshots: Iterable[Any]) -> list[ConsentChange]:
    """The changes customer, checkout and order snapshots carry in their
    consent metadata (``marketing_consent``), dated by the snapshot's own
    time so that a replayed or late older snapshot never overrides a newer
    choice. They are ``from_metadata``: :func:`record_consents` records one
    only when the value differs from the last one seen for its source. An order's metadata is its checkout's (Saleor copies it when the
    checkout completes): dated by the order's creation, not by its later
    updates, which do not renew the choice.
    """
    from ..snapshots import CheckoutSnapshot, CustomerSnapshot, OrderSnapshot

    changes = []
    for snapshot in snapshots:
        if isinstance(snapshot, CustomerSnapshot):
            source, at = "customer_metadata", snapshot.updated_at
        elif isinstance(snapshot, CheckoutSnapshot):
            source, at = "checkout_metadata", snapshot.last_change
        elif isinstance(snapshot, OrderSnapshot):
            # Orders from a checkout carry its metadata; others (drafts) their own.
            from_checkout = snapshot.origin == "checkout" or snapshot.checkout_token
            source = "checkout_metadata" if from_checkout else "order_metadata"
            at = snapshot.created_at
        else:
            continue
        status = parse_consent_value(snapshot.marketing_consent)
        if status is None or not normalize_email(snapshot.email):
            continue
        changes.append(
            ConsentChange(
                email=snapshot.email,
                status=status,
                source=source,
                occurred_at=at,
                from_metadata=True,
            )
        )
    return changes


def _lock_states(keys: set[tuple[str, str]], emails: dict[str, str]) -> dict:
    """The current-state rows of these (hash, channel) keys, created when
    missing and row-locked in id order (one insert, one select).
    """
    MarketingConsent.objects.bulk_create(
        [
            MarketingConsent(
                email=emails[digest],
                email_hash=digest,
                channel=channel,
                status=ConsentStatus.NEVER_SUBSCRIBED,
                occurred_at=NEVER,
            )
            for digest, channel in sorted(keys)
        ],
        ignore_conflicts=True,
    )
    rows = (
        MarketingConsent.objects.select_for_update()
        .filter(email_hash__in=sorted({digest for digest, _ in keys}))
        .order_by("pk")
    )
    return {
        (row.email_hash, row.channel): row for row in rows if (row.email_hash, row.channel) in keys
    }


def _metadata_choices(
    by_key: dict[tuple[str, str], list[ConsentChange]], now: datetime
) -> list[MarketingConsentMetadataSeen]:
    """Keep, of the ``from_metadata`` changes in ``by_key``, only the choices:
    a value that differs from the last one seen for its address, channel and
    source, on a snapshot newer than that one (the first value seen is a
    choice). A snapshot still carrying the value seen is no choice (the
    customer unsubscribed by a link since, and a later ``customer_updated``
    must not subscribe them again). Returns what is now seen (one select).
    """
    digests = sorted(
        {digest for (digest, _), items in by_key.items() if any(c.from_metadata for c in items)}
    )
    if not digests:
        return []
    seen = {
        (row.email_hash, row.channel, row.source): row
        for row in MarketingConsentMetadataSeen.objects.filter(email_hash__in=digests)
    }
    moved: dict[tuple[str, str, str], MarketingConsentMetadataSeen] = {}
    for key, items in by_key.items():
        kept = []
        for change in sorted(items, key=lambda c: c.occurred_at or now):
            if not change.from_metadata:
                kept.append(change)
                continue
            at = change.occurred_at or now
            source = change.source[:MAX_SOURCE]
            row = seen.get((*key, source))
            if row is not None and at <= row.seen_at:
                continue  # a replay, or older than what was seen: never overrides
            if row is None:
                row = MarketingConsentMetadataSeen(
                    email_hash=key[0], channel=key[1], source=source, status=""
                )
                seen[(*key, source)] = row
            if change.status != row.status:
                kept.append(change)
            row.status, row.seen_at, row.updated_at = change.status, at, now
            moved[(*key, source)] = row
        items[:] = kept
    return list(moved.values())


def record_consents(changes: Iterable[ConsentChange]) -> list[MarketingConsentChange]:
    """Record many changes in a constant number of statements (the batch
    ingestion path); returns the ledger entries written. Within one call
    the changes of an address apply in time order. Inside the caller's
    transaction, or one of its own. A change ``from_metadata`` is recorded
    only when its value changed (:func:`_metadata_choices`).
    """
    now = timezone.now()
    by_key: dict[tuple[str, str], list[ConsentChange]] = defaultdict(list)
    emails: dict[str, str] = {}
    for change in changes:
        address = normalize_email(change.email)
        if not address:
            continue
        digest = email_hash(address)
        emails[digest] = address
        by_key[(digest, change.channel)].append(change)
    if not by_key:
        return []
    with transaction.atomic():
        states = _lock_states(set(by_key), emails)
        seen = _metadata_choices(by_key, now)
        if seen:
            MarketingConsentMetadataSeen.objects.bulk_create(
                seen,
                update_conflicts=True,
                unique_fields=["email_hash", "channel", "source"],
                update_fields=["status", "seen_at", "updated_at"],
            )
        # Changes already in the ledger, applied or not: a replay of one that
        # the state has moved on from since records nothing.
        known = set(
            MarketingConsentChange.objects.filter(
                email_hash__in=sorted({digest for digest, _ in by_key})
            ).values_list("email_hash", "channel", "status", "source", "occurred_at")
        )
        entries: list[MarketingConsentChange] = []
        moved: list[MarketingConsent] = []
        for key, items in by_key.items():
            state = states[key]
            before = (state.status, state.occurred_at, state.source)
            erased = state.suppression_reason == SuppressionReason.ERASED
            for change in sorted(items, key=lambda c: c.occurred_at or now):
                at = change.occurred_at or now
                if change.status == state.status:
                    continue  # idempotent; an older equal change says nothing new
                applied = at > state.occurred_at
                signature = (key[0], key[1], change.status, change.source, at)
                if not applied and signature in known:
                    continue
                if not applied:
                    known.add(signature)
                entries.append(
                    MarketingConsentChange(
                        # An erased person's address stays out of the ledger.
                        email="" if erased else emails[key[0]],
                        email_hash=key[0],
                        channel=key[1],
                        status=change.status,
                        source=change.source[:MAX_SOURCE],
                        ip=None if erased else (change.ip or None),
                        user_agent="" if erased else (change.user_agent or "")[:MAX_USER_AGENT],
                        actor="" if erased else (change.actor or "")[:MAX_ACTOR],
                        sales_channel=(change.sales_channel or "")[:255],
                        applied=applied,
                        occurred_at=at,
                    )
                )
                if applied:
                    state.status, state.occurred_at = change.status, at
                    state.source = change.source[:MAX_SOURCE]
            if (state.status, state.occurred_at, state.source) != before:
                state.updated_at = now
                moved.append(state)
        if moved:
            MarketingConsent.objects.bulk_update(
                moved, ["status", "occurred_at", "source", "updated_at"]
            )
        if entries:
            MarketingConsentChange.objects.bulk_create(entries)
            _add_to_timeline(entries)
    return entries


def _add_to_timeline(entries: list[MarketingConsentChange]) -> None:
    """Put the changes on their profiles' timelines (once per ledger entry)."""
    from ..profiles.models import CustomerProfile, TimelineEventType
    from ..profiles.timeline import TimelineEntry, add_timeline_rows

    profiles = dict(
        CustomerProfile.objects.filter(
            email__in=sorted({e.email for e in entries if e.email})
        ).values_list("email", "pk")
    )
    rows = []
    for entry in entries:
        profile_id = profiles.get(entry.email)
        if profile_id is None:
            continue
        rows.append(
            (
                profile_id,
                TimelineEntry(
                    type=TimelineEventType.CONSENT_CHANGED,
                    occurred_at=entry.occurred_at,
                    object_type="consent",
                    object_id=str(entry.pk),
                    data={
                        "channel": entry.channel,
                        "status": entry.status,
                        "source": entry.source,
                        "suppression_reason": entry.suppression_reason,
                        "lifted_suppression": entry.lifted_suppression,
                        "applied": entry.applied,
                    },
                    dedupe_key=f"consent:{entry.pk}",
                ),
            )
        )
    if rows:
        add_timeline_rows(rows)


def record_consent(
    email: str,
    status: str,
    *,
    channel: str = ConsentChannel.EMAIL,
    source: str,
    ip: str | None = None,
    user_agent: str | None = None,
    actor: str | None = None,
    occurred_at: datetime | None = None,
    sales_channel: str = "",
) -> MarketingConsentChange | None:
    """Record one change of ``email``'s consent on ``channel``; returns the
    ledger entry, or None if it changed nothing (the same status again, or
    an older change already recorded). ``occurred_at`` defaults to now.
    """
    status = ConsentStatus(status)
    channel = ConsentChannel(channel)
    entries = record_consents(
        [
            ConsentChange(
                email=email,
                status=status,
                source=source,
                channel=channel,
                ip=ip,
                user_agent=user_agent or "",
                actor=actor or "",
                occurred_at=occurred_at,
                sales_channel=sales_channel,
            )
        ]
    )
    return entries[0] if entries else None


def unsubscribe(
    email: str,
    *,
    channel: str = ConsentChannel.EMAIL,
    source: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> MarketingConsentChange | None:
    """Unsubscribe ``email`` now (what one-click unsubscribe calls)."""
    return record_consent(
        email,
        ConsentStatus.UNSUBSCRIBED,
        channel=channel,
        source=source,
        ip=ip,
        user_agent=user_agent,
        actor="customer",
    )


def suppress(
    email: str,
    reason: str,
    *,
    source: str,
    channel: str = ConsentChannel.EMAIL,
    occurred_at: datetime | None = None,
) -> MarketingConsentChange | None:
    """Suppress ``email``: never sendable again, whatever its status. The
    first suppression is kept (a second one records nothing).
    """
    reason = SuppressionReason(reason)
    address = normalize_email(email)
    if not address:
        return None
    digest = email_hash(address)
    at = occurred_at or timezone.now()
    with transaction.atomic():
        state = _lock_states({(digest, channel)}, {digest: address})[(digest, channel)]
        if state.suppressed_at is not None:
            return None
        state.suppressed_at = at
        state.suppression_reason = reason
        state.suppression_source = source[:MAX_SOURCE]
        state.save(
            update_fields=[
                "suppressed_at",
                "suppression_reason",
                "suppression_source",
                "updated_at",
            ]
        )
        entry = MarketingConsentChange.objects.create(
            email=state.email,
            email_hash=digest,
            channel=channel,
            status=state.status,
            suppression_reason=reason,
            source=source[:MAX_SOURCE],
            occurred_at=at,
        )
        _add_to_timeline([entry])
    return entry


def lift_suppression(
    email: str,
    *,
    channel: str = ConsentChannel.EMAIL,
    actor: str,
    note: str = "",
    source: str = "staff",
) -> MarketingConsentChange | None:
    """Undo a mistaken suppression (a bounce that was not one): the address
    is sendable again if its status is SUBSCRIBED. Recorded in the ledger
    with the actor and the note, and on the timeline. Returns None if the
    address was not suppressed. An erased customer's address is never
    lifted (:class:`ConsentError` ``ERASED``), whatever it was suppressed for.
    """
    from ..profiles.erasure import is_erased_address

    channel = ConsentChannel(channel)
    address = clean_email(email)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ConsentError("reason", f"At most {MAX_NOTE} characters.", ConsentErrorCode.INVALID)
    digest = email_hash(address)
    with transaction.atomic():
        state = (
            MarketingConsent.objects.select_for_update()
            .filter(email_hash=digest, channel=channel)
            .first()
        )
        if state is None or state.suppressed_at is None:
            return None
        # Erasure keeps another suppression's reason but blanks the address.
        if (
            state.suppression_reason == SuppressionReason.ERASED
            or not state.email
            or is_erased_address(address)
        ):
            raise ConsentError(
                "email",
                "This address belongs to an erased customer; it stays suppressed.",
                ConsentErrorCode.ERASED,
            )
        lifted = state.suppression_reason
        state.suppressed_at = None
        state.suppression_reason = ""
        state.suppression_source = ""
        state.save(
            update_fields=[
                "suppressed_at",
                "suppression_reason",
                "suppression_source",
                "updated_at",
            ]
        )
        entry = MarketingConsentChange.objects.create(
            email=state.email,
            email_hash=digest,
            channel=channel,
            status=state.status,
            lifted_suppression=lifted,
            source=source[:MAX_SOURCE],
            actor=actor[:MAX_ACTOR],
            note=note,
            occurred_at=timezone.now(),
        )
        _add_to_timeline([entry])
    return entry


def erase_consent(emails: Iterable[str], erased_at: datetime) -> None:
    """Erasure: the ledger and state of these addresses keep only their
    hash, and the addresses stay suppressed (reason ERASED) so an erased
    customer is never mailed again.
    """
    addresses = {normalize_email(e) for e in emails} - {""}
    if not addresses:
        return
    digests = {email_hash(a): a for a in addresses}
    keys = {(digest, ConsentChannel.EMAIL) for digest in digests}
    with transaction.atomic():
        _lock_states(keys, dict.fromkeys(digests, ""))
        MarketingConsentChange.objects.filter(email_hash__in=sorted(digests)).update(
            email="", ip=None, user_agent="", actor="", note=""
        )
        states = MarketingConsent.objects.filter(email_hash__in=sorted(digests))
        states.update(email="", updated_at=timezone.now())
        # What metadata said is the erased person's data too.
        MarketingConsentMetadataSeen.objects.filter(email_hash__in=sorted(digests)).delete()
        states.filter(suppressed_at__isnull=True).update(
            suppressed_at=erased_at,
            suppression_reason=SuppressionReason.ERASED,
            suppression_source="erasure",
        )
        # A suppression of any other kind stays what it was, but the
        # address behind it is gone too.


def sendable_emails(channel: str = ConsentChannel.EMAIL) -> QuerySet:
    """The normalised addresses campaigns may be sent to on ``channel``:
    SUBSCRIBED and not suppressed. A values queryset of ``email``, for
    ``profile.email IN (...)`` / ``Exists(...)`` in SQL.
    """
    return (
        MarketingConsent.objects.filter(
            channel=channel, status=ConsentStatus.SUBSCRIBED, suppressed_at__isnull=True
        )
        .exclude(email="")
        .values("email")
    )


def is_sendable(email: str, channel: str = ConsentChannel.EMAIL) -> bool:
    address = normalize_email(email)
    if not address:
        return False
    return MarketingConsent.objects.filter(
        email_hash=email_hash(address),
        channel=channel,
        status=ConsentStatus.SUBSCRIBED,
        suppressed_at__isnull=True,
    ).exists()


def consent_of(email: str, channel: str = ConsentChannel.EMAIL) -> MarketingConsent | None:
    """The current state of ``email`` (None: nothing known, NEVER_SUBSCRIBED)."""
    address = normalize_email(email)
    if not address:
        return None
    return MarketingConsent.objects.filter(email_hash=email_hash(address), channel=channel).first()


def ledger_of(email: str) -> QuerySet:
    """Every recorded change of ``email``, newest first."""
    return MarketingConsentChange.objects.filter(email_hash=email_hash(normalize_email(email)))
