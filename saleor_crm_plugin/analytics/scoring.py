"""RFM scores, RFM segments and lifecycle stages.

The rules are written once here; the incremental path calls the Python
functions and the full recompute embeds the SQL built from the same tables,
so both always agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime

from ..profiles.models import LifecycleStage, RFMSegment

SCORES = (1, 2, 3, 4, 5)

# (segment, recency scores, frequency-monetary scores). FM is the rounded-up
# mean of F and M. The grid covers all 25 cells exactly once.
SEGMENT_RULES: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    (RFMSegment.CHAMPIONS, (5,), (4, 5)),
    (RFMSegment.LOYAL, (3, 4), (4, 5)),
    (RFMSegment.POTENTIAL_LOYALIST, (4, 5), (2, 3)),
    (RFMSegment.NEW_CUSTOMERS, (5,), (1,)),
    (RFMSegment.PROMISING, (4,), (1,)),
    (RFMSegment.NEED_ATTENTION, (3,), (3,)),
    (RFMSegment.ABOUT_TO_SLEEP, (3,), (1, 2)),
    (RFMSegment.CANNOT_LOSE, (1, 2), (5,)),
    (RFMSegment.AT_RISK, (1, 2), (3, 4)),
    (RFMSegment.HIBERNATING, (1, 2), (1, 2)),
)

# Customers whose frequency and monetary scores both reach this are "loyal".
LOYAL_MIN_SCORE = 4


def fm_score(frequency: int, monetary: int) -> int:
    return (frequency + monetary + 1) // 2


def rfm_segment(recency: int | None, frequency: int | None, monetary: int | None) -> str:
    if recency is None or frequency is None or monetary is None:
        return ""
    fm = fm_score(frequency, monetary)
    for segment, recencies, fms in SEGMENT_RULES:
        if recency in recencies and fm in fms:
            return str(segment)
    raise AssertionError(f"RFM grid does not cover R={recency} FM={fm}")


def segment_sql(r: str, f: str, m: str) -> str:
    """SQL CASE computing the segment from score columns ``r``, ``f``, ``m``."""
    fm = f"(({f} + {m} + 1) / 2)"
    whens = " ".join(
        f"WHEN {r} IN ({', '.join(map(str, rs))}) AND {fm} IN ({', '.join(map(str, fms))}) "
        f"THEN '{segment}'"
        for segment, rs, fms in SEGMENT_RULES
    )
    return f"CASE WHEN {r} IS NULL THEN '' {whens} ELSE '' END"


def score_against(value: Any, breakpoints: list[Any]) -> int:
    """The highest score (2..5) whose threshold ``value`` reaches, else 1.

    Thresholds never decrease; ``None`` marks a score nobody earned.
    """
    score = 1
    for candidate, threshold in zip(SCORES[1:], breakpoints, strict=False):
        if threshold is not None and value >= threshold:
            score = candidate
    return score


def rfm_scores(
    last_order_at: datetime | None,
    orders_count: int,
    total_spent: Decimal,
    breakpoints: Any,
) -> tuple[int | None, int | None, int | None]:
    """Score one profile against the breakpoints of the last recompute."""
    if not orders_count or last_order_at is None:
        return None, None, None
    if breakpoints is None or breakpoints.computed_at is None:
        # No recompute has run yet: nothing to rank against.
        return None, None, None
    recency_points = [parse_datetime(v) if v else None for v in breakpoints.recency]
    monetary_points = [Decimal(v) if v is not None else None for v in breakpoints.monetary]
    return (
        score_against(last_order_at, recency_points),
        score_against(orders_count, breakpoints.frequency),
        score_against(total_spent, monetary_points),
    )


def lifecycle_stage(
    *,
    orders_count: int,
    last_order_at: datetime | None,
    rfm_frequency: int | None,
    rfm_monetary: int | None,
    at_risk_after_days: int,
    lapsed_after_days: int,
    now: datetime,
) -> str:
    if not orders_count or last_order_at is None:
        return LifecycleStage.PROSPECT
    days = (now - last_order_at).days
    if days >= lapsed_after_days:
        return LifecycleStage.LAPSED
    if days >= at_risk_after_days:
        return LifecycleStage.AT_RISK
    if orders_count == 1:
        return LifecycleStage.NEW
    if (rfm_frequency or 0) >= LOYAL_MIN_SCORE and (rfm_monetary or 0) >= LOYAL_MIN_SCORE:
        return LifecycleStage.LOYAL
    return LifecycleStage.ACTIVE


def lifecycle_stage_sql(
    orders: str, last_order: str, f: str, m: str, at_risk_days: str, lapsed_days: str, now: str
) -> str:
    """SQL CASE equal to :func:`lifecycle_stage` (parameters are SQL snippets)."""
    days = f"EXTRACT(DAY FROM ({now} - {last_order}))"
    return (
        f"CASE WHEN COALESCE({orders}, 0) = 0 OR {last_order} IS NULL THEN '{LifecycleStage.PROSPECT}' "
        f"WHEN {days} >= {lapsed_days} THEN '{LifecycleStage.LAPSED}' "
        f"WHEN {days} >= {at_risk_days} THEN '{LifecycleStage.AT_RISK}' "
        f"WHEN {orders} = 1 THEN '{LifecycleStage.NEW}' "
        f"WHEN COALESCE({f}, 0) >= {LOYAL_MIN_SCORE} AND COALESCE({m}, 0) >= {LOYAL_MIN_SCORE} "
        f"THEN '{LifecycleStage.LOYAL}' "
        f"ELSE '{LifecycleStage.ACTIVE}' END"
    )
