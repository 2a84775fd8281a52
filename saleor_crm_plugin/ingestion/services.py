"""Record store events and process them into CRM state.

Plugin hooks go through :mod:`.recorder` (coalesced per request, by
reference). :func:`record_event` stores an event that carries its snapshot:
for inbound integrations, the demo and tests. Processing is
:mod:`.batch`'s; if the broker was unreachable, the periodic sweeper
(:func:`process_pending_events`) picks the events up. Processing is
idempotent, so a message delivered twice, or an event recorded twice,
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..conf import crm_setting
from ..dispatch import request_event_processing
from ..hosting import writer
from ..snapshots import SNAPSHOT_TYPES, Snapshot
from .batch import Claimed, Outcome, _Context, apply_batch, process_batch
from .events import EventType, object_type_of
from .models import InboundEvent, InboundEventStatus
from .operations import replay_failed_events
from .recorder import PendingObject, _dedupe_key, write_events

logger = logging.getLogger(__name__)


class EventProcessingError(Exception):
    """Processing an event failed; the event records the error."""


def object_id_of(snapshot: Snapshot) -> str:
    for name in ("order_id", "token", "user_id"):
        if hasattr(snapshot, name):
            return str(getattr(snapshot, name))
    raise TypeError(f"Not a snapshot: {snapshot!r}")


def record_event(
    event_type: str,
    snapshot: Snapshot,
    *,
    occurred_at: datetime | None = None,
    dispatch: bool = True,
) -> InboundEvent:
    """Store an event with its snapshot and, after commit, ask a worker to
    process it. Recording the very same event (same type, same snapshot)
    twice stores it once. ``dispatch=False`` leaves it to the sweeper.
    """
    event_type = EventType(event_type)
    expected = SNAPSHOT_TYPES[object_type_of(event_type)]
    if not isinstance(snapshot, expected):
        raise TypeError(
            f"{event_type} carries a {expected.__name__}, not {type(snapshot).__name__}"
        )
    item = PendingObject(
        object_type=object_type_of(event_type),
        object_id=object_id_of(snapshot),
        occurred_at=occurred_at or timezone.now(),
        announced=[event_type],
        snapshot=snapshot,
    )
    new = write_events([item])
    if not new:  # recorded before: the same event, nothing new to do
        return InboundEvent.objects.get(dedupe_key=_dedupe_key(event_type, snapshot.to_dict()))
    if dispatch:
        transaction.on_commit(request_event_processing)
    return InboundEvent.objects.get(pk=new[0])


def record_events(
    events: Iterable[tuple[str, Snapshot, datetime]], *, chunk: int = 500, dispatch: bool = True
) -> int:
    """Store many ``(event type, snapshot, occurred at)`` events, ``chunk``
    to a statement, as :func:`record_event` stores one (the same event twice
    is stored once); returns how many were new. ``dispatch=False`` leaves
    them to the sweeper.
    """
    new = 0
    items: list[PendingObject] = []
    for event_type, snapshot, occurred_at in events:
        event_type = EventType(event_type)
        expected = SNAPSHOT_TYPES[object_type_of(event_type)]
        if not isinstance(snapshot, expected):
            raise TypeError(
                f"{event_type} carries a {expected.__name__}, not {type(snapshot).__name__}"
            )
        items.append(
            PendingObject(
                object_type=object_type_of(event_type),
                object_id=object_id_of(snapshot),
                occurred_at=occurred_at,
                announced=[event_type],
                snapshot=snapshot,
            )
        )
        if len(items) == chunk:
            new += len(write_events(items))
            items = []
    new += len(write_events(items))
    if new and dispatch:
        transaction.on_commit(request_event_processing)
    return new


def import_snapshots(event_type: str, items: Iterable[tuple[Snapshot, datetime]]) -> int:
    """Apply historical snapshots through the batch path in one transaction,
    without the event log: the history import's fast path.
    """
    event_type = EventType(event_type)
    object_type = object_type_of(event_type)
    events = [
        Claimed(
            id=0,
            event_type=event_type,
            announced=(event_type,),
            object_type=object_type,
            object_id=object_id_of(snapshot),
            payload={},
            occurred_at=occurred_at,
            attempts=0,
            snapshot=snapshot,
        )
        for snapshot, occurred_at in items
    ]
    with writer(), transaction.atomic():
        apply_batch(events, _Context(timezone.now()))
    return len(events)


def process_event(event_id: int) -> bool:
    """Process one stored event now (whatever its back-off). Returns False
    if there was nothing to do (already processed, or claimed by another
    worker). A failure is recorded on the event and raised as
    :class:`EventProcessingError`.
    """
    outcome = process_batch(ids=[event_id])
    if outcome.failed:
        error = InboundEvent.objects.filter(pk=event_id).values_list("last_error", flat=True)
        raise EventProcessingError(f"CRM event {event_id} failed: {error.first()}")
    return bool(outcome.processed or outcome.skipped)


def process_pending_events(
    *, limit: int = 10_000, older_than: timedelta | None = None, include_failed: bool = False
) -> dict[str, int]:
    """Process due pending events in batches, oldest first (the sweeper and
    the worker task). ``include_failed`` first returns parked events to the
    queue (an operator's replay). Returns counts by outcome.
    """
    if include_failed:
        replay_failed_events()
    created_before = timezone.now() - older_than if older_than is not None else None
    batch_size = crm_setting("SALEOR_CRM_BATCH_SIZE")
    total = Outcome()
    wait = False
    while total.processed + total.failed + total.skipped < limit:
        size = min(batch_size, limit - (total.processed + total.failed + total.skipped))
        outcome = process_batch(size, created_before=created_before, wait=wait)
        total.add(outcome)
        if outcome.processed + outcome.failed + outcome.skipped == 0:
            if outcome.deferred and not wait:
                # Everything claimed is held by other workers' batches:
                # claim again and wait for them this once (in a new
                # transaction, holding nothing, so waiting cannot deadlock).
                wait = True
                continue
            break
        wait = False
    return total.as_dict()


def purge_processed_events(*, older_than_days: int | None = None) -> int:
    days = older_than_days or crm_setting("SALEOR_CRM_EVENT_RETENTION_DAYS")
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = InboundEvent.objects.filter(
        status=InboundEventStatus.PROCESSED, processed_at__lt=cutoff
    ).delete()
    return deleted
