"""Import the store's history into the CRM (Saleor adapter).

    python manage.py crm_backfill [--batch-size 500] [--only orders] [--restart]

Customers, then orders, then checkouts, in primary-key order and in batches.
Progress is saved after every batch, so an interrupted run resumes where it
stopped; running it again changes nothing (every import is idempotent). A
full recompute runs at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone

from ...analytics.recompute import recompute_all_profiles
from ...commerce.services import mark_abandoned_checkouts
from ...configuration.services import get_configuration
from ...hosting import running_in_saleor
from ...ingestion.events import EventType
from ...ingestion.models import BackfillState
from ...ingestion.services import import_snapshots

KINDS = ("customers", "orders", "checkouts")


def _sources() -> dict[str, tuple[str, Callable[[], QuerySet], Callable[[Any], Any], str]]:
    """Kind -> (event type, queryset, snapshot builder, occurred-at attribute)."""
    from ...saleor.snapshots import (
        checkout_snapshot,
        checkouts_queryset,
        customer_snapshot,
        customers_queryset,
        order_snapshot,
        orders_queryset,
    )

    return {
        "customers": (
            EventType.CUSTOMER_IMPORTED,
            lambda: customers_queryset().filter(is_staff=False),
            customer_snapshot,
            "updated_at",
        ),
        "orders": (
            EventType.ORDER_IMPORTED,
            orders_queryset,
            order_snapshot,
            "updated_at",
        ),
        "checkouts": (
            EventType.CHECKOUT_IMPORTED,
            checkouts_queryset,
            checkout_snapshot,
            "last_change",
        ),
    }


def _duration(seconds: float) -> str:
    """``42s``, ``3m 20s``, ``2h 05m``."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


class Command(BaseCommand):
    help = "Import existing customers, orders and checkouts into the CRM (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--only", choices=KINDS, action="append", help="Import only these.")
        parser.add_argument(
            "--restart", action="store_true", help="Forget saved progress and start over."
        )
        parser.add_argument(
            "--no-recompute", action="store_true", help="Skip the full recompute at the end."
        )

    def handle(self, *args, batch_size: int, only, restart: bool, no_recompute: bool, **options):
        if not running_in_saleor():
            raise CommandError("crm_backfill reads Saleor's tables: run it in a Saleor project.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        sources = _sources()
        for kind in only or KINDS:
            event_type, queryset, build, time_attr = sources[kind]
            self._import(kind, event_type, queryset(), build, time_attr, batch_size, restart)
        if not no_recompute:
            self.stdout.write("Recomputing profiles…")
            hours = get_configuration().checkout_abandoned_after_hours
            abandoned = mark_abandoned_checkouts(after_hours=hours)
            result = recompute_all_profiles()
            self.stdout.write(
                f"Done: {result['profiles_scored']} buyers scored, "
                f"{result['stage_changes']} stage changes, {abandoned} abandoned checkouts, "
                f"{result['seconds']} s."
            )

    def _import(self, kind, event_type, queryset, build, time_attr, batch_size, restart):
        state, _ = BackfillState.objects.get_or_create(kind=kind)
        if restart or state.finished_at:
            state.cursor, state.processed, state.finished_at = "", 0, None
        if not state.cursor:
            state.started_at = timezone.now()
        self._printed_decile = -1
        remaining = queryset.filter(pk__gt=state.cursor) if state.cursor else queryset
        state.total = state.processed + remaining.count()
        state.save()
        started = time.perf_counter()
        self._resumed_at = state.processed
        for batch in self._batches(remaining, state, batch_size):
            if kind == "orders":
                batch = self._with_refunds(batch)
            import_snapshots(event_type, ((build(obj), getattr(obj, time_attr)) for obj in batch))
            state.cursor = str(batch[-1].pk)
            state.processed += len(batch)
            state.save(update_fields=["cursor", "processed", "updated_at"])
            self._progress(kind, state.processed, state.total, started)
        state.finished_at = timezone.now()
        state.save(update_fields=["finished_at", "updated_at"])
        self._progress(kind, state.processed, state.total, started, done=True)

    @staticmethod
    def _with_refunds(batch: list) -> list:
        from ...saleor.snapshots import with_refunds

        return with_refunds(batch)

    @staticmethod
    def _batches(queryset, state, size) -> Iterator[list]:
        cursor = state.cursor
        while True:
            page = queryset.order_by("pk")
            if cursor:
                page = page.filter(pk__gt=cursor)
            batch = list(page[:size])
            if not batch:
                return
            yield batch
            cursor = str(batch[-1].pk)

    def _progress(self, kind, done_count, total, started, done=False):
        width = 30
        filled = int(width * done_count / total) if total else width
        # The rate of this run (a resumed run counts from where it resumed).
        elapsed = max(time.perf_counter() - started, 1e-6)
        rate = (done_count - self._resumed_at) / elapsed
        left = max(total - done_count, 0)
        eta = "done" if done or not left else f"ETA {_duration(left / rate) if rate else '?'}"
        line = (
            f"{kind:<10} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done_count:,}/{total:,} ({rate:,.0f}/s, {eta})"
        )
        if sys.stdout.isatty():
            self.stdout.write("\r" + line, ending="\n" if done else "")
            return
        decile = done_count * 10 // total if total else 10
        if decile != self._printed_decile:  # logs get a line per 10%
            self._printed_decile = decile
            self.stdout.write(line)
