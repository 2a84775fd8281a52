"""The customer's timeline: one ordered record of what happened to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..bulk import insert_rows
from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import OutboxEvent, record_events
from .models import CustomerProfile, TimelineEvent, TimelineEventType


@dataclass(frozen=True)
class TimelineEntry:
    type: str
    occurred_at: datetime
    object_type: str = ""
    object_id: str = ""
    data: dict[str, Any] | None = None
    dedupe_key: str | None = None


def add_timeline_events(profile: CustomerProfile, entries: list[TimelineEntry]) -> None:
    """Record timeline events of one profile (see :func:`add_timeline_rows`)."""
    add_timeline_rows([(profile.pk, entry) for entry in entries])


def add_timeline_rows(rows_in: list[tuple[Any, TimelineEntry]]) -> None:
    """Record (profile id, entry) pairs in at most two statements. An event
    with a ``dedupe_key`` exists once: recording it again updates it (time,
    data) instead; within one call the last one of a key wins.
    """
    by_key: dict[str, tuple[Any, TimelineEntry]] = {}
    plain: list[tuple[Any, TimelineEntry]] = []
    for profile_id, entry in rows_in:
        if entry.dedupe_key is None:
            plain.append((profile_id, entry))
        else:
            by_key[entry.dedupe_key] = (profile_id, entry)
    keyed = list(by_key.values())

    now = timezone.now()

    def rows(items: list[tuple[Any, TimelineEntry]]) -> list[dict[str, Any]]:
        return [
            {
                "profile_id": profile_id,
                "type": e.type,
                "occurred_at": e.occurred_at,
                "object_type": e.object_type,
                "object_id": e.object_id or "",
                "data": e.data or {},
                "dedupe_key": e.dedupe_key,
                "created_at": now,
            }
            for profile_id, e in items
        ]

    insert_rows(
        TimelineEvent,
        rows(keyed),
        conflict=["dedupe_key"],
        update=["profile_id", "occurred_at", "object_type", "object_id", "data"],
        # A replay writes nothing: no new row version, no index entries.
        where="(t.profile_id, t.occurred_at, t.object_type, t.object_id, t.data) IS DISTINCT FROM "
        "(EXCLUDED.profile_id, EXCLUDED.occurred_at, EXCLUDED.object_type, EXCLUDED.object_id, "
        "EXCLUDED.data)",
    )
    insert_rows(TimelineEvent, rows(plain))
    announce(rows_in)


# Timeline entries announced to webhook endpoints, and the facts of their
# data that go with them (none that name the customer: the payload reads
# those from the profile when it is sent).
ANNOUNCED = {
    TimelineEventType.TICKET_OPENED: (WebhookEventType.TICKET_CREATED, ("number",)),
    TimelineEventType.TICKET_SOLVED: (WebhookEventType.TICKET_SOLVED, ("number",)),
    TimelineEventType.TICKET_RATED: (WebhookEventType.TICKET_RATED, ("number", "rating")),
    TimelineEventType.CONSENT_CHANGED: (
        WebhookEventType.CONSENT_CHANGED,
        ("channel", "status", "source", "suppression_reason"),
    ),
}


def announce(rows_in: list[tuple[Any, TimelineEntry]]) -> None:
    """Write the webhook events of the entries that have one, in the same
    transaction (no statement when none has); an entry recorded again
    (same dedupe key) is announced once.
    """
    events = []
    for profile_id, entry in rows_in:
        if (announced := ANNOUNCED.get(entry.type)) is None:
            continue
        event_type, keys = announced
        data = entry.data or {}
        events.append(
            OutboxEvent(
                type=event_type,
                profile_id=profile_id,
                occurred_at=entry.occurred_at,
                # The ledger entry of a consent change is no API object.
                object_type=""
                if event_type == WebhookEventType.CONSENT_CHANGED
                else entry.object_type,
                object_id="" if event_type == WebhookEventType.CONSENT_CHANGED else entry.object_id,
                data={key: data[key] for key in keys if key in data},
                dedupe_key=f"timeline:{entry.dedupe_key}" if entry.dedupe_key else None,
            )
        )
    record_events(events)


def add_timeline_event(
    profile: CustomerProfile, type: str, occurred_at: datetime, **fields
) -> None:
    """Record one timeline event (see :func:`add_timeline_events`)."""
    add_timeline_events(profile, [TimelineEntry(type=type, occurred_at=occurred_at, **fields)])
