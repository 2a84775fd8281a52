"""Derived figures of profiles, computed from the CRM's facts in SQL.

The one place these formulas live: orders count, spend in the reporting
currency and per currency, average order value, first/last order, channels,
what was bought, last checkout, location, favourites, RFM scores (against the stored
breakpoints), RFM segment and lifecycle stage with its timeline entry.

:func:`refresh_derived` serves both the live path (the profiles an event
batch touched) and the nightly recompute (every profile, in chunks). The
caller holds the profiles' row locks, taken in id order
(:func:`lock_profiles`), so what is written was computed from the newest
committed facts. Statements only touch rows whose values change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils.dateparse import parse_datetime

from ..bulk import uuid_array
from ..profiles.models import TimelineEventType
from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import outbox_sql, request_delivery
from .models import RFMBreakpoints
from .scoring import SCORES, lifecycle_stage_sql, segment_sql

PROFILE = "saleor_crm_customerprofile"
ORDER = "saleor_crm_orderfact"
LINE = "saleor_crm_orderlinefact"
CHECKOUT = "saleor_crm_checkoutfact"
TIMELINE = "saleor_crm_timelineevent"
PURCHASES = "saleor_crm_customerpurchases"
FAVOURITES_LIMIT = 5


def lock_profiles(ids: Sequence[UUID | str]) -> list[UUID]:
    """Lock profile rows in id order: the one global lock order of the CRM
    (event batches, recompute chunks, merges), so they never deadlock.
    """
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {PROFILE} WHERE id = ANY(%s::uuid[]) ORDER BY id FOR UPDATE",
            [uuid_array(ids)],
        )
        return [row[0] for row in cursor.fetchall()]


def _rates_cte(config: Any) -> tuple[str, dict[str, Any]]:
    rates = {**config.exchange_rates, config.reporting_currency: "1"}
    values, params = [], {}
    for index, (currency, rate) in enumerate(rates.items()):
        values.append(f"(%(currency{index})s::varchar, %(rate{index})s::numeric)")
        params[f"currency{index}"], params[f"rate{index}"] = currency, str(rate)
    return f"rates(currency, rate) AS (VALUES {', '.join(values)})", params


def customer_aggregates_sql(
    config: Any, scope: str, source: str = ORDER
) -> tuple[str, dict[str, Any]]:
    """CTEs ending in ``agg``: per profile, sales count, spend in the
    reporting currency, rated orders, first/last sale and spend per
    currency. ``scope`` is an SQL condition on the order facts ``o``, read
    from ``source`` (the table, or a CTE of the orders in scope).
    """
    rates_cte, params = _rates_cte(config)
    return (
        f"""
        {rates_cte},
        per_currency AS (
            SELECT o.profile_id, o.currency, COUNT(*) AS orders, SUM(o.net_amount) AS total,
                   MIN(o.placed_at) AS first_at, MAX(o.placed_at) AS last_at
            FROM {source} o WHERE o.is_sale AND o.profile_id IS NOT NULL AND {scope}
            GROUP BY o.profile_id, o.currency
        ),
        agg AS (
            SELECT pc.profile_id,
                   SUM(pc.orders)::int AS orders_count,
                   ROUND(COALESCE(SUM(pc.total * r.rate), 0), 3) AS total_spent,
                   COALESCE(SUM(pc.orders) FILTER (WHERE r.rate IS NOT NULL), 0) AS rated_orders,
                   MIN(pc.first_at) AS first_at, MAX(pc.last_at) AS last_at,
                   jsonb_object_agg(pc.currency, jsonb_build_object(
                       'orders', pc.orders, 'total', pc.total::text)) AS spend
            FROM per_currency pc LEFT JOIN rates r ON r.currency = pc.currency
            GROUP BY pc.profile_id
        )
        """,
        params,
    )


def _score_sql(value: str, points: str) -> str:
    """Highest score (2..5) whose threshold ``value`` reaches, else 1;
    ``points`` is a 4-element SQL array of thresholds (NULL: nobody earned it).
    """
    points = f"({points})"
    whens = " ".join(
        f"WHEN {points}[{i}] IS NOT NULL AND {value} >= {points}[{i}] THEN {score}"
        for i, score in reversed(list(enumerate(SCORES[1:], start=1)))
    )
    return f"(CASE {whens} ELSE 1 END)::smallint"


def _breakpoint_params(breakpoints: RFMBreakpoints | None) -> dict[str, Any]:
    def padded(values: list[Any], convert) -> list[Any]:
        values = list(values or [])[: len(SCORES) - 1]
        values += [None] * (len(SCORES) - 1 - len(values))
        return [convert(v) if v is not None else None for v in values]

    if breakpoints is None or breakpoints.computed_at is None:
        return {"scored": False, "bp_r": [None] * 4, "bp_f": [None] * 4, "bp_m": [None] * 4}
    return {
        "scored": True,
        "bp_r": padded(breakpoints.recency, parse_datetime),
        "bp_f": padded(breakpoints.frequency, int),
        "bp_m": padded(breakpoints.monetary, str),
    }


def _derived_sql(
    ids: list[str] | None,
    config: Any,
    breakpoints: RFMBreakpoints | None,
    now: datetime,
    *,
    stored: bool = False,
) -> tuple[str, dict[str, Any]]:
    """``WITH … target AS (…)``: the derived figures of these profiles
    (``None``: all) computed from their facts, one row per profile, with
    the parameters the statement needs. ``stored``: only the scores, RFM
    segment and lifecycle stage are computed, from the figures stored on
    the profile (the nightly rescore); the rest is kept as it is.
    """
    # The profiles in scope as a relation joined by index: a long ANY()
    # list is tested row by row, which turned chunks of the recompute into
    # scans of whole tables.
    if ids is None:
        wanted = "SELECT id FROM " + PROFILE
    else:
        wanted = "SELECT DISTINCT unnest(%(ids)s::uuid[]) AS id"
        ids = uuid_array(ids)  # type: ignore[assignment]
    # ``FROM {scan(table, alias, column)}``: the rows of ``table`` whose
    # ``column`` is a profile in scope. For some profiles, one index probe
    # per profile (the OFFSET 0 keeps the planner from turning it back into
    # a hash join over the whole table: a scan per batch grows with the
    # store); for all of them, the table.
    scan = _index_probe if ids is not None else lambda table, alias, column: f"{table} {alias}"
    aggregates, rate_params = customer_aggregates_sql(config, "TRUE", source="scoped")
    params: dict[str, Any] = {
        **rate_params,
        "ids": ids,
        "currency": config.reporting_currency,
        "now": now,
        "at_risk": config.at_risk_after_days,
        "lapsed": config.lapsed_after_days,
        "limit": FAVOURITES_LIMIT,
        "stage_changed": TimelineEventType.STAGE_CHANGED.value,
        **_breakpoint_params(breakpoints),
    }
    score = {
        "r": _score_sql("t.last_at", "%(bp_r)s::timestamptz[]"),
        "f": _score_sql("t.orders_count", "%(bp_f)s::int[]"),
        "m": _score_sql("t.total_spent", "%(bp_m)s::numeric[]"),
    }
    stage = lifecycle_stage_sql(
        "t.orders_count", "t.last_at", "t.f", "t.m", "%(at_risk)s", "%(lapsed)s", "%(now)s"
    )
    if stored:
        base = f"""
            WITH wanted AS MATERIALIZED ({wanted}),
            base AS (
                SELECT p.id, p.lifecycle_stage AS old_stage, p.lifecycle_stage_changed_at,
                       p.orders_count, p.total_spent, p.average_order_value AS aov,
                       p.spend_by_currency AS spend, p.first_order_at AS first_at,
                       p.last_order_at AS last_at, p.channels, p.last_checkout_at,
                       p.country, p.city, p.favourite_products, p.favourite_categories,
                       p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.rfm_segment
                FROM {scan(PROFILE, "p", "id")}
            ),"""
    else:
        base = _facts_base_sql(wanted, scan, aggregates, by_index=ids is not None)
    return (
        f"""{base}
            scored AS (
                SELECT t.*,
                       CASE WHEN %(scored)s AND t.orders_count > 0 THEN {score["r"]} END AS r,
                       CASE WHEN %(scored)s AND t.orders_count > 0 THEN {score["f"]} END AS f,
                       CASE WHEN %(scored)s AND t.orders_count > 0 THEN {score["m"]} END AS m
                FROM base t
            ),
            target AS (
                SELECT t.*, {segment_sql("t.r", "t.f", "t.m")} AS segment,
                       {stage} AS new_stage
                FROM scored t
            )
        """,
        params,
    )


# Average order value of an ``agg`` row ``a`` (see customer_aggregates_sql).
AVERAGE_ORDER_VALUE = (
    "CASE WHEN COALESCE(a.rated_orders, 0) > 0 "
    "THEN ROUND(a.total_spent / a.rated_orders, 3) ELSE 0 END"
)


def _index_probe(table: str, alias: str, column: str) -> str:
    """``FROM`` clause: the rows of ``table`` whose ``column`` is in
    ``wanted``, read by one index probe per wanted id.
    """
    return (
        f"wanted w CROSS JOIN LATERAL (SELECT * FROM {table} x WHERE x.{column} = w.id"
        f" OFFSET 0) {alias}"
    )


def sold_figures_sql(scoped: str, *, by_index: bool = False) -> str:
    """CTEs ``sold``, ``favourites``, ``sold_in`` and ``bought`` over the
    order facts in the relation ``scoped`` (order_id, profile_id, is_sale,
    status, channel): per profile, its favourite products and categories
    (most units, then name, at most ``%(limit)s`` each), the channels it
    ordered in and what it bought (``CustomerPurchases.items``).
    ``by_index``: ``scoped`` is a small part of the orders, so their lines
    are read by one index probe per order rather than by a join the planner
    may turn into a scan of every line.
    """
    lines = (
        f"CROSS JOIN LATERAL (SELECT * FROM {LINE} x WHERE x.order_id = o.order_id OFFSET 0) l"
        if by_index
        else f"JOIN {LINE} l ON l.order_id = o.order_id"
    )
    return f"""
            sold AS MATERIALIZED (
                SELECT o.profile_id, l.product_id, l.product_name, l.category_id,
                       l.category_name, l.quantity
                FROM {scoped} o {lines}
                WHERE o.is_sale
            ),
            -- One row per profile with both lists: joined once, by hash (a
            -- filter on a kind column made the planner loop over the CTE).
            favourites AS (
                SELECT profile_id,
                       jsonb_agg(jsonb_build_object('id', id, 'name', name, 'quantity', qty)
                                 ORDER BY rn) FILTER (WHERE kind = 'products') AS products,
                       jsonb_agg(jsonb_build_object('id', id, 'name', name, 'quantity', qty)
                                 ORDER BY rn) FILTER (WHERE kind = 'categories') AS categories
                FROM (
                    SELECT *, ROW_NUMBER() OVER (
                        PARTITION BY profile_id, kind ORDER BY qty DESC, name) AS rn
                    FROM (
                        SELECT profile_id, 'products' AS kind, product_id AS id,
                               MAX(product_name) AS name, SUM(quantity) AS qty
                        FROM sold WHERE product_id IS NOT NULL
                        GROUP BY profile_id, product_id
                        UNION ALL
                        SELECT profile_id, 'categories', category_id,
                               MAX(category_name), SUM(quantity)
                        FROM sold WHERE category_id IS NOT NULL
                        GROUP BY profile_id, category_id
                    ) grouped
                ) ranked
                WHERE rn <= %(limit)s
                GROUP BY profile_id
            ),
            sold_in AS (
                SELECT o.profile_id, array_agg(DISTINCT o.channel ORDER BY o.channel) AS channels
                FROM {scoped} o WHERE o.status <> 'draft' AND o.channel <> ''
                GROUP BY o.profile_id
            ),
            -- What segments call bought: sales only, unlike the channels above.
            bought AS (
                SELECT profile_id, array_agg(item ORDER BY item) AS purchases
                FROM (
                    SELECT profile_id, 'product:' || product_id AS item
                    FROM sold WHERE product_id IS NOT NULL
                    UNION
                    SELECT profile_id, 'category:' || category_id
                    FROM sold WHERE category_id IS NOT NULL
                    UNION
                    SELECT o.profile_id, 'channel:' || o.channel
                    FROM {scoped} o WHERE o.is_sale AND o.channel <> ''
                ) items
                GROUP BY profile_id
            )"""


def _facts_base_sql(wanted: str, scan: Any, aggregates: str, *, by_index: bool) -> str:
    """``WITH … base AS (…),``: the figures of the profiles in ``wanted``
    computed from their facts (``scan``: see :func:`_derived_sql`).
    """
    profiles, profiles_cte = PROFILE, ""
    if by_index:
        # Read first, apart: joined to the figures below, the planner would
        # probe the profiles inside the joins, once per row of each.
        profiles, profiles_cte = (
            "profiles",
            (
                "profiles AS MATERIALIZED (SELECT p.id, p.lifecycle_stage,"
                " p.lifecycle_stage_changed_at, p.erased_at, p.user_id, p.country, p.city"
                f" FROM {scan(PROFILE, 'p', 'id')}),"
            ),
        )
    return f"""
            -- The touched profiles' orders and sold lines, read once by
            -- index; every figure below is computed from these.
            WITH wanted AS MATERIALIZED ({wanted}),
            scoped AS MATERIALIZED (
                SELECT o.order_id, o.profile_id, o.currency, o.net_amount, o.placed_at,
                       o.is_sale, o.status, o.channel, o.country, o.city
                FROM {scan(ORDER, "o", "profile_id")} WHERE o.profile_id IS NOT NULL
            ),
            {aggregates},
            {sold_figures_sql("scoped", by_index=by_index)},
            located AS (
                SELECT DISTINCT ON (o.profile_id) o.profile_id, o.country, o.city
                FROM scoped o
                WHERE o.status <> 'draft' AND o.country <> ''
                ORDER BY o.profile_id, o.placed_at DESC, o.order_id DESC
            ),
            carts AS (
                SELECT k.profile_id, MAX(k.last_change) AS last_change
                FROM {scan(CHECKOUT, "k", "profile_id")} WHERE k.profile_id IS NOT NULL
                GROUP BY k.profile_id
            ),
            {profiles_cte}
            base AS (
                SELECT p.id, p.lifecycle_stage AS old_stage, p.lifecycle_stage_changed_at,
                       COALESCE(a.orders_count, 0) AS orders_count,
                       COALESCE(a.total_spent, 0) AS total_spent,
                       {AVERAGE_ORDER_VALUE} AS aov,
                       COALESCE(a.spend, '{{}}'::jsonb) AS spend,
                       a.first_at, a.last_at,
                       COALESCE(si.channels, '{{}}')::varchar[] AS channels,
                       c.last_change AS last_checkout_at,
                       -- Registered customers are where their account address
                       -- says; guests (or accounts without one) where their
                       -- last order went.
                       CASE WHEN p.erased_at IS NULL AND p.country = '' AND l.country IS NOT NULL
                                 OR p.user_id IS NULL AND p.erased_at IS NULL
                                    AND l.country IS NOT NULL
                            THEN l.country ELSE p.country END AS country,
                       CASE WHEN p.erased_at IS NULL AND p.country = '' AND l.country IS NOT NULL
                                 OR p.user_id IS NULL AND p.erased_at IS NULL
                                    AND l.country IS NOT NULL
                            THEN l.city ELSE p.city END AS city,
                       COALESCE(f.products, '[]'::jsonb) AS favourite_products,
                       COALESCE(f.categories, '[]'::jsonb) AS favourite_categories,
                       COALESCE(b.purchases, '{{}}')::text[] AS purchases,
                       p.erased_at
                FROM {profiles} p
                LEFT JOIN agg a ON a.profile_id = p.id
                LEFT JOIN located l ON l.profile_id = p.id
                LEFT JOIN sold_in si ON si.profile_id = p.id
                LEFT JOIN carts c ON c.profile_id = p.id
                LEFT JOIN favourites f ON f.profile_id = p.id
                LEFT JOIN bought b ON b.profile_id = p.id
            ),"""


def _differs(p: str, t: str) -> str:
    """SQL: profile row ``p`` holds other derived figures than row ``t``."""
    return f"""(
        {p}.orders_count, {p}.total_spent, {p}.average_order_value, {p}.spend_by_currency,
        {p}.reporting_currency, {p}.first_order_at, {p}.last_order_at, {p}.channels,
        {p}.last_checkout_at, {p}.country, {p}.city, {p}.favourite_products,
        {p}.favourite_categories, {p}.rfm_recency, {p}.rfm_frequency, {p}.rfm_monetary,
        {p}.rfm_segment, {p}.lifecycle_stage, {p}.lifecycle_stage_changed_at IS NULL
    ) IS DISTINCT FROM (
        {t}.orders_count, {t}.total_spent, {t}.aov, {t}.spend,
        %(currency)s, {t}.first_at, {t}.last_at, {t}.channels,
        {t}.last_checkout_at, {t}.country, {t}.city, {t}.favourite_products,
        {t}.favourite_categories, {t}.r, {t}.f, {t}.m,
        {t}.segment, {t}.new_stage, FALSE
    )"""


# CTEs of refresh_derived's statement keeping CustomerPurchases in line with
# ``target``: a row for each profile that bought something and is not erased,
# written only when its items change.
PURCHASES_SQL = f""",
            bought_now AS (
                INSERT INTO {PURCHASES} AS x (profile_id, items)
                SELECT t.id, t.purchases FROM target t
                WHERE t.purchases <> '{{}}' AND t.erased_at IS NULL
                ON CONFLICT (profile_id) DO UPDATE SET items = EXCLUDED.items
                WHERE x.items IS DISTINCT FROM EXCLUDED.items
            ),
            bought_none AS (
                DELETE FROM {PURCHASES} x USING target t
                WHERE x.profile_id = t.id AND (t.purchases = '{{}}' OR t.erased_at IS NOT NULL)
            )"""


def refresh_derived(
    profile_ids: Sequence[UUID | str] | None,
    *,
    config: Any,
    breakpoints: RFMBreakpoints | None,
    now: datetime,
    stored: bool = False,
) -> int:
    """Recompute the derived figures of these profiles (``None``: all) from
    their facts and write those that changed. Returns how many changed
    their lifecycle stage. ``stored``: rescore only (see :func:`_derived_sql`).
    """
    ids = None if profile_ids is None else [str(i) for i in profile_ids]
    if ids is not None and not ids:
        return 0
    derived, params = _derived_sql(ids, config, breakpoints, now, stored=stored)
    with connection.cursor() as cursor:
        if ids is not None and connection.in_atomic_block:
            # A batch's statement is short: compiling it (PostgreSQL's JIT,
            # on by default above a plan cost a large store soon reaches)
            # took longer than running it. For the rest of this transaction.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"""
            {derived},
            changed AS (
                UPDATE {PROFILE} p SET
                    orders_count = t.orders_count, total_spent = t.total_spent,
                    average_order_value = t.aov, spend_by_currency = t.spend,
                    reporting_currency = %(currency)s,
                    first_order_at = t.first_at, last_order_at = t.last_at,
                    channels = t.channels, last_checkout_at = t.last_checkout_at,
                    country = t.country, city = t.city,
                    search_document = CASE WHEN p.erased_at IS NULL THEN
                        LOWER(CONCAT_WS(' ', NULLIF(p.email, ''), NULLIF(p.first_name, ''),
                                        NULLIF(p.last_name, ''), NULLIF(t.city, '')))
                        ELSE p.search_document END,
                    favourite_products = t.favourite_products,
                    favourite_categories = t.favourite_categories,
                    rfm_recency = t.r, rfm_frequency = t.f, rfm_monetary = t.m,
                    rfm_segment = t.segment,
                    lifecycle_stage = t.new_stage,
                    lifecycle_stage_changed_at = CASE
                        WHEN t.new_stage <> t.old_stage OR t.lifecycle_stage_changed_at IS NULL
                        THEN %(now)s ELSE p.lifecycle_stage_changed_at END,
                    updated_at = %(now)s
                FROM target t
                WHERE p.id = t.id AND {_differs("p", "t")}
                RETURNING p.id, t.old_stage, t.new_stage
            ){"" if stored else PURCHASES_SQL},
            stage_changes AS (
                SELECT id, old_stage, new_stage FROM changed WHERE old_stage <> new_stage
            ),
            -- Announced to webhook endpoints in the same statement (webhooks/outbox.py).
            stage_events AS (
                SELECT %(webhook_stage_changed)s::text AS type, id AS profile_id,
                       %(now)s::timestamptz AS occurred_at, ''::text AS object_type,
                       ''::text AS object_id,
                       jsonb_build_object('from', UPPER(old_stage), 'to', UPPER(new_stage))
                           AS data,
                       NULL::text AS dedupe_key
                FROM stage_changes
            ),
            {outbox_sql("stage_events", "%(now)s::timestamptz")}
            INSERT INTO {TIMELINE}
                (profile_id, type, occurred_at, object_type, object_id, data, created_at)
            SELECT id, %(stage_changed)s, %(now)s, '', '',
                   jsonb_build_object('from', old_stage, 'to', new_stage), %(now)s
            FROM stage_changes
            RETURNING (SELECT count(*) FROM webhook_deliveries)
            """,
            {**params, "webhook_stage_changed": WebhookEventType.PROFILE_STAGE_CHANGED.value},
        )
        changes = cursor.rowcount
        if changes and cursor.fetchone()[0]:
            request_delivery()
        return changes


def stage_derived(
    table: str, *, config: Any, breakpoints: RFMBreakpoints | None, now: datetime
) -> int:
    """Compute every profile's derived figures in one set-based pass into
    the temporary ``table``, dropped at the end of the caller's transaction
    (read only: no profile is locked or written). Returns the rows staged.
    """
    derived, params = _derived_sql(None, config, breakpoints, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {table} ON COMMIT DROP AS {derived} SELECT * FROM target", params
        )
        staged = cursor.rowcount
        cursor.execute(f"CREATE UNIQUE INDEX ON {table} (id)")
        cursor.execute(f"ANALYZE {table}")
        return staged


def drifted(table: str, *, currency: str) -> list[UUID]:
    """Profiles whose stored figures differ from those staged in ``table``,
    and profiles created since it was staged; in id order. Read only.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.id FROM {PROFILE} p LEFT JOIN {table} t ON t.id = p.id
            LEFT JOIN {PURCHASES} x ON x.profile_id = p.id
            WHERE t.id IS NULL OR {_differs("p", "t")}
               OR COALESCE(x.items, '{{}}') IS DISTINCT FROM
                  CASE WHEN t.erased_at IS NULL THEN t.purchases ELSE '{{}}' END
            ORDER BY p.id
            """,
            {"currency": currency},
        )
        return [row[0] for row in cursor.fetchall()]


def rescore_candidates(
    *, config: Any, breakpoints: RFMBreakpoints | None, now: datetime
) -> list[UUID]:
    """Profiles whose RFM scores, segment or lifecycle stage, computed from
    their stored figures, differ from the stored ones; in id order. Read only.
    """
    derived, params = _derived_sql(None, config, breakpoints, now, stored=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            {derived}
            SELECT t.id FROM target t
            WHERE (t.r, t.f, t.m, t.segment, t.new_stage, t.lifecycle_stage_changed_at IS NULL)
                  IS DISTINCT FROM (t.rfm_recency, t.rfm_frequency, t.rfm_monetary,
                                    t.rfm_segment, t.old_stage, FALSE)
            ORDER BY t.id
            """,
            params,
        )
        return [row[0] for row in cursor.fetchall()]


