"""The nightly recompute of every profile's derived figures (and after a
backfill).

The live path refreshes a profile's figures from its facts in the
transaction that changes them, so what must move at night is what depends
on the whole customer base and on the date: the RFM breakpoints, and from
them every profile's scores, RFM segment and lifecycle stage (active -> at
risk -> lapsed as time passes, each change on the timeline). The nightly
run ranks the buyers by the sales figures stored on their profiles (new
breakpoints), then rescores, with the live path's statement reading the
stored figures, only the profiles whose scores, segment or stage move.
It reads no facts.

A **full** recompute computes every figure of every profile from the facts
in one read-only pass (spend, favourites, channels, location, scores),
then refreshes the profiles whose stored figures differ, with the live
path's statement. It runs by itself when what the figures depend on
besides the facts has changed since the last full one (the formulas'
version, the reporting currency, an exchange rate: see
:func:`~.derived.figures_basis`), and on demand (``crm_recompute --full``,
to check for drift).

Refreshes walk the profiles in id order in chunks, each a short
transaction that locks its profiles first (the CRM's one lock order), so
no lock is held for long and nothing fresher is overwritten: what is
written is computed from the facts, or the figures, as committed when the
rows are held.
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
    figures_basis,
    lock_profiles,
    refresh_derived,
    rescore_candidates,
    stage_derived,
)
from .models import RFMBreakpoints

CHUNK_SIZE = 5000
STAGE = "crm_recompute_stage"


def recompute_all_profiles(
    now: datetime | None = None, *, chunk_size: int = CHUNK_SIZE, full: bool | None = None
) -> dict[str, Any]:
    """Recompute every profile: fully when ``full`` or when the figures'
    basis changed (``None``: decide), else rescore. Returns figures for
    logs and benchmarks.
    """
    now = now or timezone.now()
    config = get_configuration()
    started = time.perf_counter()
    basis = figures_basis(config)
    if full is None:
        previous = RFMBreakpoints.objects.filter(pk=RFMBreakpoints.SINGLETON_PK).first()
        full = previous is None or previous.figures_basis != basis
    staged = 0
    with writer():
        if full:
            with transaction.atomic():
                breakpoints = compute_breakpoints(config, now, basis=basis)
                # The staged table lives for this transaction only (ON COMMIT DROP).
                staged = stage_derived(STAGE, config=config, breakpoints=breakpoints, now=now)
                todo = drifted(STAGE, currency=config.reporting_currency)
                with connection.cursor() as cursor:  # now, also inside a caller's transaction
                    cursor.execute(f"DROP TABLE {STAGE}")
            stage_changes, chunks = _refresh(todo, chunk_size, config, breakpoints, now)
            rescored: list = []
        else:
            with transaction.atomic():
                breakpoints = compute_breakpoints(config, now, stored=True)
                rescored = rescore_candidates(config=config, breakpoints=breakpoints, now=now)
            todo = []
            stage_changes, chunks = _refresh(
                rescored, chunk_size, config, breakpoints, now, stored=True
            )
    return {
        "full": full,
        "profiles_scored": breakpoints.profiles_scored,
        "profiles_staged": staged,
        "profiles_refreshed": len(todo),
        "profiles_rescored": len(rescored),
        "stage_changes": stage_changes,
        "chunks": chunks,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _refresh(
    ids: list, chunk_size: int, config: Any, breakpoints: Any, now: datetime, stored: bool = False
) -> tuple[int, int]:
    """Refresh ``ids`` in locked chunks; returns (stage changes, chunks)."""
    stage_changes = chunks = 0
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            locked = lock_profiles(ids[start : start + chunk_size])
            stage_changes += refresh_derived(
                locked, config=config, breakpoints=breakpoints, now=now, stored=stored
            )
        chunks += 1
    return stage_changes, chunks
