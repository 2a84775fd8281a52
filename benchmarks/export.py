#!/usr/bin/env python
"""Measure ``crm_export`` on a large store: a full export to a folder.

    python benchmarks/export.py [--rows 1000000] [--format jsonl|csv] [--keep]

Fills a scratch database (``crm_bench_export`` on the host project's server,
dropped and created again each run) set-based in SQL: profiles, then order
facts, their lines and timeline entries sharing ``--rows`` 3:4:3. Then runs
``tests/manage.py crm_export --output <temp folder>`` in a child process and
prints its rows, seconds, rows/s and peak RSS. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import database_url, drop_database, server_url

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="order facts + lines + timeline"
    )
    parser.add_argument("--format", default="jsonl", choices=("jsonl", "csv"))
    parser.add_argument("--database", default="crm_bench_export")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not 10 <= args.rows <= 5_000_000:
        parser.error("--rows must be between 10 and 5,000,000")
    return args


def fill(cursor, rows: int) -> dict[str, int]:
    from saleor_crm_plugin.commerce.models import OrderFact, OrderLineFact
    from saleor_crm_plugin.profiles.models import CustomerProfile, TimelineEvent

    orders, lines = rows * 3 // 10, rows * 4 // 10
    timeline = rows - orders - lines
    profiles = max(1, orders // 10)
    cursor.execute(
        f"""
        INSERT INTO {CustomerProfile._meta.db_table} (id, email, first_name, last_name,
            language_code, country, city, first_seen_at, orders_count, total_spent,
            average_order_value, reporting_currency, spend_by_currency, channels,
            favourite_products, favourite_categories, lifecycle_stage, rfm_segment, tags,
            note, satisfaction_count, search_document, created_at, updated_at)
        SELECT md5('p' || g)::uuid, 'shopper' || g || '@example.com', 'Ann', 'Lee', 'en',
            'PL', 'Wrocław', now() - interval '2 years', 10, 123.450, 12.345, 'USD',
            '{{"USD": {{"orders": 10, "total": "123.45"}}}}', ARRAY['default-channel'],
            '[]', '[]', 'ACTIVE', 'loyal', ARRAY['newsletter'], '', 0, '',
            now() - interval '1 day', now() - interval '1 day'
        FROM generate_series(1, %s) g
        """,
        [profiles],
    )
    cursor.execute(
        f"""
        INSERT INTO {OrderFact._meta.db_table} (order_id, profile_id, number, email, channel,
            currency, status, charge_status, origin, total_gross, total_net, total_charged,
            total_refunded, country, city, placed_at, source_updated_at, lines_digest, is_sale,
            net_amount, created_at, updated_at)
        SELECT 'order-' || g, md5('p' || (g %% %s + 1))::uuid, g::text,
            'shopper' || (g %% %s + 1) || '@example.com', 'default-channel', 'USD', 'fulfilled',
            'full', 'checkout', 12.345 + g %% 100, 12.345, 12.345, 0, 'PL', 'Wrocław',
            now() - g * interval '1 minute', now(), '', true, 12.345, now() - interval '1 day',
            now() - interval '1 day'
        FROM generate_series(1, %s) g
        """,
        [profiles, profiles, orders],
    )
    cursor.execute(
        f"""
        INSERT INTO {OrderLineFact._meta.db_table} (order_id, line_id, product_id, product_name,
            variant_id, variant_name, sku, category_id, category_name, quantity,
            unit_price_gross, total_price_gross)
        SELECT 'order-' || (g %% %s + 1), 'line-' || g, 'product-' || g %% 50,
            'Espresso beans ' || g %% 50, 'variant-' || g %% 50, '1 kg', 'SKU-' || g %% 50,
            'category-coffee', 'Coffee', 1 + g %% 3, 9.990, 9.990 * (1 + g %% 3)
        FROM generate_series(1, %s) g
        """,
        [orders, lines],
    )
    cursor.execute(
        f"""
        INSERT INTO {TimelineEvent._meta.db_table} (profile_id, type, occurred_at, object_type,
            object_id, data, created_at)
        SELECT md5('p' || (g %% %s + 1))::uuid, 'order_placed', now() - g * interval '1 minute',
            'order', 'order-' || g, jsonb_build_object('number', g::text, 'total', '12.35'),
            now() - interval '1 day'
        FROM generate_series(1, %s) g
        """,
        [profiles, timeline],
    )
    cursor.execute("ANALYZE")
    return {"profiles": profiles, "orders": orders, "order_lines": lines, "timeline": timeline}


def export(fmt: str, folder: str, *extra: str):
    command = [sys.executable, str(REPO / "tests/manage.py"), "crm_export"]
    command += ["--format", fmt, "--output", folder, *extra]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    size = sum(path.stat().st_size for path in Path(folder).iterdir())
    return done, seconds, size


def rows_of(stdout: str) -> int:
    return sum(int(line.split(": ")[1].split()[0]) for line in stdout.splitlines()[:-1])


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")
    os.environ.setdefault("DEBUG", "0")
    base_url = server_url()
    os.environ["DATABASE_URL"] = database_url(base_url, args.database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        call_command("migrate", verbosity=0, interactive=False)
        print(f"Filling {args.rows:,} rows ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            filled = fill(cursor, args.rows)
        print(f"  filled in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        connections.close_all()
        with tempfile.TemporaryDirectory(prefix="crm-export-") as folder:
            done, seconds, size = export(args.format, folder)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        exported = rows_of(done.stdout)
        print(f"filled: {filled}")
        print(
            f"full export: {exported:,} rows ({size / 1e6:,.0f} MB of {args.format}) in "
            f"{seconds:.1f} s = {exported / seconds:,.0f} rows/s; peak RSS "
            f"{peak_kib / 1024:.0f} MiB; target {args.rows:,} rows in "
            f"{TARGET_SECONDS:.0f} s: {'met' if seconds < TARGET_SECONDS else 'MISSED'}"
        )
        # The nightly run: 1% of the orders changed since the full export (the fill's
        # rows are a day old, older than the cursor's mark less the overlap).
        cursor_text = done.stdout.splitlines()[-1]
        changed = max(1, filled["orders"] // 100)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE saleor_crm_orderfact SET status = 'refunded', updated_at = now() "
                "WHERE order_id IN (SELECT 'order-' || g FROM generate_series(1, %s) g)",
                [changed],
            )
        connections.close_all()
        with tempfile.TemporaryDirectory(prefix="crm-export-") as folder:
            done, seconds, _size = export(args.format, folder, "--since", cursor_text)
        print(
            f"incremental export after {changed:,} orders changed: {rows_of(done.stdout):,} "
            f"rows in {seconds:.1f} s"
        )
        load = os.getloadavg()
        print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(base_url, args.database)


if __name__ == "__main__":
    main()
