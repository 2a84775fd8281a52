"""Full recompute of every profile's derived figures (nightly, and after a
backfill).

It re-ranks RFM across the whole customer base (new breakpoints), then
walks all profiles in id order in chunks, each a short transaction that
locks its profiles and refreshes them with :func:`refresh_derived`, the
same statement the live path runs. So it corrects any drift, moves
customers between lifecycle stages as time passes (active -> at risk ->
lapsed, each change on the timeline), holds no lock for long, and never
overwrites a fresher incremental result: each chunk computes from the facts
as committed when it holds the rows.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..configuration.services import get_configuration
from ..hosting import writer
from .derived import PROFILE, compute_breakpoints, lock_profiles, refresh_derived

CHUNK_SIZE = 5000


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
        last = None
        chunks = stage_changes = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {PROFILE} WHERE %(last)s::uuid IS NULL OR id > %(last)s::uuid"
                    " ORDER BY id LIMIT %(size)s",
                    {"last": last, "size": chunk_size},
                )
                ids = [row[0] for row in cursor.fetchall()]
                if not ids:
                    break
                locked = lock_profiles(ids)
                stage_changes += refresh_derived(
                    locked, config=config, breakpoints=breakpoints, now=now
                )
            last = str(ids[-1])
            chunks += 1
    return {
        "profiles_scored": breakpoints.profiles_scored,
        "stage_changes": stage_changes,
        "chunks": chunks,
        "seconds": round(time.perf_counter() - started, 3),
    }
