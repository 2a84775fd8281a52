"""RFM scores, RFM segments and lifecycle stages.

The rules are written once here, as tables and the SQL built from them;
:mod:`.derived` embeds that SQL for the live path and the nightly recompute
alike. ``rfm_segment`` reads the same table (for documentation and tests).
"""

from __future__ import annotations

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
