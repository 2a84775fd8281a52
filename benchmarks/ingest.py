#!/usr/bin/env python
"""Measure the CRM's ingestion path on a generated order history.

    python benchmarks/ingest.py [--orders 100000] [--batch 1000] [--keep]

Runs in a database of its own (``crm_bench`` on the host project's server,
dropped and created again each run), so the demo and test data are never
touched. See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from array import array
from pathlib import Path

from scratch import database_url, drop_database, server_url

REPO = Path(__file__).resolve().parents[1]
MAX_ORDERS = 1_000_000
PROGRESS_SECONDS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help=f"at most {MAX_ORDERS:,}")
    parser.add_argument("--batch", type=int, default=1000, help="events per sweeper call")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="events applied per transaction (SALEOR_CRM_BATCH_SIZE; default: the setting's)",
    )
    parser.add_argument(
        "--record-sample",
        type=int,
        default=10_000,
        help="orders recorded one per transaction and timed; the rest are stored "
        "1,000 per statement, as a request's hooks are (default 10,000)",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--sustain",
        type=int,
        default=100,
        help="after the backlog, feed this many events/s to one worker and measure "
        "commit-to-profile latency (0: skip)",
    )
    parser.add_argument("--sustain-seconds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="crm_bench", help="name of the scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile", action="store_true", help="print where processing spends its time (cProfile)"
    )
    args = parser.parse_args()
    if not 1 <= args.orders <= MAX_ORDERS:
        parser.error(f"--orders must be between 1 and {MAX_ORDERS:,}")
    if args.batch < 1:
        parser.error("--batch must be positive")
    if args.batch_size is not None and args.batch_size < 1:
        parser.error("--batch-size must be positive")
    return args


def progress(label: str, done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0
    print(f"  {label}: {done:,} / {total:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)


def record(orders: int, seed: int, sample: int) -> dict[str, float]:
    """Record every order: the first ``sample`` one per transaction, as an
    inbound integration does, timing each call; the rest 1,000 per
    statement, as one request's hooks are written (timed in total).
    """
    from django.db import transaction

    from saleor_crm_plugin.ingestion.recorder import PendingObject, write_events
    from saleor_crm_plugin.ingestion.services import record_event
    from tests.host.store import generate_orders

    latencies = array("d")
    generating = bulk_seconds = 0.0
    bulk_count = 0
    chunk: list = []

    def flush() -> None:
        nonlocal bulk_seconds, bulk_count
        t0 = time.perf_counter()
        with transaction.atomic():
            write_events(chunk)
        bulk_seconds += time.perf_counter() - t0
        bulk_count += len(chunk)
        chunk.clear()

    started = last_report = time.perf_counter()
    events = generate_orders(orders, seed=seed)
    while True:
        t0 = time.perf_counter()
        item = next(events, None)
        t1 = time.perf_counter()
        generating += t1 - t0
        if item is None:
            break
        event_type, snapshot, occurred_at = item
        if len(latencies) < sample:
            record_event(event_type, snapshot, occurred_at=occurred_at, dispatch=False)
            latencies.append(time.perf_counter() - t1)
        else:
            chunk.append(
                PendingObject(
                    object_type="order",
                    object_id=snapshot.order_id,
                    occurred_at=occurred_at,
                    announced=[event_type],
                    snapshot=snapshot,
                )
            )
            if len(chunk) == 1000:
                flush()
        if time.perf_counter() - last_report > PROGRESS_SECONDS:
            progress("recorded", len(latencies) + bulk_count + len(chunk), orders, started)
            last_report = time.perf_counter()
    if chunk:
        flush()
    recording = sum(latencies)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {
        "generate_seconds": generating,
        "recorded_one_by_one": len(latencies),
        "record_bulk_count": bulk_count,
        "record_bulk_seconds": bulk_seconds,
        "record_seconds": recording,
        "record_p50_ms": cuts[49] * 1000,
        "record_p95_ms": cuts[94] * 1000,
        "record_p99_ms": cuts[98] * 1000,
    }


def _worker(batch: int, ready, go, results) -> None:
    """One worker process: drain the event log as a Celery worker would."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
    from saleor_crm_plugin.ingestion.services import process_pending_events

    InboundEvent.objects.exists()  # connected
    ready.put(os.getpid())
    go.wait()

    outcome = {"processed": 0, "failed": 0, "skipped": 0}
    while True:
        result = process_pending_events(limit=batch)
        for key, value in result.items():
            outcome[key] += value
        if not result["processed"] and not result["failed"]:
            # Nothing claimable: done, unless another worker still holds some.
            if not InboundEvent.objects.filter(status=InboundEventStatus.PENDING).exists():
                break
            time.sleep(0.05)
    results.put(outcome)


