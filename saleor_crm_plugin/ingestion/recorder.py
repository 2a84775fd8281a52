"""The hot path: what a store hook does, kept to (almost) nothing.

One paid checkout fires five order hooks (created, paid, fully paid,
updated, confirmed). Each hook only notes "this object changed, and the
store announced this event" in memory, with no query. At the end of the
request (after the response is sent) the notes are written as one event per
object, in one INSERT, and one ask goes to the workers. The snapshot is
built by the worker, of the object as it is by then, for many objects at
once (see :mod:`.batch`).

Outside a request (a Celery task or a management command firing hooks) each
note is written when its transaction commits. A note taken inside an atomic
block is kept only if that block commits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from ..dispatch import request_event_processing
from ..snapshots import Snapshot
from .events import EventType, object_type_of
from .models import InboundEventStatus

logger = logging.getLogger(__name__)


@dataclass
class PendingObject:
    object_type: str
    object_id: str
    occurred_at: datetime
    announced: list[str] = field(default_factory=list)
    # Only for objects that may be gone when the worker looks: a deleted
    # account, or a checkout (Saleor deletes it when it completes). A
    # callable is built when the notes are written, after the response.
    snapshot: Snapshot | Callable[[], Snapshot] | None = None

    def built_snapshot(self) -> Snapshot | None:
        if callable(self.snapshot):
            try:
                self.snapshot = self.snapshot()
            except Exception:  # noqa: BLE001 - the worker builds it instead
                logger.exception("CRM could not build the snapshot of %s", self.object_id)
                self.snapshot = None
        return self.snapshot


def _dedupe_key(event_type: str, payload: dict[str, Any] | None) -> str:
    if payload is None:
        # A reference is a moment, not content: each one is its own event.
        return f"ref:{uuid.uuid4().hex}"
    body = json.dumps([event_type, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


INSERT_SQL = """
INSERT INTO saleor_crm_inboundevent
    (event_type, announced, object_type, object_id, payload, occurred_at, dedupe_key,
     status, attempts, last_error, created_at)
VALUES {values}
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
"""
ROW = "(%s, %s::varchar[], %s, %s, %s::jsonb, %s, %s, %s, 0, '', %s)"


def write_events(items: list[PendingObject]) -> list[int]:
    """Store events in one statement; returns the ids of those that are new."""
    if not items:
        return []
    now = timezone.now()
    params: list[Any] = []
    for item in items:
        snapshot = item.built_snapshot()
        payload = snapshot.to_dict() if snapshot is not None else None
        params += [
            item.announced[0],
            item.announced,
            item.object_type,
            item.object_id,
            json.dumps(payload) if payload is not None else None,
            item.occurred_at,
            _dedupe_key(item.announced[0], payload),
            InboundEventStatus.PENDING,
            now,
        ]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL.format(values=", ".join([ROW] * len(items))), params)
        return [row[0] for row in cursor.fetchall()]


class EventBuffer:
    """Notes of one unit of work (a request), one per store object."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], PendingObject] = {}
        self.closed = False

    def __len__(self) -> int:
        return len(self._items)

    def note(
        self,
        event_type: str,
        object_id: str,
        snapshot: Snapshot | Callable[[], Snapshot] | None,
        at: datetime,
    ) -> None:
        object_type = object_type_of(event_type)
        item = self._items.get((object_type, object_id))
        if item is None:
            item = self._items[(object_type, object_id)] = PendingObject(object_type, object_id, at)
        if event_type not in item.announced:
            item.announced.append(event_type)
        if snapshot is not None:
            item.snapshot = snapshot

    def flush(self) -> None:
        """Write the notes and ask for processing once they are committed."""
        items, self._items = list(self._items.values()), {}
        if not items:
            return
        if write_events(items):
            transaction.on_commit(request_event_processing)


_request_buffer: ContextVar[EventBuffer | None] = ContextVar("crm_request_buffer", default=None)


def note_store_event(
    event_type: str,
    object_id: str,
    *,
    snapshot: Snapshot | Callable[[], Snapshot] | None = None,
) -> None:
    """Called by a store hook: remember that ``object_id`` changed.

    ``snapshot`` is for an object the worker may not find any more (a
    deleted account; a callable is built after the response); otherwise the
    worker builds it. Never raises.
    """
    try:
        event_type = EventType(event_type)
        at = timezone.now()
        buffer = _request_buffer.get()

        def keep() -> None:
            if buffer is not None and not buffer.closed:
                buffer.note(event_type, object_id, snapshot, at)
            else:
                own = EventBuffer()
                own.note(event_type, object_id, snapshot, at)
                own.flush()

        # Kept only if the surrounding transaction commits; at once otherwise.
        transaction.on_commit(keep)
    except Exception:  # noqa: BLE001 - never break the store
        logger.exception("CRM could not note %s of %s", event_type, object_id)


def open_request_scope(**kwargs: Any) -> None:
    """``request_started`` receiver: notes of this request wait for its end."""
    _request_buffer.set(EventBuffer())


def close_request_scope(**kwargs: Any) -> None:
    """``request_finished`` receiver: write the request's notes (the response
    has been sent by now, so the store's customer does not wait for this).
    """
    buffer = _request_buffer.get()
    _request_buffer.set(None)
    if buffer is None:
        return
    buffer.closed = True  # a note committed after this is written on its own
    if not len(buffer):
        return
    try:
        buffer.flush()
    except Exception:  # noqa: BLE001 - never break the store
        logger.exception("CRM could not record the events of a request")


def connect_request_scope() -> None:
    """Collect hook notes per request. Our receiver runs before Django's
    ``close_old_connections``, so the flush reuses the request's connection.
    """
    from django.core.signals import request_finished, request_started

    request_started.connect(open_request_scope, dispatch_uid="saleor_crm_open_scope")
    request_finished.disconnect(close_old_connections)
    request_finished.connect(close_request_scope, dispatch_uid="saleor_crm_close_scope")
    request_finished.connect(close_old_connections)
