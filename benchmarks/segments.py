#!/usr/bin/env python
"""Measure segments' live counts (``segment(id) { customerCount }``) on a large store.

    python benchmarks/segments.py [--profiles 200000] [--runs 30] [--keep]

The store is the customer list benchmark's (``customer_list.fill_store``),
in a database of its own (``crm_segments_bench``, dropped and created again
each run). See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

from customer_list import MAX_PROFILES, explain, run

TARGET_P95_MS = 200.0
GRAPHQL_URL = "/plugins/global/saleor.crm/graphql/"
QUERY = "query SegmentCount($id: ID!) { segment(id: $id) { customerCount } }"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=200_000, help=f"at most {MAX_PROFILES:,}")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per rule")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database", default="crm_segments_bench", help="name of the scratch database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by an earlier --keep run (migrated, not refilled)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each count"
    )
    parser.add_argument("--only", type=int, nargs="*", help="rules to run (1-9)")
    args = parser.parse_args()
    if not 1 <= args.profiles <= MAX_PROFILES:
        parser.error(f"--profiles must be between 1 and {MAX_PROFILES:,}")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be positive and --warmup not negative")
    return args


def condition(field: str, operator: str, value: str | None = None, values=None) -> dict:
    return {
        "field": field,
        "operator": operator,
        **({"value": value} if value is not None else {}),
        **({"values": values} if values is not None else {}),
    }


def rules() -> list[tuple[str, dict]]:
    """Segments a store would keep: the demo store's catalogue (product 101,
    category 1) and channels, the fill's staff tags.
    """
    from graphql_relay import to_global_id

    product, category = to_global_id("Product", "101"), to_global_id("Category", "1")
    return [
        ("Tag newsletter (35%)", {"conditions": [condition("TAG", "EQ", "newsletter")]}),
        (
            "At risk or lapsed",
            {"conditions": [condition("LIFECYCLE_STAGE", "IN", values=["AT_RISK", "LAPSED"])]},
        ),
        (
            "Champions who spent over 200",
            {
                "conditions": [
                    condition("RFM_SEGMENT", "EQ", "CHAMPIONS"),
                    condition("TOTAL_SPENT", "GT", "200"),
                ]
            },
        ),
        (
            "Ordered in the last 30 days, DE or PL",
            {
                "conditions": [
                    condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "30"),
                    condition("COUNTRY", "IN", values=["DE", "PL"]),
                ]
            },
        ),
        (
            "Guests with 3+ orders",
            {
                "conditions": [
                    condition("ORDERS_COUNT", "GTE", "3"),
                    condition("IS_REGISTERED", "EQ", "false"),
                ]
            },
        ),
        (
            "Bought product 101, nothing for 90 days",
            {
                "conditions": [
                    condition("BOUGHT_PRODUCT", "EQ", product),
                    condition("LAST_ORDER_AT", "BEFORE_LAST_DAYS", "90"),
                ]
            },
        ),
        (
            "Category 1 or the EUR channel (ANY)",
            {
                "match": "ANY",
                "conditions": [
                    condition("BOUGHT_CATEGORY", "EQ", category),
                    condition("CHANNEL", "EQ", "channel-eur"),
                ],
            },
        ),
        (
            "b2b/wholesale and (AOV > 100 or monetary 4+)",
            {
                "conditions": [condition("TAG", "IN", values=["b2b", "wholesale"])],
                "groups": [
                    {
                        "match": "ANY",
                        "conditions": [
                            condition("AVERAGE_ORDER_VALUE", "GT", "100"),
                            condition("RFM_MONETARY", "GTE", "4"),
                        ],
                    }
                ],
            },
        ),
        (
            "First order this year, no open ticket, unrated",
            {
                "conditions": [
                    condition("FIRST_ORDER_AT", "WITHIN_LAST_DAYS", "365"),
                    condition("OPEN_TICKETS", "EQ", "0"),
                    condition("SATISFACTION", "IS_NOT_SET"),
                ]
            },
        ),
    ]


def measure(args: argparse.Namespace) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from graphql_relay import to_global_id

    from saleor_crm_plugin.marketing.models import Segment
    from saleor_crm_plugin.marketing.services import create_segment
    from tests.host.auth import issue_token

    token = issue_token(kind="staff", user_id="1", permissions=("MANAGE_USERS", "MANAGE_ORDERS"))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def request(segment_id: str) -> int:
        response = client.post(
            GRAPHQL_URL,
            json.dumps({"query": QUERY, "variables": {"id": segment_id}}),
            content_type="application/json",
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            sys.exit(f"The count query failed: {response.status_code} {body}")
        return body["data"]["segment"]["customerCount"]

    Segment.objects.all().delete()
    results = []
    for number, (label, tree) in enumerate(rules(), start=1):
        if args.only and number not in args.only:
            continue
        segment_id = to_global_id("Segment", create_segment(label, tree).pk)
        for _ in range(args.warmup):
            request(segment_id)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            count = request(segment_id)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            count = request(segment_id)
        cuts = (
            statistics.quantiles(timings, n=100, method="inclusive")
            if len(timings) > 1
            else timings * 99
        )
        result = {
            "number": number,
            "label": label,
            "count": count,
            "p50": statistics.median(timings),
            "p95": cuts[94],
            "max": max(timings),
            "queries": len(queries),
            "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        }
        results.append(result)
        print(
            f"  {number}. {label}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
        if args.explain:
            explain(connection, label, queries.captured_queries)
    return results


def report(args: argparse.Namespace, setup: dict, figures: dict, results: list[dict]) -> None:
    print()
    print(
        f"CRM segment count benchmark: {figures['profiles']:,} profiles,"
        f" {figures['order_facts']:,} orders, seed {args.seed}, {args.runs} runs"
        f" after {args.warmup} warm-ups | {figures['server']}"
        f" | Python {platform.python_version()} | {os.cpu_count()} CPUs"
    )
    if setup:
        print(
            f"Setup: generated in {setup['generate_seconds']:.1f} s,"
            f" recompute_all_profiles() {setup['recompute_seconds']:.1f} s,"
            f" indexes {setup['index_seconds']:.1f} s"
        )
    width = max(len(r["label"]) for r in results) + 4
    header = (
        f"{'Rule':<{width}} {'members':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        f" {'SQL ms':>7} {'queries':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = "PASS" if r["p95"] <= TARGET_P95_MS else "FAIL"
        print(
            f"{str(r['number']) + '. ' + r['label']:<{width}} {r['count']:>8,}"
            f" {r['p50']:>7.1f} {r['p95']:>7.1f} {r['max']:>7.1f} {r['sql_ms']:>7.1f}"
            f" {r['queries']:>7}  {verdict}"
        )
    failed = sum(r["p95"] > TARGET_P95_MS for r in results)
    print(
        f"\n{len(results) - failed} of {len(results)} within p95 <= {TARGET_P95_MS:.0f} ms;"
        f" queries per request: {sorted({r['queries'] for r in results})}"
    )


def main() -> None:
    run(parse_args(), measure, report)


if __name__ == "__main__":
    main()
