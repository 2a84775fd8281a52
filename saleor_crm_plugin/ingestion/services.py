"""Record store events and process them into CRM state.

The hand-off from a store hook is :func:`record_event`: one INSERT, then a
Celery message after commit. If the broker is unreachable the event stays
``pending`` in the database and :func:`process_pending_events` (run by a
periodic task) picks it up. Processing is idempotent, so a message delivered
twice, or an event recorded twice, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..commerce.services import apply_checkout, apply_order
from ..conf import crm_setting
from ..hosting import writer
from ..profiles.services import (
    apply_customer,
    batch_cache,
    deferred_profile_refresh,
    erase_customer,
)
from ..snapshots import (
    SNAPSHOT_TYPES,
    CheckoutSnapshot,
    CustomerSnapshot,
    OrderSnapshot,
    Snapshot,
)
from .events import ERASURE_EVENTS, EventType, object_type_of
from .models import InboundEvent, InboundEventStatus

logger = logging.getLogger(__name__)


class EventProcessingError(Exception):
    """Processing an event failed; the event records the error."""


def _object_id(snapshot: Snapshot) -> str:
    if isinstance(snapshot, OrderSnapshot):
        return snapshot.order_id
    if isinstance(snapshot, CheckoutSnapshot):
        return snapshot.token
    if isinstance(snapshot, CustomerSnapshot):
        return snapshot.user_id
    raise TypeError(f"Not a snapshot: {snapshot!r}")


def _dedupe_key(event_type: str, payload: dict[str, Any]) -> str:
    body = json.dumps([event_type, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def record_event(
    event_type: str,
    snapshot: Snapshot,
    *,
    occurred_at: datetime | None = None,
    dispatch: bool = True,
) -> InboundEvent:
    """Store an event durably and, after commit, ask Celery to process it.

    Recording the very same event (same type, same snapshot) twice stores it
    once. ``dispatch=False`` leaves it for :func:`process_pending_events`.
    """
    event_type = EventType(event_type)
    expected = SNAPSHOT_TYPES[object_type_of(event_type)]
    if not isinstance(snapshot, expected):
        raise TypeError(
            f"{event_type} carries a {expected.__name__}, not {type(snapshot).__name__}"
        )
    payload = snapshot.to_dict()
    event = InboundEvent(
        event_type=event_type,
        object_type=object_type_of(event_type),
        object_id=_object_id(snapshot),
        payload=payload,
        occurred_at=occurred_at or timezone.now(),
        dedupe_key=_dedupe_key(event_type, payload),
        created_at=timezone.now(),
    )
    # One statement: this runs inside the store's hook.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO saleor_crm_inboundevent
                (event_type, object_type, object_id, payload, occurred_at, dedupe_key,
                 status, attempts, last_error, created_at)
            VALUES (%s, %s, %s, %s::jsonb, %s, %s, %s, 0, '', %s)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """,
            [
                event.event_type,
                event.object_type,
                event.object_id,
                json.dumps(payload),
                event.occurred_at,
                event.dedupe_key,
                InboundEventStatus.PENDING,
                event.created_at,
            ],
        )
        row = cursor.fetchone()
    if row is None:  # recorded before: the same event, nothing new to do
        return InboundEvent.objects.get(dedupe_key=event.dedupe_key)
    event.pk = row[0]
    event._state.adding = False
    if dispatch:
        transaction.on_commit(lambda: enqueue_event(event.pk))
    return event


def send_task_safely(name: str, *args: Any) -> bool:
    """Queue a CRM task by name; a broker failure is logged, not raised."""
    from .. import tasks

    try:
        options = {}
        if queue := crm_setting("SALEOR_CRM_CELERY_QUEUE"):
            options["queue"] = queue
        tasks.TASKS[name].apply_async(args, **options)
    except Exception:  # noqa: BLE001 - callers have a durable fallback
        logger.warning("CRM task %s%r not sent to Celery.", name, args, exc_info=True)
        return False
    return True


def enqueue_event(event_id: int) -> bool:
    """Send one event to Celery; if that fails it stays pending for the sweeper."""
    return send_task_safely("saleor_crm.process_event", event_id)