# Bump when a formula above changes: the next recompute is then a full one.
FORMULAS_VERSION = "2"  # 2: purchases


def figures_basis(config: Any) -> str:
    """What the stored figures depend on besides the facts: the formulas,
    the reporting currency and the exchange rates.
    """
    rates = sorted((str(k), str(v)) for k, v in config.exchange_rates.items())
    basis = f"{FORMULAS_VERSION}|{config.reporting_currency}|{rates}"
    return hashlib.sha256(basis.encode()).hexdigest()


def compute_breakpoints(
    config: Any, now: datetime, *, stored: bool = False, basis: str | None = None
) -> RFMBreakpoints:
    """Rank every buyer by recency, frequency and spend (quintiles of the
    whole customer base) and store, per score, the smallest value earning it.
    ``stored``: rank the sales figures stored on the profiles instead of
    aggregating the order facts. ``basis`` (see :func:`figures_basis`) is
    stored with them when given.
    """
    if stored:
        aggregates = f"""agg AS (
            SELECT id AS profile_id, orders_count, total_spent, last_order_at AS last_at
            FROM {PROFILE} WHERE orders_count > 0
        )"""
        params: dict[str, Any] = {}
    else:
        aggregates, params = customer_aggregates_sql(config, "TRUE")
    score = "LEAST(5, 1 + FLOOR(PERCENT_RANK() OVER (ORDER BY {col}) * 5))::smallint"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {aggregates},
            buyers AS (
                SELECT a.last_at, a.orders_count, a.total_spent,
                       {score.format(col="a.last_at")} AS r,
                       {score.format(col="a.orders_count")} AS f,
                       {score.format(col="a.total_spent")} AS m
                FROM agg a {"" if stored else f"JOIN {PROFILE} p ON p.id = a.profile_id"}
                WHERE a.orders_count > 0
            )
            SELECT 'recency', r, MIN(last_at)::text FROM buyers GROUP BY r
            UNION ALL SELECT 'frequency', f, MIN(orders_count)::text FROM buyers GROUP BY f
            UNION ALL SELECT 'monetary', m, MIN(total_spent)::text FROM buyers GROUP BY m
            UNION ALL SELECT 'count', 0, COUNT(*)::text FROM buyers
            """,
            params,
        )
        rows = cursor.fetchall()
    lowest: dict[str, dict[int, str]] = {"recency": {}, "frequency": {}, "monetary": {}}
    scored = 0
    for name, s, value in rows:
        if name == "count":
            scored = int(value)
        else:
            lowest[name][s] = value
    points: dict[str, list[Any]] = {}
    for name, values in lowest.items():
        row: list[Any] = []
        for s in SCORES[1:]:
            # Smallest value earning score s or higher; None if nobody did.
            reached = [values[k] for k in SCORES if k >= s and k in values]
            if not reached:
                row.append(None)
            elif name == "recency":
                row.append(min(parse_datetime(v) for v in reached).isoformat())
            elif name == "frequency":
                row.append(min(int(v) for v in reached))
            else:
                row.append(str(min(Decimal(v) for v in reached)))
        points[name] = row
    breakpoints, _ = RFMBreakpoints.objects.update_or_create(
        pk=RFMBreakpoints.SINGLETON_PK,
        defaults={
            **points,
            "computed_at": now,
            "profiles_scored": scored,
            **({"figures_basis": basis} if basis is not None else {}),
        },
    )
    return breakpoints
