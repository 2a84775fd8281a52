"""Process stored events in batches: the one walk from event to profile.

A worker claims up to N due events (``FOR UPDATE SKIP LOCKED``, so workers
never wait on each other's claims), builds the snapshots of those recorded
by reference (one loader call per kind of object), tries advisory locks on
every object and identity involved (an event another worker's batch holds
one of is left pending for a later batch: workers never queue behind each
other), row-locks the profiles in id order, then applies the batch per kind
of object: accounts, orders, checkouts, erasures. The derived figures of the touched profiles are
refreshed once, and the events are marked processed in one statement, all
in one transaction: a worker that dies mid-batch leaves its events pending.

A bad event is isolated by splitting the batch (savepoints); it waits for
its back-off and, after the last attempt, is parked as ``failed``.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..analytics.derived import compute_breakpoints, lock_profiles, refresh_derived
from ..analytics.models import RFMBreakpoints
from ..bulk import dumps, json_array
from ..commerce.services import Observed, apply_checkouts, apply_orders
from ..conf import crm_setting
from ..configuration.services import get_configuration
from ..hosting import running_in_saleor, writer
from ..marketing.consent import consent_from_snapshots, record_consents
from ..profiles.erasure import erase_customer
from ..profiles.identity import apply_customer
from ..profiles.models import CustomerProfile
from ..snapshots import SNAPSHOT_TYPES, Snapshot, normalize_email
from .events import ERASURE_EVENTS
from .models import InboundEventStatus

logger = logging.getLogger(__name__)

EVENT = "saleor_crm_inboundevent"


@dataclass
class Claimed:
    id: int
    event_type: str
    announced: tuple[str, ...]
    object_type: str
    object_id: str
    payload: dict[str, Any] | None
    occurred_at: datetime
    attempts: int
    snapshot: Snapshot | None = None


@dataclass
class Outcome:
    processed: int = 0
    failed: int = 0
    skipped: int = 0
    # Left pending: another worker held one of their objects or identities.
    deferred: int = 0
    failed_ids: list[int] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.processed += other.processed
        self.failed += other.failed
        self.skipped += other.skipped
        self.deferred += other.deferred
        self.failed_ids += other.failed_ids

    def as_dict(self) -> dict[str, int]:
        return {"processed": self.processed, "failed": self.failed, "skipped": self.skipped}


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failure: base × 2^(n-1), at most 1 h."""
    base = crm_setting("SALEOR_CRM_RETRY_BASE_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def claim(
    limit: int,
    *,
    ids: list[int] | None = None,
    created_before: datetime | None = None,
    now: datetime,
) -> list[Claimed]:
    """Lock up to ``limit`` due pending events, oldest first."""
    conditions = ["status = %(pending)s"]
    if ids is not None:
        # Asked for by id (an operator's replay): now, whatever the back-off.
        conditions.append("id = ANY(%(ids)s)")
    else:
        conditions.append("(next_attempt_at IS NULL OR next_attempt_at <= %(now)s)")
    if created_before is not None:
        conditions.append("created_at <= %(created_before)s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, event_type, announced, object_type, object_id, payload, occurred_at,
                   attempts
            FROM {EVENT}
            WHERE {" AND ".join(conditions)}
            ORDER BY id
            LIMIT %(limit)s
            FOR UPDATE SKIP LOCKED
            """,
            {
                "pending": InboundEventStatus.PENDING,
                "now": now,
                "ids": ids,
                "created_before": created_before,
                "limit": limit,
            },
        )
        rows = cursor.fetchall()
    return [
        Claimed(
            id=row[0],
            event_type=row[1],
            announced=tuple(row[2] or (row[1],)),
            object_type=row[3],
            object_id=row[4],
            payload=orjson.loads(row[5]) if isinstance(row[5], str) else row[5],
            occurred_at=row[6],
            attempts=row[7],
        )
        for row in rows
    ]


@cache
def _loader():
    path = crm_setting("SALEOR_CRM_SNAPSHOT_LOADER")
    if path is None and running_in_saleor():
        path = "saleor_crm_plugin.saleor.snapshots.load_snapshots"
    return import_string(path) if path else None


def load_snapshots(events: list[Claimed]) -> None:
    """Fill in ``snapshot``: from the payload, or built by the host's loader
    for events recorded by reference (None when the object is gone).
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.payload is not None:
            event.snapshot = SNAPSHOT_TYPES[event.object_type].from_dict(event.payload)
        else:
            wanted[event.object_type].add(event.object_id)
    if not wanted:
        return
    loader = _loader()
    if loader is None:
        raise RuntimeError(
            "Events recorded by reference need SALEOR_CRM_SNAPSHOT_LOADER (or Saleor)."
        )
    loaded = {kind: loader(kind, sorted(ids)) for kind, ids in wanted.items()}
    for event in events:
        if event.payload is None:
            event.snapshot = loaded[event.object_type].get(event.object_id)


def _identities(event: Claimed) -> tuple[str, Any]:
    """The email and account the event's snapshot names (normalised)."""
    snapshot = event.snapshot
    if snapshot is None:
        return "", None
    return normalize_email(getattr(snapshot, "email", "")), getattr(snapshot, "user_id", None)


def _lock_key(name: str) -> int:
    # 63-bit keys in the CRM's own space.
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") >> 1


def _keys_of(event: Claimed) -> set[int]:
    """Advisory-lock keys of what the event touches: its object, and the
    email and account its snapshot names (they decide the profile).
    """
    names = {f"{event.object_type}:{event.object_id}"}
    email, user_id = _identities(event)
    if email:
        names.add(f"email:{email}")
    if user_id:
        names.add(f"user:{user_id}")
    return {_lock_key(name) for name in names}


def _lock_profiles_named(events: list[Claimed]) -> None:
    """Row-lock, in id order (the global lock order, see lock_profiles),
    the profiles these events' identities name.
    """
    emails, users = set(), set()
    for event in events:
        email, user_id = _identities(event)
        if email:
            emails.add(email)
        if user_id:
            users.add(user_id)
    from ..profiles.identity import user_key

    keys = [str(k) for k in (user_key(u) for u in users) if k is not None]
    user_cast = CustomerProfile._meta.get_field("user").target_field.db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id FROM {CustomerProfile._meta.db_table}
            WHERE email = ANY({json_array("%s")}) OR user_id = ANY({json_array("%s", user_cast)})
            ORDER BY id FOR UPDATE
            """,
            [dumps(sorted(emails)), dumps(keys)],
        )


def _lock_everything(events: list[Claimed]) -> None:
    """Take every lock the events need, waiting for them (in key order)."""
    keys = sorted(set().union(*(_keys_of(e) for e in events)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k",
            ["{" + ",".join(map(str, keys)) + "}"],
        )
    _lock_profiles_named(events)


def take_locks(events: list[Claimed]) -> tuple[list[Claimed], list[Claimed]]:
    """Lock what the events touch without waiting on other workers: the
    events whose every key is free are returned first, with their profiles
    row-locked; the others (another worker holds one of their objects or
    identities until it commits) are returned second, to be left pending
    for a later batch. So two workers never queue behind each other's
    batches, and a try-lock never waits, so it never deadlocks.
    """
    if not events:
        return [], []
    keys_of = {event.id: _keys_of(event) for event in events}
    wanted = sorted(set().union(*keys_of.values()))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k FROM unnest(%s::bigint[]) AS k WHERE pg_try_advisory_xact_lock(k)",
            ["{" + ",".join(map(str, wanted)) + "}"],
        )
        held = {row[0] for row in cursor.fetchall()}
    mine = [e for e in events if keys_of[e.id] <= held]
    others = [e for e in events if not keys_of[e.id] <= held]
    if mine:
        _lock_profiles_named(mine)
    return mine, others


class _Context:
    """What one batch reads once: configuration and RFM breakpoints."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.config = get_configuration()
        self.breakpoints = RFMBreakpoints.objects.filter(pk=RFMBreakpoints.SINGLETON_PK).first()


def apply_batch(events: list[Claimed], context: _Context, *, locked: bool = False) -> None:
    """Apply loaded events (inside the caller's transaction). ``locked``:
    the caller took their locks (:func:`take_locks`); otherwise they are
    taken here, waiting for them.
    """
    live = [e for e in events if e.snapshot is not None]
    if not live:
        return
    if not locked:
        _lock_everything(live)
    touched: set[Any] = set()
    customers = [
        e for e in live if e.object_type == "customer" and e.event_type not in ERASURE_EVENTS
    ]
    erasures = [e for e in live if e.event_type in ERASURE_EVENTS]
    for event in customers:  # rare and intricate (merges): one at a time
        profile = apply_customer(event.snapshot, event.event_type, event.occurred_at)
        if profile is not None:
            touched.add(profile.pk)
    orders: dict[str, list[Observed]] = defaultdict(list)
    checkouts: dict[str, list[Observed]] = defaultdict(list)
    for event in live:
        target = {"order": orders, "checkout": checkouts}.get(event.object_type)
        if target is not None:
            target[event.object_id].append(
                Observed(event.snapshot, event.announced, event.occurred_at, event.payload is None)
            )
    touched |= apply_orders(orders)
    touched |= apply_checkouts(checkouts)
    # Before the erasures: an erasure in the same batch has the last word.
    record_consents(
        consent_from_snapshots(e.snapshot for e in live if e.event_type not in ERASURE_EVENTS)
    )
    for event in erasures:
        profile = erase_customer(event.snapshot, event.occurred_at)
        if profile is not None:
            touched.add(profile.pk)
    # In id order as text: the order of the uuids, and sorted in C (the
    # UUID objects' comparison was a visible part of a batch's Python time).
    ids = sorted({str(pk) for pk in touched if pk is not None})
    if not ids:
        return
    lock_profiles(ids)
    if context.breakpoints is None or context.breakpoints.computed_at is None:
        # A new store: rank the buyers there are, so new buyers are scored now.
        refresh_derived(ids, config=context.config, breakpoints=None, now=context.now)
        context.breakpoints = compute_breakpoints(context.config, context.now)
    refresh_derived(ids, config=context.config, breakpoints=context.breakpoints, now=context.now)


def _mark_processed(ids: list[int], now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {EVENT}
            SET status = %s, processed_at = %s, last_error = '', next_attempt_at = NULL,
                attempts = attempts + 1
            WHERE id = ANY(%s)
            """,
            [InboundEventStatus.PROCESSED, now, ids],
        )


def _mark_failed(event: Claimed, error: BaseException, now: datetime) -> bool:
    """Record a failed attempt; True when the event is parked for good."""
    attempts = event.attempts + 1
    parked = attempts >= crm_setting("SALEOR_CRM_MAX_EVENT_ATTEMPTS")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {EVENT}
            SET status = %s, attempts = %s, last_error = %s, next_attempt_at = %s
            WHERE id = %s
            """,
            [
                InboundEventStatus.FAILED if parked else InboundEventStatus.PENDING,
                attempts,
                "".join(traceback.format_exception(error))[-4000:],
                None if parked else now + retry_delay(attempts),
                event.id,
            ],
        )
    return parked


def _apply_isolating(events: list[Claimed], context: _Context, outcome: Outcome) -> list[int]:
    """Apply ``events`` in a savepoint; on failure split them in halves until
    the bad ones are alone. Returns the ids applied.
    """
    try:
        with transaction.atomic():
            apply_batch(events, context, locked=True)
        return [e.id for e in events]
    except Exception as error:  # noqa: BLE001 - isolated and recorded below
        if len(events) == 1:
            (event,) = events
            logger.warning("CRM event %s failed: %s", event.id, error, exc_info=True)
            _mark_failed(event, error, context.now)
            outcome.failed += 1
            outcome.failed_ids.append(event.id)
            return []
        middle = len(events) // 2
        return _apply_isolating(events[:middle], context, outcome) + _apply_isolating(
            events[middle:], context, outcome
        )


def process_batch(
    limit: int | None = None,
    *,
    ids: list[int] | None = None,
    created_before: datetime | None = None,
    wait: bool = False,
) -> Outcome:
    """Claim and apply one batch of due events in one transaction. Events
    another worker's batch holds are left pending (``deferred``), unless
    ``wait``: then their locks are waited for.
    """
    limit = limit or crm_setting("SALEOR_CRM_BATCH_SIZE")
    outcome = Outcome()
    now = timezone.now()
    with writer(), transaction.atomic():
        events = claim(limit, ids=ids, created_before=created_before, now=now)
        if not events:
            return outcome
        context = _Context(now)
        try:
            load_snapshots(events)
        except Exception:  # noqa: BLE001 - load per event to find the bad one
            for event in events:
                try:
                    with transaction.atomic():
                        load_snapshots([event])
                except Exception as error:  # noqa: BLE001
                    _mark_failed(event, error, now)
                    outcome.failed += 1
                    outcome.failed_ids.append(event.id)
                    event.snapshot = None
                    event.payload = {}  # excluded below
            events = [e for e in events if e.id not in outcome.failed_ids]
        gone = [e for e in events if e.snapshot is None]
        live = [e for e in events if e.snapshot is not None]
        if wait and live:
            _lock_everything(live)
            mine, others = live, []
        else:
            mine, others = take_locks(live)
        outcome.deferred += len(others)
        applied = _apply_isolating(mine, context, outcome)
        done = applied + [e.id for e in gone]
        _mark_processed(done, now)
        outcome.processed += len(applied)
        outcome.skipped += len(gone)
    return outcome