def apply_event(event_type: str, payload: dict[str, Any], occurred_at: datetime) -> None:
    """Apply one stored event (inside the caller's transaction)."""
    snapshot = SNAPSHOT_TYPES[object_type_of(event_type)].from_dict(payload)
    apply_snapshot(event_type, snapshot, occurred_at)


def apply_snapshot(event_type: str, snapshot: Snapshot, occurred_at: datetime) -> None:
    """Apply one snapshot to CRM state (inside the caller's transaction)."""
    object_type = object_type_of(event_type)
    if event_type in ERASURE_EVENTS:
        erase_customer(snapshot, occurred_at)  # type: ignore[arg-type]
    elif object_type == "order":
        apply_order(snapshot, event_type, occurred_at)  # type: ignore[arg-type]
    elif object_type == "checkout":
        apply_checkout(snapshot, event_type, occurred_at)  # type: ignore[arg-type]
    else:
        apply_customer(snapshot, event_type, occurred_at)  # type: ignore[arg-type]


def import_snapshots(event_type: str, items: Iterable[tuple[Snapshot, datetime]]) -> int:
    """Apply a batch of historical snapshots in one transaction, without the
    event log and without per-event profile refreshes: the history import's
    fast path. Run :func:`recompute_all_profiles` after the last batch.
    """
    count = 0
    with writer(), transaction.atomic(), deferred_profile_refresh(), batch_cache():
        for snapshot, occurred_at in items:
            apply_snapshot(event_type, snapshot, occurred_at)
            count += 1
    return count


def process_event(event_id: int) -> bool:
    """Process one stored event. Returns False if there was nothing to do
    (already processed, or being processed by another worker).

    A failure is recorded on the event (attempts, error) and re-raised as
    :class:`EventProcessingError` so the caller can retry.
    """
    error: BaseException | None = None
    with transaction.atomic():
        event = (
            InboundEvent.objects.select_for_update(skip_locked=True)
            .exclude(status=InboundEventStatus.PROCESSED)
            .filter(pk=event_id)
            .first()
        )
        if event is None:
            return False
        event.attempts += 1
        try:
            with transaction.atomic():
                apply_event(event.event_type, event.payload, event.occurred_at)
        except Exception as exc:  # noqa: BLE001 - recorded, then re-raised
            error = exc
            event.last_error = "".join(traceback.format_exception(exc))[-4000:]
            max_attempts = crm_setting("SALEOR_CRM_MAX_EVENT_ATTEMPTS")
            event.status = (
                InboundEventStatus.FAILED
                if event.attempts >= max_attempts
                else InboundEventStatus.PENDING
            )
        else:
            event.status = InboundEventStatus.PROCESSED
            event.processed_at = timezone.now()
            event.last_error = ""
        event.save(update_fields=["attempts", "last_error", "status", "processed_at"])
    if error is not None:
        raise EventProcessingError(f"CRM event {event_id} failed") from error
    return True


def process_pending_events(
    *, limit: int = 1000, older_than: timedelta | None = None, include_failed: bool = False
) -> dict[str, int]:
    """Process pending events oldest first (the sweeper; also replays
    ``failed`` events when asked). Returns counts by outcome.
    """
    statuses = [InboundEventStatus.PENDING]
    if include_failed:
        statuses.append(InboundEventStatus.FAILED)
    queryset = InboundEvent.objects.filter(status__in=statuses)
    if older_than is not None:
        queryset = queryset.filter(created_at__lte=timezone.now() - older_than)
    ids = list(queryset.order_by("id").values_list("id", flat=True)[:limit])
    if include_failed:
        InboundEvent.objects.filter(pk__in=ids, status=InboundEventStatus.FAILED).update(
            status=InboundEventStatus.PENDING, attempts=0
        )
    outcome = {"processed": 0, "failed": 0, "skipped": 0}
    with batch_cache():
        for event_id in ids:
            try:
                outcome["processed" if process_event(event_id) else "skipped"] += 1
            except EventProcessingError:
                logger.warning("CRM event %s failed", event_id, exc_info=True)
                outcome["failed"] += 1
    return outcome


def purge_processed_events(*, older_than_days: int | None = None) -> int:
    days = older_than_days or crm_setting("SALEOR_CRM_EVENT_RETENTION_DAYS")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = InboundEvent.objects.filter(
        status=InboundEventStatus.PROCESSED, processed_at__lt=cutoff
    ).delete()
    return deleted
