#!/usr/bin/env python
"""Measure the staff customer list (``customerProfiles``) on a large store.

    python benchmarks/customer_list.py [--profiles 200000] [--runs 30] [--keep]

Runs in a database of its own (``crm_list_bench`` on the host project's
server, dropped and created again each run), so the demo and test data are
never touched. See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from scratch import database_url, drop_database, server_url

REPO = Path(__file__).resolve().parents[1]
MAX_PROFILES = 2_000_000
TARGET_P95_MS = 100.0
GRAPHQL_URL = "/plugins/global/saleor.crm/graphql/"

# Staff tags and the share of customers carrying each (tags are staff's own,
# so nothing in the store's history produces them).
TAGS = (
    ("newsletter", 0.35),
    ("gift-buyer", 0.08),
    ("b2b", 0.03),
    ("complaint", 0.02),
    ("wholesale", 0.01),
    ("press", 0.003),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=200_000, help=f"at most {MAX_PROFILES:,}")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per combination")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="crm_list_bench", help="name of the scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure a database kept by an earlier --keep run (migrated, not refilled)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of each combination's SQL statements",
    )
    parser.add_argument("--only", type=int, nargs="*", help="combinations to run (1-10)")
    args = parser.parse_args()
    if not 1 <= args.profiles <= MAX_PROFILES:
        parser.error(f"--profiles must be between 1 and {MAX_PROFILES:,}")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be positive and --warmup not negative")
    return args


def _lookup_tables(cursor) -> None:
    """The demo store's countries, names, segments and catalogue as small
    temporary tables, so the generated customers look like its shoppers.
    """
    from tests.host import store

    countries, low = [], 0.0
    total = sum(c.weight for c in store.COUNTRIES.values())
    for code, c in store.COUNTRIES.items():
        high = low + c.weight / total
        countries.append(
            (
                code,
                low,
                high,
                c.currency,
                store.CHANNELS[c.currency],
                c.language,
                list(c.cities),
                list(c.first_names),
                list(c.last_names),
                [store._ascii(n).lower() for n in c.first_names],
                [store._ascii(n).lower() for n in c.last_names],
            )
        )
        low = high
    countries[-1] = (*countries[-1][:2], 1.0, *countries[-1][3:])
    cursor.execute(
        """
        CREATE TEMP TABLE bench_country (
            code text, lo float8, hi float8, currency text, channel text, language text,
            cities text[], first_names text[], last_names text[],
            first_ascii text[], last_ascii text[]
        )
        """
    )
    cursor.executemany(
        "INSERT INTO bench_country VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        countries,
    )
    segments, low = [], 0.0
    total = sum(s[1] for s in store.SEGMENTS)
    for name, share, account, (least, most), first, last in store.SEGMENTS:
        high = low + share / total
        segments.append((name, low, high, account, least, most, *first, *last))
        low = high
    segments[-1] = (*segments[-1][:2], 1.0, *segments[-1][3:])
    cursor.execute(
        """
        CREATE TEMP TABLE bench_segment (
            name text, lo float8, hi float8, account float8, least_orders int,
            most_orders int, first_lo float8, first_hi float8, last_lo float8, last_hi float8
        )
        """
    )
    cursor.executemany(
        "INSERT INTO bench_segment VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", segments
    )
    products, low = [], 0.0
    weights = store.CATEGORY_WEIGHTS
    for weight, category in zip(weights, store.build_catalogue(), strict=True):
        for product in category:
            variant_id, variant_name, sku, price = product.variants[0]
            high = low + weight / sum(weights) / len(category)
            products.append(
                [
                    product.product_id,
                    product.name,
                    variant_id,
                    variant_name,
                    sku,
                    product.category_id,
                    product.category_name,
                    price,
                    low,
                    high,
                ]
            )
            low = high
    products[-1][-1] = 1.0  # no gap left by rounding
    cursor.execute(
        """
        CREATE TEMP TABLE bench_product (
            product_id text, name text, variant_id text, variant_name text, sku text,
            category_id text, category_name text, price numeric, lo float8, hi float8
        )
        """
    )
    cursor.executemany(
        "INSERT INTO bench_product VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", products
    )


def secondary_indexes() -> list[tuple[type, object]]:
    """The models' declared indexes on the tables the fill writes: built
    once at the end rather than kept up to date row by row. Primary keys,
    unique constraints and foreign-key indexes (the recompute reads by
    them) stay.
    """
    from saleor_crm_plugin.models import CustomerProfile, OrderFact, OrderLineFact, TimelineEvent

    return [
        (model, index)
        for model in (CustomerProfile, OrderFact, OrderLineFact, TimelineEvent)
        for index in model._meta.indexes
        # Since migration 0013 the (profile, …) indexes are the foreign
        # keys' only ones: without them the recompute scans every order for
        # each chunk of profiles (a 200,000-profile fill did not finish).
        if not (index.fields and index.fields[0] == "profile")
    ]


def fill_store(profiles: int, seed: int) -> dict[str, float]:
    """Customers, their accounts, orders and lines, written set-based
    (``INSERT … SELECT … generate_series``); then the CRM's own full
    recompute derives every profile's figures, RFM and stage from the facts.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
    from tests.host import store

    with connection.schema_editor() as editor:
        for model, index in secondary_indexes():
            editor.remove_index(model, index)

    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    params = {
        "n": profiles,
        "seed": seed,
        "now": now,
        "domains": list(store.EMAIL_DOMAINS),
        "history": store.HISTORY_DAYS,
        "growth": store.GROWTH,
        "cancelled": store.CANCELLED,
        "refunded": store.REFUNDED,
        "eur_per_usd": store.EUR_PER_USD,
        "usd_fee": store.SHIPPING["USD"][0],
        "usd_free": store.SHIPPING["USD"][1],
        "eur_fee": store.SHIPPING["EUR"][0],
        "eur_free": store.SHIPPING["EUR"][1],
        "password": "!",  # an unusable password, as make_password(None) gives
        **{f"tag_{i}": name for i, (name, _) in enumerate(TAGS)},
        **{f"share_{i}": share for i, (_, share) in enumerate(TAGS)},
    }
    tags_sql = ", ".join(
        f"CASE WHEN random() < %(share_{i})s THEN %(tag_{i})s END" for i in range(len(TAGS))
    )
    with transaction.atomic(), connection.cursor() as cursor:
        execute = cursor.execute

        def timed(sql, params=None):
            # Each generating statement's time, as the fill goes.
            started = time.perf_counter()
            execute(sql, params)
            what = " ".join(sql.split())[:48]
            print(f"  {time.perf_counter() - started:6.1f} s  {what}", file=sys.stderr, flush=True)

        cursor.execute = timed
        cursor.execute("SELECT setseed(%s)", [((seed * 7919) % 10_000) / 10_000])
        _lookup_tables(cursor)
        # One row per shopper: who they are and the shape of their history
        # (the demo store's segments: order count, first and last order).
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_people AS
            WITH draws AS MATERIALIZED (
                SELECT i, random() AS rc, random() AS rs, random() AS rn1, random() AS rn2,
                       random() AS rform, random() AS rdom, random() AS rcity,
                       random() AS racc, random() AS rcount, random() AS rfirst,
                       random() AS rlast, random() AS rreg, random() AS rcat
                FROM generate_series(1, %(n)s) i
            ),
            people AS (
                SELECT d.i, md5(%(seed)s::text || '-' || d.i)::uuid AS id,
                       c.code AS country, c.currency, c.channel, c.language,
                       c.cities[1 + floor(d.rcity * cardinality(c.cities))::int] AS city,
                       1 + floor(d.rn1 * cardinality(c.first_names))::int AS fi,
                       1 + floor(d.rn2 * cardinality(c.last_names))::int AS li,
                       c.first_names, c.last_names, c.first_ascii, c.last_ascii,
                       d.rform, d.rdom, d.rcat,
                       d.racc < s.account AS has_account,
                       s.least_orders + floor(d.rcount * (s.most_orders - s.least_orders + 1))::int
                           AS orders,
                       s.first_lo + (s.first_hi - s.first_lo) * power(d.rfirst, %(growth)s)
                           AS first_days,
                       s.last_lo + (s.last_hi - s.last_lo) * d.rlast AS last_days,
                       d.rreg
                FROM draws d
                JOIN bench_country c ON d.rc >= c.lo AND d.rc < c.hi
                JOIN bench_segment s ON d.rs >= s.lo AND d.rs < s.hi
            )
            SELECT p.i, p.id, p.country, p.currency, p.channel, p.language, p.city,
                   p.first_names[p.fi] AS first_name, p.last_names[p.li] AS last_name,
                   CASE WHEN p.rform < 0.45 THEN p.first_ascii[p.fi] || '.' || p.last_ascii[p.li]
                        WHEN p.rform < 0.75 THEN p.first_ascii[p.fi] || left(p.last_ascii[p.li], 1)
                        ELSE p.first_ascii[p.fi] END
                   || p.i || '@'
                   || (%(domains)s::text[])[1 + floor(p.rdom * cardinality(%(domains)s::text[]))::int]
                       AS email,
                   CASE WHEN p.has_account THEN p.i END AS user_id,
                   p.orders, p.first_days, LEAST(p.last_days, p.first_days) AS last_days,
                   -- Two favourite categories' worth of buying: one product
                   -- range the shopper returns to.
                   p.rcat,
                   CASE WHEN NOT p.has_account THEN NULL
                        WHEN p.orders = 0
                        THEN %(now)s - make_interval(secs => p.rreg * %(history)s * 86400)
                        ELSE %(now)s - make_interval(secs => p.first_days * 86400
                                                             + 600 + p.rreg * 30 * 86400)
                   END AS registered_at,
                   array_remove(ARRAY[{tags_sql}]::varchar[], NULL) AS tags
            FROM people p
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO auth_user (id, password, is_superuser, username, first_name,
                                   last_name, email, is_staff, is_active, date_joined)
            SELECT user_id, %(password)s, FALSE, 'crm-bench-' || i, first_name, last_name,
                   email, FALSE, TRUE, registered_at
            FROM bench_people WHERE user_id IS NOT NULL
            """,
            params,
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('auth_user', 'id'),"
            " (SELECT COALESCE(MAX(id), 1) FROM auth_user))"
        )
        # Guests are located by their orders (the recompute does that);
        # account holders by their account's address.
        cursor.execute(
            """
            INSERT INTO saleor_crm_customerprofile (
                id, email, user_id, first_name, last_name, language_code, country, city,
                first_seen_at, account_created_at, orders_count, total_spent,
                average_order_value, reporting_currency, spend_by_currency, channels,
                favourite_products, favourite_categories, lifecycle_stage, rfm_segment,
                tags, note, satisfaction_count, search_document, created_at, updated_at
            )
            SELECT id, email, user_id, first_name, last_name, language,
                   CASE WHEN user_id IS NOT NULL THEN country ELSE '' END,
                   CASE WHEN user_id IS NOT NULL THEN city ELSE '' END,
                   LEAST(COALESCE(registered_at, 'infinity'),
                         %(now)s - make_interval(secs => first_days * 86400)),
                   registered_at, 0, 0, 0, '', '{}', '{}', '[]', '[]', 'prospect', '', tags,
                   '', 0, lower(concat_ws(' ', email, first_name, last_name, city)),
                   %(now)s, %(now)s
            FROM bench_people
            """,
            params,
        )
        # Orders: the first and the last at the planned days, the rest in
        # between; one to three lines, mostly from the shopper's range.
        cursor.execute(
            """
            CREATE TEMP TABLE bench_order AS
            SELECT 'bench-' || p.i || '-' || k AS order_id, p.i, p.id AS profile_id,
                   p.email, p.user_id, p.channel, p.currency, p.country, p.city, p.rcat,
                   %(now)s - make_interval(secs => (CASE k WHEN 1 THEN p.first_days
                                                           WHEN 2 THEN p.last_days
                                                           ELSE p.last_days + random()
                                                                * (p.first_days - p.last_days)
                                                      END) * 86400) AS placed_at,
                   1 + floor(power(random(), 2) * 3)::int AS line_count,
                   random() AS rstatus
            FROM bench_people p, generate_series(1, p.orders) k
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_line AS
            SELECT d.order_id, d.line_no, pr.*,
                   1 + floor(power(random(), 3) * 3)::int AS quantity,
                   CASE d.currency WHEN 'EUR' THEN round(pr.price * %(eur_per_usd)s, 2)
                                   ELSE pr.price END AS unit_price
            FROM (
                -- The shopper's own range two times in three, else anything.
                SELECT o.order_id, o.currency, n AS line_no,
                       CASE WHEN random() < 0.67
                            THEN (o.rcat + n * 0.013) - floor(o.rcat + n * 0.013)
                            ELSE random() END AS pick
                FROM bench_order o, generate_series(1, o.line_count) n
            ) d
            JOIN bench_product pr ON d.pick >= pr.lo AND d.pick < pr.hi
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO saleor_crm_orderfact (
                order_id, profile_id, number, email, user_id, channel, currency, status,
                charge_status, origin, total_gross, total_net, total_charged, total_refunded,
                checkout_token, country, city, placed_at, source_updated_at, paid_at,
                fulfilled_at, cancelled_at, fully_refunded_at, lines_digest, is_sale,
                net_amount, created_at, updated_at
            )
            SELECT o.order_id, o.profile_id, o.order_id, o.email, o.user_id::text, o.channel,
                   o.currency, s.status, s.charge_status, 'checkout', t.gross, t.gross,
                   t.charged, t.refunded, NULL, o.country, o.city, o.placed_at, o.placed_at,
                   CASE WHEN s.status <> 'canceled' THEN o.placed_at END,
                   CASE WHEN s.status = 'fulfilled' THEN o.placed_at + interval '2 days' END,
                   CASE WHEN s.status = 'canceled' THEN o.placed_at + interval '1 hour' END,
                   CASE WHEN s.refund = 'full' THEN o.placed_at + interval '9 days' END,
                   '', s.status <> 'canceled' AND s.refund <> 'full',
                   GREATEST(t.gross - t.refunded, 0), %(now)s, %(now)s
            FROM bench_order o
            JOIN (SELECT order_id, SUM(quantity * unit_price) AS subtotal
                  FROM bench_line GROUP BY order_id) l ON l.order_id = o.order_id
            CROSS JOIN LATERAL (
                SELECT CASE WHEN o.rstatus < %(cancelled)s THEN 'canceled'
                            WHEN o.placed_at > %(now)s - interval '3 days' THEN 'unfulfilled'
                            ELSE 'fulfilled' END AS status,
                       CASE WHEN o.rstatus < %(cancelled)s THEN 'none' ELSE 'full' END
                           AS charge_status,
                       CASE WHEN o.rstatus >= %(cancelled)s
                                 AND o.rstatus < %(cancelled)s + %(refunded)s / 2 THEN 'full'
                            WHEN o.rstatus >= %(cancelled)s + %(refunded)s / 2
                                 AND o.rstatus < %(cancelled)s + %(refunded)s THEN 'part'
                            ELSE 'none' END AS refund
            ) s
            CROSS JOIN LATERAL (
                SELECT l.subtotal + CASE
                           WHEN o.currency = 'EUR' AND l.subtotal < %(eur_free)s THEN %(eur_fee)s
                           WHEN o.currency <> 'EUR' AND l.subtotal < %(usd_free)s THEN %(usd_fee)s
                           ELSE 0 END AS gross
            ) g
            CROSS JOIN LATERAL (
                SELECT g.gross,
                       CASE WHEN s.status = 'canceled' THEN 0 ELSE g.gross END AS charged,
                       CASE s.refund WHEN 'full' THEN g.gross
                                     WHEN 'part' THEN round(g.gross / 3, 2) ELSE 0 END
                           AS refunded
            ) t
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO saleor_crm_orderlinefact (
                order_id, line_id, product_id, product_name, variant_id, variant_name, sku,
                category_id, category_name, quantity, unit_price_gross, total_price_gross
            )
            SELECT order_id, 'line-' || line_no, product_id, name, variant_id, variant_name,
                   sku, category_id, category_name, quantity, unit_price, quantity * unit_price
            FROM bench_line
            """
        )
        cursor.execute("SELECT COUNT(*) FROM saleor_crm_orderfact")
        (orders,) = cursor.fetchone()
        for table in ("bench_line", "bench_order", "bench_people"):
            cursor.execute(f"DROP TABLE {table}")
    with connection.cursor() as cursor:
        # Statistics for the recompute's plans, as a live store's tables have.
        cursor.execute("ANALYZE")
    generated = time.perf_counter() - started
    started = time.perf_counter()
    recompute = recompute_all_profiles(now)
    recompute_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for model, index in secondary_indexes():
            editor.add_index(model, index)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time staff browse.
        cursor.execute("VACUUM ANALYZE")
    return {
        "orders": orders,
        "generate_seconds": generated,
        "recompute_seconds": recompute_seconds,
        "index_seconds": index_seconds,
        "profiles_scored": recompute["profiles_scored"],
        "vacuum_seconds": time.perf_counter() - started,
    }


# --- The requests -------------------------------------------------------------


def combinations(now) -> list[tuple[str, dict]]:
    """Ten things staff do with the list: the Dashboard's filter bar, its
    column headers and Next button, the Overview's RFM grid and the home
    page's at-risk widget. ``after: None`` is filled in with the end cursor
    of the same query's first page.
    """
    last_order = {"field": "LAST_ORDER_AT", "direction": "DESC"}
    return [
        ("Default: last order, newest first", {"first": 20, "sortBy": last_order}),
        (
            'Search "zofia.nowak"',
            {"first": 20, "filter": {"search": "zofia.nowak"}, "sortBy": last_order},
        ),
        (
            "At risk by total spent",
            {
                "first": 50,
                "filter": {"lifecycleStages": ["AT_RISK"]},
                "sortBy": {"field": "TOTAL_SPENT", "direction": "DESC"},
            },
        ),
        (
            "RFM champions",
            {"first": 20, "filter": {"rfmSegments": ["CHAMPIONS"]}, "sortBy": last_order},
        ),
        (
            "Lapsed, second page (after)",
            {
                "first": 20,
                "filter": {"lifecycleStages": ["LAPSED"]},
                "sortBy": last_order,
                "after": None,
            },
        ),
        (
            "Country DE + tag wholesale",
            {
                "first": 20,
                "filter": {"countries": ["DE"], "tags": ["wholesale"]},
                "sortBy": last_order,
            },
        ),
        (
            "Spent 200-500, most first",
            {
                "first": 100,
                "filter": {"totalSpent": {"gte": 200, "lte": 500}},
                "sortBy": {"field": "TOTAL_SPENT", "direction": "DESC"},
            },
        ),
        (
            "10+ orders, most first",
            {
                "first": 20,
                "filter": {"ordersCount": {"gte": 10}},
                "sortBy": {"field": "ORDERS_COUNT", "direction": "DESC"},
            },
        ),
        (
            "Ordered in the last 30 days",
            {
                "first": 50,
                "filter": {"lastOrderAt": {"gte": (now - timedelta(days=30)).isoformat()}},
                "sortBy": last_order,
            },
        ),
        (
            # The Customer column sorts by email.
            "Accounts by customer A-Z",
            {
                "first": 100,
                "filter": {"isGuest": False},
                "sortBy": {"field": "EMAIL", "direction": "ASC"},
            },
        ),
    ]


def measure(args: argparse.Namespace) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.dashboard_documents import dashboard_operation
    from tests.host.auth import issue_token

    document = dashboard_operation("customer-profile-list.graphql")
    # The list's spend and order columns need MANAGE_ORDERS (since issue 8),
    # as staff who see them in the Dashboard have.
    token = issue_token(kind="staff", user_id="1", permissions=("MANAGE_USERS", "MANAGE_ORDERS"))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def request(variables: dict) -> dict:
        response = client.post(
            GRAPHQL_URL,
            json.dumps(
                {"query": document, "variables": variables, "operationName": "CustomerProfileList"}
            ),
            content_type="application/json",
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            sys.exit(f"The list query failed: {response.status_code} {body}")
        return body["data"]["customerProfiles"]

    results = []
    for number, (label, variables) in enumerate(combinations(timezone.now()), start=1):
        if args.only and number not in args.only:
            continue
        if "after" in variables:
            first_page = request({k: v for k, v in variables.items() if k != "after"})
            variables = {**variables, "after": first_page["pageInfo"]["endCursor"]}
        for _ in range(args.warmup):
            request(variables)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            page = request(variables)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            page = request(variables)
        cuts = (
            statistics.quantiles(timings, n=100, method="inclusive")
            if len(timings) > 1
            else timings * 99
        )
        result = {
            "number": number,
            "label": label,
            "variables": variables,
            "size": variables.get("first"),
            "rows": len(page["edges"]),
            "total": page["totalCount"],
            "p50": statistics.median(timings),
            "p95": cuts[94],
            "max": max(timings),
            "queries": len(queries),
            "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
        }
        results.append(result)
        print(f"  {number:2d}. {label}: p95 {result['p95']:.1f} ms", file=sys.stderr, flush=True)
        if args.explain:
            explain(connection, label, queries.captured_queries)
    return results


def explain(connection, label: str, captured: list[dict]) -> None:
    print(f"\n== {label}", file=sys.stderr)
    with connection.cursor() as cursor:
        for query in captured:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"-- {query['sql']}", file=sys.stderr)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print(f"   {line}", file=sys.stderr)


def database_figures() -> dict[str, object]:
    from django.db import connection

    from saleor_crm_plugin.models import CustomerProfile, OrderFact

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), version(),"
            " pg_total_relation_size('saleor_crm_customerprofile')"
        )
        size, version, profile_table = cursor.fetchone()
    return {
        "database_bytes": size,
        "profile_table_bytes": profile_table,
        "server": version.split(" on ")[0],
        "profiles": CustomerProfile.objects.count(),
        "order_facts": OrderFact.objects.count(),
    }


def report(args: argparse.Namespace, setup: dict, figures: dict, results: list[dict]) -> None:
    print()
    print(
        f"CRM customer list benchmark: {figures['profiles']:,} profiles,"
        f" {figures['order_facts']:,} orders, seed {args.seed}, {args.runs} runs"
        f" after {args.warmup} warm-ups | {figures['server']}"
        f" | Python {platform.python_version()} | {os.cpu_count()} CPUs"
    )
    if setup:
        print(
            f"Setup: generated in {setup['generate_seconds']:.1f} s,"
            f" recompute_all_profiles() {setup['recompute_seconds']:.1f} s"
            f" ({setup['profiles_scored']:,} scored), indexes {setup['index_seconds']:.1f} s,"
            f" VACUUM ANALYZE"
            f" {setup['vacuum_seconds']:.1f} s; database"
            f" {figures['database_bytes'] / 2**20:,.0f} MiB, profiles table and indexes"
            f" {figures['profile_table_bytes'] / 2**20:,.0f} MiB"
        )
    width = max(len(r["label"]) for r in results) + 4
    header = (
        f"{'Combination':<{width}} {'first':>5} {'rows':>4} {'total':>8}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'SQL ms':>7} {'queries':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = "PASS" if r["p95"] <= TARGET_P95_MS else "FAIL"
        print(
            f"{str(r['number']) + '. ' + r['label']:<{width}} {r['size']:>5} {r['rows']:>4}"
            f" {r['total']:>8,} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['max']:>7.1f}"
            f" {r['sql_ms']:>7.1f} {r['queries']:>7}  {verdict}"
        )
    failed = sum(r["p95"] > TARGET_P95_MS for r in results)
    print(
        f"\n{len(results) - failed} of {len(results)} within p95 <= {TARGET_P95_MS:.0f} ms;"
        f" queries per request: {sorted({r['queries'] for r in results})}"
    )


def run(args: argparse.Namespace, measure, report) -> None:
    """Migrate the scratch database ``args.database`` (made afresh unless
    ``--reuse``), fill the store, ``measure(args)``, ``report(...)`` the
    results, and drop the database (unless ``--keep`` or ``--reuse``).
    Shared with ``segments.py``, which measures other requests on this store.
    """
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.host.settings")
    # DEBUG keeps a log of every query: a cost production does not pay.
    os.environ.setdefault("DEBUG", "0")
    base_url = server_url()
    os.environ["DATABASE_URL"] = database_url(base_url, args.database, recreate=not args.reuse)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from saleor_crm_plugin.configuration.services import update_configuration
    from tests.host.store import USD_PER_EUR

    setup: dict = {}
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if not args.reuse:
            update_configuration(exchange_rates={"EUR": USD_PER_EUR})
            print(f"Filling {args.profiles:,} profiles ...", file=sys.stderr, flush=True)
            setup = fill_store(args.profiles, args.seed)
        print("Measuring ...", file=sys.stderr, flush=True)
        results = measure(args)
        report(args, setup, database_figures(), results)
    finally:
        connections.close_all()
        if not args.keep and not args.reuse:
            drop_database(base_url, args.database)


def main() -> None:
    run(parse_args(), measure, report)


if __name__ == "__main__":
    main()
