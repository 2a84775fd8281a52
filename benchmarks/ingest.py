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
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
MAX_ORDERS = 1_000_000
PROGRESS_SECONDS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help=f"at most {MAX_ORDERS:,}")
    parser.add_argument("--batch", type=int, default=1000, help="events per sweeper call")
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
    return args


def server_url() -> str:
    """The server the host project uses: DATABASE_URL's, else the embedded one."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    from tests.host.database import embedded_database_url

    return embedded_database_url()


def recreate_database(base_url: str, name: str) -> str:
    """Drop and create ``name`` beside the host's database; returns its URL."""
    import psycopg
    from psycopg import sql

    parts = urlparse(base_url)
    if parts.path.lstrip("/") == name:
        sys.exit(f"Refusing to drop {name!r}: it is the host project's own database.")
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return parts._replace(path=f"/{name}").geturl()


def drop_database(base_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def progress(label: str, done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0
    print(f"  {label}: {done:,} / {total:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)


def record(orders: int, seed: int) -> dict[str, float]:
    """Record every order as the store hook would, timing only the hook."""
    from saleor_crm_plugin.ingestion.services import record_event
    from tests.host.store import generate_orders

    latencies = array("d")
    generating = 0.0
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
        record_event(event_type, snapshot, occurred_at=occurred_at, dispatch=False)
        t2 = time.perf_counter()
        latencies.append(t2 - t1)
        if t2 - last_report > PROGRESS_SECONDS:
            progress("recorded", len(latencies), orders, started)
            last_report = t2
    recording = sum(latencies)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {
        "generate_seconds": generating,
        "record_seconds": recording,
        "record_p50_ms": cuts[49] * 1000,
        "record_p95_ms": cuts[94] * 1000,
        "record_p99_ms": cuts[98] * 1000,
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


def database_figures() -> dict[str, object]:
    from django.db import connection

    from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
    from saleor_crm_plugin.models import CustomerProfile, OrderFact, TimelineEvent

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), version()")
        size, version = cursor.fetchone()
    return {
        "database_bytes": size,
        "server": version.split(" on ")[0],
        "profiles": CustomerProfile.objects.count(),
        "order_facts": OrderFact.objects.count(),
        "timeline_events": TimelineEvent.objects.count(),
        "unprocessed": InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).count(),
    }


def report(args: argparse.Namespace, figures: dict) -> None:
    orders = args.orders
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("Orders (order_created events)", f"{orders:,}"),
        ("Profiles created", f"{figures['profiles']:,}"),
        ("Generate snapshots", f"{orders / figures['generate_seconds']:,.0f} /s"),
        (
            "Record (hook cost)",
            f"{orders / figures['record_seconds']:,.0f} events/s"
            f" in {figures['record_seconds']:,.1f} s",
        ),
        (
            "  latency p50 / p95 / p99",
            f"{figures['record_p50_ms']:.2f} / {figures['record_p95_ms']:.2f}"
            f" / {figures['record_p99_ms']:.2f} ms",
        ),
        (
            "Process (sweeper)",
            f"{figures['processed'] / figures['process_seconds']:,.0f} events/s"
            f" in {figures['process_seconds']:,.1f} s",
        ),
        (
            "  per event",
            f"{figures['process_seconds'] / max(figures['processed'], 1) * 1000:.2f} ms",
        ),
        ("  failed / left unprocessed", f"{figures['failed']:,} / {figures['unprocessed']:,}"),
        ("recompute_all_profiles()", f"{figures['recompute']['seconds']:.2f} s"),
        ("  profiles scored", f"{figures['recompute']['profiles_scored']:,}"),
        ("Migrate fresh database", f"{figures['migrate_seconds']:.1f} s"),
        ("Database size", f"{figures['database_bytes'] / 2**20:,.0f} MiB"),
        ("Peak RSS (this process)", f"{peak_rss_mb:,.0f} MiB"),
    ]
    width = max(len(label) for label, _ in rows)
    print()
    print(
        f"CRM ingestion benchmark: {orders:,} orders, batch {args.batch:,}, seed {args.seed}"
        f" | {figures['server']} | Python {platform.python_version()}"
        f" | {os.cpu_count()} CPUs"
    )
    print(f"{'Figure':<{width}}  Value")
    print(f"{'-' * width}  {'-' * 28}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if figures["order_facts"] != orders:
        print(f"\nWARNING: {figures['order_facts']:,} order facts for {orders:,} orders.")


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")
    # DEBUG keeps a log of every query: a cost production does not pay.
    os.environ.setdefault("DEBUG", "0")
    base_url = server_url()
    os.environ["DATABASE_URL"] = recreate_database(base_url, args.database)

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
        figures |= record(args.orders, args.seed)
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
        else:
            figures |= process(args.orders, args.batch)
        print("Recomputing ...", file=sys.stderr, flush=True)
        figures["recompute"] = recompute_all_profiles()
        figures |= database_figures()
        report(args, figures)
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(base_url, args.database)


if __name__ == "__main__":
    main()
