"""Help desk figures for charts (read from the read database)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connections
from django.db.models import Count
from django.utils import timezone

from ..analytics.stats import MAX_PERIODS, PERIODS, _database
from .models import ACTIVE_STATUSES, Ticket, TicketStatus
from .services import missed_target


def _periods(period: str, last: int) -> str:
    if period not in PERIODS:
        raise ValueError(f"Unknown period {period}.")
    # graphene 2 lets a JSON true through an Int variable (bool is an int).
    if isinstance(last, bool) or not 1 <= last <= MAX_PERIODS:
        raise ValueError(f"Ask for 1 to {MAX_PERIODS} periods.")
    step = PERIODS[period]
    return f"""
        periods AS (
            SELECT generate_series(
                date_trunc(%(unit)s, %(now)s AT TIME ZONE 'UTC') - (%(last)s - 1) * INTERVAL '{step}',
                date_trunc(%(unit)s, %(now)s AT TIME ZONE 'UTC'),
                INTERVAL '{step}'
            ) AS start
        )"""


def _rows(sql: str, period: str, last: int) -> list[tuple]:
    with connections[_database()].cursor() as cursor:
        cursor.execute(sql, {"unit": period, "last": last, "now": timezone.now()})
        return [(row[0].replace(tzinfo=UTC), *row[1:]) for row in cursor.fetchall()]


def open_count() -> int:
    return Ticket.objects.using(_database()).filter(status__in=ACTIVE_STATUSES).count()


def breached_count() -> int:
    active = Ticket.objects.using(_database()).filter(status__in=ACTIVE_STATUSES)
    return active.filter(missed_target()).count()


def by_status() -> list[tuple[str, int]]:
    counts = dict(
        Ticket.objects.using(_database()).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [(status, counts.get(status, 0)) for status in TicketStatus.values]


def volume(period: str, last: int) -> list[tuple[datetime, int, int]]:
    """Tickets opened and solved per period (UTC), oldest first."""
    return _rows(
        f"""
        WITH {_periods(period, last)}
        SELECT p.start,
               (SELECT COUNT(*) FROM saleor_crm_ticket t
                WHERE date_trunc(%(unit)s, t.created_at AT TIME ZONE 'UTC') = p.start),
               (SELECT COUNT(*) FROM saleor_crm_ticket t
                WHERE date_trunc(%(unit)s, t.solved_at AT TIME ZONE 'UTC') = p.start)
        FROM periods p ORDER BY p.start
        """,
        period,
        last,
    )


def sla_attainment(period: str, last: int) -> list[tuple[datetime, int, int, float | None]]:
    """Per period: tickets solved that had a resolution target, those solved
    within it, and the share.
    """
    rows = _rows(
        f"""
        WITH {_periods(period, last)}
        SELECT p.start, COUNT(t.id), COUNT(t.id) FILTER (WHERE t.solved_at <= t.resolution_due_at)
        FROM periods p
        LEFT JOIN saleor_crm_ticket t
          ON date_trunc(%(unit)s, t.solved_at AT TIME ZONE 'UTC') = p.start
         AND t.resolution_due_at IS NOT NULL
        GROUP BY p.start ORDER BY p.start
        """,
        period,
        last,
    )
    return [
        (start, solved, within, within / solved if solved else None)
        for start, solved, within in rows
    ]
