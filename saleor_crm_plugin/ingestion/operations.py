"""What operators see of the event log: backlog, lag, failures, replays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import InboundEvent, InboundEventStatus


@dataclass(frozen=True)
class EventBacklog:
    pending: int
    failed: int
    oldest_pending_at: datetime | None
    # Pending events waiting for a retry after a failed attempt.
    retrying: int

    @property
    def oldest_pending_age_seconds(self) -> float | None:
        if self.oldest_pending_at is None:
            return None
        return max((timezone.now() - self.oldest_pending_at).total_seconds(), 0.0)


def event_backlog() -> EventBacklog:
    """Counts over the unprocessed events (one query on a partial index)."""
    figures = InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).aggregate(
        pending=Count("pk", filter=Q(status=InboundEventStatus.PENDING)),
        failed=Count("pk", filter=Q(status=InboundEventStatus.FAILED)),
        retrying=Count("pk", filter=Q(status=InboundEventStatus.PENDING, attempts__gt=0)),
        oldest=Min("created_at", filter=Q(status=InboundEventStatus.PENDING)),
    )
    return EventBacklog(
        pending=figures["pending"],
        failed=figures["failed"],
        oldest_pending_at=figures["oldest"],
        retrying=figures["retrying"],
    )


def replay_failed_events(ids: list[int] | None = None) -> int:
    """Return parked events to the queue (all, or these); returns how many."""
    queryset = InboundEvent.objects.filter(status=InboundEventStatus.FAILED)
    if ids:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(status=InboundEventStatus.PENDING, attempts=0, next_attempt_at=None)