def process_in_workers(total: int, batch: int, workers: int) -> dict[str, float]:
    """Drain the event log with ``workers`` processes at once."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Queue(), context.Event(), context.Queue()
    procs = [
        context.Process(target=_worker, args=(batch, ready, go, results)) for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:  # timed from when every worker is up, as a running pool is
        ready.get()
    started = time.perf_counter()
    go.set()
    outcome = {"processed": 0, "failed": 0, "skipped": 0}
    for _ in procs:
        for key, value in results.get().items():
            outcome[key] += value
    for proc in procs:
        proc.join()
    return {"process_seconds": time.perf_counter() - started, **outcome}


def _latency_worker(stop, batch: int, windows) -> None:
    """Poll and process batches as a worker does; report when each committed."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from saleor_crm_plugin.ingestion.batch import process_batch

    calls = []
    while not stop.is_set():
        began = time.time()
        # One batch, one transaction: it has committed when the call returns.
        outcome = process_batch(batch)
        if outcome.processed:
            calls.append((began, time.time()))
        else:
            time.sleep(0.02)
    windows.put(calls)


def sustain(rate: int, seconds: int, seed: int, batch: int) -> dict[str, float]:
    """Record ``rate`` events/s for ``seconds`` while one worker processes
    them; commit-to-profile latency is from an event's commit to the commit
    of the batch that applied it.
    """
    import bisect
    import multiprocessing

    from django.db import connections

    from saleor_crm_plugin.ingestion.models import InboundEvent
    from saleor_crm_plugin.ingestion.services import record_event
    from tests.host.store import generate_orders

    connections.close_all()
    context = multiprocessing.get_context("spawn")
    stop, windows = context.Event(), context.Queue()
    worker = context.Process(target=_latency_worker, args=(stop, batch, windows))
    worker.start()
    time.sleep(3)  # let the worker start up
    committed: dict[str, float] = {}
    started = time.time()
    for index, (event_type, snapshot, at) in enumerate(
        generate_orders(rate * seconds, seed=seed + 1)
    ):
        due = started + index / rate
        if (pause := due - time.time()) > 0:
            time.sleep(pause)
        event = record_event(event_type, snapshot, occurred_at=at, dispatch=False)
        committed[str(event.pk)] = time.time()
    feed_seconds = time.time() - started
    deadline = time.time() + 60
    ids = [int(pk) for pk in committed]
    while time.time() < deadline:
        left = InboundEvent.objects.filter(pk__in=ids).exclude(processed_at=None)
        if left.count() == len(ids):
            break
        time.sleep(0.2)
    stop.set()
    calls = windows.get()
    worker.join()
    starts = [began for began, _ in calls]
    latencies = []
    for pk, processed_at in InboundEvent.objects.filter(pk__in=ids).values_list(
        "pk", "processed_at"
    ):
        if processed_at is None:
            continue
        # processed_at is when the applying call began; it committed at its end.
        index = bisect.bisect_right(starts, processed_at.timestamp() + 1e-3) - 1
        latencies.append(calls[index][1] - committed[str(pk)])
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "sustain_rate": len(ids) / feed_seconds,
        "sustain_events": len(ids),
        "sustain_applied": len(latencies),
        "latency_p50": cuts[49],
        "latency_p95": cuts[94],
        "latency_max": max(latencies, default=0.0),
    }


def process(total: int, batch: int) -> dict[str, float]:
    """Drain the event log through the sweeper's function, batch by batch."""
    from saleor_crm_plugin.ingestion.services import process_pending_events

    outcome = {"processed": 0, "failed": 0, "skipped": 0}
    started = last_report = time.perf_counter()
    while True:
        result = process_pending_events(limit=batch)
        for key, value in result.items():
            outcome[key] += value
        if not result["processed"]:
            break
        if time.perf_counter() - last_report > PROGRESS_SECONDS:
            progress("processed", outcome["processed"], total, started)
            last_report = time.perf_counter()
    return {"process_seconds": time.perf_counter() - started, **outcome}


