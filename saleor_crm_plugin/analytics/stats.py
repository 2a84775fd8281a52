"""Aggregates over all profiles for charts (read from the read database)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from django.db import connections
from django.db.models import Count
from django.utils import timezone

from ..conf import crm_setting
from ..profiles.models import CustomerProfile, LifecycleStage

PERIODS = {"day": "1 day", "week": "1 week", "month": "1 month"}
MAX_PERIODS = 36


def _database() -> str:
    return crm_setting("SALEOR_CRM_READ_DATABASE")


def live_profiles():
    return CustomerProfile.objects.using(_database()).filter(erased_at__isnull=True)


def by_lifecycle_stage() -> list[tuple[str, int]]:
    counts = dict(live_profiles().values_list("lifecycle_stage").annotate(n=Count("pk")).order_by())
    return [(stage, counts.get(stage, 0)) for stage in LifecycleStage.values]


def rfm_grid() -> list[tuple[int, int, int]]:
    with connections[_database()].cursor() as cursor:
        cursor.execute(
            """
            SELECT rfm_recency, (rfm_frequency + rfm_monetary + 1) / 2 AS fm, COUNT(*)
            FROM saleor_crm_customerprofile
            WHERE rfm_recency IS NOT NULL AND erased_at IS NULL
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        )
        return [tuple(row) for row in cursor.fetchall()]


def new_vs_returning(
    period: str, last: int, channels: Collection[str] | None = None
) -> list[tuple[datetime, int, int]]:
    """Per period (UTC), buyers whose first sale fell in it, and buyers who
    bought in it having bought before. With ``channels``, only the sales of
    those channels count, first sales included (a staff member restricted to
    them sees the chart of their channels).
    """
    if period not in PERIODS:
        raise ValueError(f"Unknown period {period}.")
    # graphene 2 lets a JSON true through an Int variable (bool is an int).
    if isinstance(last, bool) or not 1 <= last <= MAX_PERIODS:
        raise ValueError(f"Ask for 1 to {MAX_PERIODS} periods.")
    step = PERIODS[period]
    if channels is None:
        in_scope = "TRUE"
        firsts = (
            "SELECT id AS profile_id, first_order_at AS first_at FROM saleor_crm_customerprofile"
        )
    else:
        in_scope = "o.channel = ANY(%(channels)s)"
        firsts = (
            "SELECT o.profile_id, MIN(o.placed_at) AS first_at FROM saleor_crm_orderfact o "
            f"WHERE o.is_sale AND {in_scope} GROUP BY o.profile_id"
        )
    with connections[_database()].cursor() as cursor:
        cursor.execute(
            f"""
            WITH bounds AS (
                SELECT date_trunc(%(unit)s, %(now)s AT TIME ZONE 'UTC') AS current
            ),
            periods AS (
                SELECT generate_series(
                    current - (%(last)s - 1) * INTERVAL '{step}', current, INTERVAL '{step}'
                ) AS start
                FROM bounds
            ),
            firsts AS ({firsts}),
            sales AS (
                SELECT o.profile_id,
                       date_trunc(%(unit)s, o.placed_at AT TIME ZONE 'UTC') AS period,
                       date_trunc(%(unit)s, f.first_at AT TIME ZONE 'UTC') AS first_period
                FROM saleor_crm_orderfact o
                JOIN firsts f ON f.profile_id = o.profile_id
                WHERE o.is_sale AND {in_scope}
                  AND o.placed_at >= (SELECT MIN(start) FROM periods) AT TIME ZONE 'UTC'
            )
            SELECT periods.start,
                   COUNT(DISTINCT s.profile_id) FILTER (WHERE s.first_period = periods.start),
                   COUNT(DISTINCT s.profile_id) FILTER (WHERE s.first_period < periods.start)
            FROM periods LEFT JOIN sales s ON s.period = periods.start
            GROUP BY periods.start ORDER BY periods.start
            """,
            {
                "unit": period,
                "last": last,
                "now": timezone.now(),
                "channels": sorted(channels or ()),
            },
        )
        return [
            (start.replace(tzinfo=UTC), new, returning)
            for start, new, returning in cursor.fetchall()
        ]
