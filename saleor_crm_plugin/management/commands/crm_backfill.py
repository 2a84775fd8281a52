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


def _sources() -> dict[str, tuple[str, Callable[[], QuerySet], Callable[[list], list]]]:
    """Kind -> (event type, queryset of what to import, loader: primary keys
    -> [(snapshot, occurred at)] in key order).
    """
    from ...saleor.snapshots import (
        checkout_snapshot,
        checkouts_queryset,
        consent_metadata_key,
        customer_snapshot,
        customers_queryset,
        order_snapshots,
        orders_queryset,
    )

    def customers(pks):
        key = consent_metadata_key()
        users = customers_queryset().filter(pk__in=pks).order_by("pk")
        return [(customer_snapshot(user, key), user.updated_at) for user in users]

    def orders(pks):
        key = consent_metadata_key()
        snapshots = order_snapshots(orders_queryset().filter(pk__in=pks), key)
        return [(s, s.updated_at) for s in (snapshots.get(str(pk)) for pk in pks) if s]

    def checkouts(pks):
        key = consent_metadata_key()
        found = checkouts_queryset().filter(pk__in=pks).order_by("pk")
        return [(checkout_snapshot(checkout, key), checkout.last_change) for checkout in found]

    return {
        "customers": (
            EventType.CUSTOMER_IMPORTED,
            lambda: customers_queryset().filter(is_staff=False),
            customers,
        ),
        "orders": (EventType.ORDER_IMPORTED, orders_queryset, orders),
        "checkouts": (EventType.CHECKOUT_IMPORTED, checkouts_queryset, checkouts),
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
            event_type, queryset, load = sources[kind]
            self._import(kind, event_type, queryset(), load, batch_size, restart)
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

    def _import(self, kind, event_type, queryset, load, batch_size, restart):
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
            import_snapshots(event_type, load(batch))
            state.cursor = str(batch[-1])
            state.processed += len(batch)
            state.save(update_fields=["cursor", "processed", "updated_at"])
            self._progress(kind, state.processed, state.total, started)
        state.finished_at = timezone.now()
        state.save(update_fields=["finished_at", "updated_at"])
        self._progress(kind, state.processed, state.total, started, done=True)

    @staticmethod
    def _batches(queryset, state, size) -> Iterator[list]:
        """Primary keys in key order, ``size`` at a time (a keyset walk)."""
        cursor = state.cursor
        keys = queryset.order_by("pk").values_list("pk", flat=True)
        while True:
            page = keys.filter(pk__gt=cursor) if cursor else keys
            batch = list(page[:size])
            if not batch:
                return
            yield batch
            cursor = str(batch[-1])

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