def raw_aggregate() -> float:
    """The yardstick for the recompute: one plain per-customer aggregate
    over the same order facts (count, spend, first and last sale), written
    to a table as the recompute writes its results.
    """
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            """
            CREATE TEMP TABLE raw_aggregate ON COMMIT DROP AS
            SELECT profile_id, COUNT(*) AS orders, SUM(net_amount) AS spent,
                   MIN(placed_at) AS first_at, MAX(placed_at) AS last_at
            FROM saleor_crm_orderfact WHERE is_sale AND profile_id IS NOT NULL
            GROUP BY profile_id
            """
        )
        return time.perf_counter() - started


def database_figures() -> dict[str, object]:
    from django.db import connection

    from saleor_crm_plugin.conf import crm_setting
    from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
    from saleor_crm_plugin.models import CustomerProfile, OrderFact, TimelineEvent

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), version()")
        size, version = cursor.fetchone()
    return {
        "database_bytes": size,
        "server": version.split(" on ")[0],
        "batch_size": crm_setting("SALEOR_CRM_BATCH_SIZE"),
        "profiles": CustomerProfile.objects.count(),
        "order_facts": OrderFact.objects.count(),
        "timeline_events": TimelineEvent.objects.count(),
        "unprocessed": InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).count(),
    }


def _recompute(result: dict, raw_seconds: float) -> str:
    return (
        f"{result['seconds']:.2f} s = {result['seconds'] / raw_seconds:.1f} x raw"
        f" ({result['profiles_refreshed']:,} refreshed, {result['profiles_rescored']:,} rescored)"
    )


