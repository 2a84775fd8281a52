"""Full recompute of every profile's derived figures (nightly, and after a
backfill).

It re-ranks RFM across the whole customer base (new breakpoints), computes
every profile's figures in one set-based, read-only pass into a temporary
table (hash joins over the facts, no locks), and picks the profiles whose
stored figures differ from the staged ones (or that are newer). Those it
walks in id order in chunks, each a short transaction that locks its
profiles and refreshes them with :func:`refresh_derived`, the statement the
live path runs. So it corrects any drift, moves customers between lifecycle
stages as time passes (active -> at risk -> lapsed, each change on the
timeline), holds no lock for long, and never overwrites a fresher
incremental result: what it writes is computed from the facts as committed
when it holds the rows. Facts that change after the pass are the live
path's to apply.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..configuration.services import get_configuration
from ..hosting import writer
from .derived import (
    compute_breakpoints,
    drifted,
    lock_profiles,
    refresh_derived,
    stage_derived,
)

CHUNK_SIZE = 5000
STAGE = "crm_recompute_stage"


def recompute_all_profiles(
    now: datetime | None = None, *, chunk_size: int = CHUNK_SIZE
) -> dict[str, Any]:
    """Recompute every profile. Returns figures for logs and benchmarks."""
    now = now or timezone.now()
    config = get_configuration()
    started = time.perf_counter()
    with writer():
        with transaction.atomic():
            breakpoints = compute_breakpoints(config, now)
        with transaction.atomic():
            # The staged table lives for this transaction only (ON COMMIT DROP).
            staged = stage_derived(STAGE, config=config, breakpoints=breakpoints, now=now)
            todo = drifted(STAGE, currency=config.reporting_currency)
            with connection.cursor() as cursor:  # now, also inside a caller's transaction
                cursor.execute(f"DROP TABLE {STAGE}")
        chunks = stage_changes = 0
        for start in range(0, len(todo), chunk_size):
            with transaction.atomic():
                locked = lock_profiles(todo[start : start + chunk_size])
                stage_changes += refresh_derived(
                    locked, config=config, breakpoints=breakpoints, now=now
                )
            chunks += 1
    return {
        "profiles_scored": breakpoints.profiles_scored,
        "profiles_staged": staged,
        "profiles_refreshed": len(todo),
        "stage_changes": stage_changes,
        "chunks": chunks,
        "seconds": round(time.perf_counter() - started, 3),
    }