def report(args: argparse.Namespace, figures: dict) -> None:
    orders = args.orders
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("Orders (order_created events)", f"{orders:,}"),
        ("Profiles created", f"{figures['profiles']:,}"),
        ("Generate snapshots", f"{orders / figures['generate_seconds']:,.0f} /s"),
        (
            "Record, one per transaction",
            f"{figures['recorded_one_by_one'] / figures['record_seconds']:,.0f} events/s"
            f" ({figures['recorded_one_by_one']:,} in {figures['record_seconds']:,.1f} s)",
        ),
        (
            "  latency p50 / p95 / p99",
            f"{figures['record_p50_ms']:.2f} / {figures['record_p95_ms']:.2f}"
            f" / {figures['record_p99_ms']:.2f} ms",
        ),
        *(
            [
                (
                    "Record, 1,000 per statement",
                    f"{figures['record_bulk_count'] / figures['record_bulk_seconds']:,.0f}"
                    f" events/s ({figures['record_bulk_count']:,})",
                )
            ]
            if figures["record_bulk_count"]
            else []
        ),
        (
            f"Process ({args.workers} worker{'s' if args.workers > 1 else ''})",
            f"{figures['processed'] / figures['process_seconds']:,.0f} events/s"
            f" in {figures['process_seconds']:,.1f} s",
        ),
        (
            "  per event",
            f"{figures['process_seconds'] / max(figures['processed'], 1) * 1000:.2f} ms",
        ),
        ("  failed / left unprocessed", f"{figures['failed']:,} / {figures['unprocessed']:,}"),
        *(
            [
                (
                    "Sustained feed, 1 worker",
                    f"{figures['sustain_rate']:,.0f} events/s for {args.sustain_seconds} s"
                    f" ({figures['sustain_applied']:,} / {figures['sustain_events']:,} applied)",
                ),
                (
                    "  commit-to-profile p50 / p95 / max",
                    f"{figures['latency_p50'] * 1000:,.0f} / {figures['latency_p95'] * 1000:,.0f}"
                    f" / {figures['latency_max'] * 1000:,.0f} ms",
                ),
            ]
            if "sustain_rate" in figures
            else []
        ),
        *(
            (
                f"{label} ({'full' if figures[key]['full'] else 'rescore'})",
                _recompute(figures[key], figures["raw_aggregate_seconds"]),
            )
            for label, key in (
                ("Recompute after the backlog", "recompute"),
                ("Recompute, next night", "recompute_again"),
                ("Recompute --full", "recompute_full"),
            )
        ),
        ("  profiles scored", f"{figures['recompute']['profiles_scored']:,}"),
        ("Raw SQL per-customer aggregate", f"{figures['raw_aggregate_seconds']:.2f} s"),
        ("  peak RSS during recompute", f"{figures['recompute_rss_mb']:,.0f} MiB"),
        ("Migrate fresh database", f"{figures['migrate_seconds']:.1f} s"),
        ("Database size", f"{figures['database_bytes'] / 2**20:,.0f} MiB"),
        ("Peak RSS (this process)", f"{peak_rss_mb:,.0f} MiB"),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    print(
        f"CRM ingestion benchmark: {orders:,} orders, sweeper call {args.batch:,},"
        f" batch size {figures['batch_size']:,}, seed {args.seed}"
        f" | {figures['server']} | Python {platform.python_version()}"
        f" | {os.cpu_count()} CPUs"
    )
    print(f"{'Figure':<{width}}  Value")
    print(f"{'-' * width}  {'-' * 28}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    expected = orders + figures.get("sustain_events", 0)
    if figures["order_facts"] != expected:
        print(f"\nWARNING: {figures['order_facts']:,} order facts for {expected:,} orders.")


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")
    # DEBUG keeps a log of every query: a cost production does not pay.
    os.environ.setdefault("DEBUG", "0")
    if args.batch_size is not None:  # read by tests.host.settings, here and in the workers
        os.environ["SALEOR_CRM_BATCH_SIZE"] = str(args.batch_size)
    base_url = server_url()
    os.environ["DATABASE_URL"] = database_url(base_url, args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
    from saleor_crm_plugin.configuration.services import update_configuration
    from tests.host.store import USD_PER_EUR

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        figures: dict = {"migrate_seconds": time.perf_counter() - started}
        update_configuration(exchange_rates={"EUR": USD_PER_EUR})

        print(f"Recording {args.orders:,} orders ...", file=sys.stderr, flush=True)
        figures |= record(args.orders, args.seed, args.record_sample)
        print("Processing ...", file=sys.stderr, flush=True)
        if args.profile:
            import cProfile
            import pstats
            from collections import defaultdict

            from django.db import connection

            spent: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

            def timed(execute, sql, params, many, context):
                t0 = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    key = " ".join(sql.split())[:90]
                    spent[key][0] += 1
                    spent[key][1] += time.perf_counter() - t0

            profiler = cProfile.Profile()
            with connection.execute_wrapper(timed):
                figures |= profiler.runcall(process, args.orders, args.batch)
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(25)
            # The CRM's own functions, by time spent in them and what they call.
            stats.sort_stats("cumulative").print_stats("saleor_crm_plugin", 25)
            print("SQL by time (calls, seconds):", file=sys.stderr)
            for key, (calls, seconds) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:15]:
                print(f"  {calls:5d} {seconds:7.2f}s  {key}", file=sys.stderr)
        elif args.workers > 1:
            figures |= process_in_workers(args.orders, args.batch, args.workers)
        else:
            figures |= process(args.orders, args.batch)
        unprocessed_backlog = database_figures()["unprocessed"]
        if args.sustain:
            print(
                f"Sustained feed: {args.sustain}/s for {args.sustain_seconds} s ...",
                file=sys.stderr,
                flush=True,
            )
            figures |= sustain(args.sustain, args.sustain_seconds, args.seed, args.batch)
        print("Recomputing ...", file=sys.stderr, flush=True)
        figures["recompute"] = recompute_all_profiles()
        # Again, as the next night finds it: breakpoints settled, little drift.
        figures["recompute_again"] = recompute_all_profiles()
        # Every figure from the facts, as after an upgrade (crm_recompute --full).
        figures["recompute_full"] = recompute_all_profiles(full=True)
        figures["recompute_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["raw_aggregate_seconds"] = raw_aggregate()
        figures |= database_figures()
        figures["unprocessed"] = max(figures["unprocessed"], unprocessed_backlog)
        report(args, figures)
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(base_url, args.database)


if __name__ == "__main__":
    main()
