"""Full recompute of every profile's derived figures, as set-based SQL.

Run periodically (nightly is typical) and after a backfill. It corrects any
drift from incremental updates, re-ranks RFM across the whole customer base,
stores the new RFM breakpoints, and moves customers between lifecycle stages
as time passes (active -> at risk -> lapsed), recording each change.
Statements only touch rows whose values change.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..configuration.services import get_configuration
from ..hosting import writer
from ..profiles.models import TimelineEventType
from .models import RFMBreakpoints
from .scoring import SCORES, lifecycle_stage_sql, segment_sql

PROFILE = "saleor_crm_customerprofile"
ORDER = "saleor_crm_orderfact"
LINE = "saleor_crm_orderlinefact"
CHECKOUT = "saleor_crm_checkoutfact"
TIMELINE = "saleor_crm_timelineevent"
FAVOURITES_LIMIT = 5


def _rates_cte(config: Any) -> tuple[str, list[Any]]:
    rates = {config.reporting_currency: "1", **config.exchange_rates}
    rates[config.reporting_currency] = "1"
    values = ", ".join(["(%s::varchar, %s::numeric)"] * len(rates))
    params: list[Any] = []
    for currency, rate in rates.items():
        params += [currency, str(rate)]
    return f"rates(currency, rate) AS (VALUES {values})", params


def _aggregates(cursor: Any, config: Any) -> int:
    rates_cte, params = _rates_cte(config)
    cursor.execute(
        f"""
        WITH {rates_cte},
        per_currency AS (
            SELECT profile_id, currency, COUNT(*) AS orders, SUM(net_amount) AS total,
                   MIN(placed_at) AS first_at, MAX(placed_at) AS last_at
            FROM {ORDER} WHERE is_sale AND profile_id IS NOT NULL
            GROUP BY profile_id, currency
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
        ),
        target AS (
            SELECT profile_id, orders_count, total_spent, spend, first_at, last_at,
                   CASE WHEN rated_orders > 0
                        THEN ROUND(total_spent / rated_orders, 3) ELSE 0 END AS aov
            FROM agg
        )
        UPDATE {PROFILE} p SET
            orders_count = t.orders_count, total_spent = t.total_spent,
            average_order_value = t.aov, spend_by_currency = t.spend,
            first_order_at = t.first_at, last_order_at = t.last_at,
            reporting_currency = %s, updated_at = NOW()
        FROM target t
        WHERE p.id = t.profile_id AND (
            p.orders_count, p.total_spent, p.average_order_value, p.spend_by_currency,
            p.first_order_at, p.last_order_at, p.reporting_currency
        ) IS DISTINCT FROM (
            t.orders_count, t.total_spent, t.aov, t.spend, t.first_at, t.last_at, %s
        )
        """,
        [*params, config.reporting_currency, config.reporting_currency],
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""
        UPDATE {PROFILE} p SET
            orders_count = 0, total_spent = 0, average_order_value = 0,
            spend_by_currency = '{{}}'::jsonb, first_order_at = NULL, last_order_at = NULL,
            updated_at = NOW()
        WHERE (p.orders_count <> 0 OR p.spend_by_currency <> '{{}}'::jsonb
               OR p.last_order_at IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM {ORDER} o WHERE o.profile_id = p.id AND o.is_sale)
        """
    )
    return updated + cursor.rowcount


def _channels_and_checkouts(cursor: Any) -> None:
    cursor.execute(
        f"""
        WITH c AS (
            SELECT p.id,
                   COALESCE((SELECT array_agg(DISTINCT o.channel ORDER BY o.channel)
                             FROM {ORDER} o
                             WHERE o.profile_id = p.id AND o.status <> 'draft'
                               AND o.channel <> ''), '{{}}') AS channels,
                   (SELECT MAX(k.last_change) FROM {CHECKOUT} k
                    WHERE k.profile_id = p.id) AS last_checkout_at
            FROM {PROFILE} p
        )
        UPDATE {PROFILE} p SET channels = c.channels, last_checkout_at = c.last_checkout_at
        FROM c
        WHERE p.id = c.id AND (p.channels, p.last_checkout_at)
              IS DISTINCT FROM (c.channels::varchar[], c.last_checkout_at)
        """
    )


def _guest_locations(cursor: Any) -> None:
    """Guests have no account address: use where their last order went."""
    cursor.execute(
        f"""
        WITH latest AS (
            SELECT DISTINCT ON (profile_id) profile_id, country, city
            FROM {ORDER}
            WHERE profile_id IS NOT NULL AND status <> 'draft' AND country <> ''
            ORDER BY profile_id, placed_at DESC, order_id DESC
        )
        UPDATE {PROFILE} p SET
            country = l.country, city = l.city,
            search_document = LOWER(CONCAT_WS(' ', NULLIF(p.email, ''),
                NULLIF(p.first_name, ''), NULLIF(p.last_name, ''), NULLIF(l.city, '')))
        FROM latest l
        WHERE p.id = l.profile_id AND p.user_id IS NULL AND p.erased_at IS NULL
          AND (p.country, p.city) IS DISTINCT FROM (l.country, l.city)
        """
    )


def _favourites(cursor: Any) -> None:
    for column, id_col, name_col in (
        ("favourite_products", "product_id", "product_name"),
        ("favourite_categories", "category_id", "category_name"),
    ):
        cursor.execute(
            f"""
            WITH q AS (
                SELECT o.profile_id, l.{id_col} AS id, MAX(l.{name_col}) AS name,
                       SUM(l.quantity) AS qty
                FROM {LINE} l JOIN {ORDER} o ON o.order_id = l.order_id
                WHERE o.is_sale AND o.profile_id IS NOT NULL AND l.{id_col} IS NOT NULL
                GROUP BY o.profile_id, l.{id_col}
            ),
            ranked AS (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY profile_id ORDER BY qty DESC, name) AS rn
                FROM q
            ),
            fav AS (
                SELECT profile_id, jsonb_agg(jsonb_build_object(
                    'id', id, 'name', name, 'quantity', qty) ORDER BY rn) AS items
                FROM ranked WHERE rn <= {FAVOURITES_LIMIT} GROUP BY profile_id
            ),
            target AS (
                SELECT p.id, COALESCE(fav.items, '[]'::jsonb) AS items
                FROM {PROFILE} p LEFT JOIN fav ON fav.profile_id = p.id
            )
            UPDATE {PROFILE} p SET {column} = t.items
            FROM target t WHERE p.id = t.id AND p.{column} IS DISTINCT FROM t.items
            """
        )


def _rfm(cursor: Any, now: datetime) -> dict[str, list[Any]]:
    score = "LEAST(5, 1 + FLOOR(PERCENT_RANK() OVER (ORDER BY {col}) * 5))::smallint"
    cursor.execute("DROP TABLE IF EXISTS crm_rfm_scores")
    cursor.execute(
        f"""
        CREATE TEMP TABLE crm_rfm_scores ON COMMIT DROP AS
        SELECT id, last_order_at, orders_count, total_spent,
               {score.format(col="last_order_at")} AS r,
               {score.format(col="orders_count")} AS f,
               {score.format(col="total_spent")} AS m
        FROM {PROFILE}
        WHERE orders_count > 0 AND last_order_at IS NOT NULL
        """
    )
    cursor.execute(
        f"""
        UPDATE {PROFILE} p SET
            rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m,
            rfm_segment = {segment_sql("s.r", "s.f", "s.m")}
        FROM crm_rfm_scores s
        WHERE p.id = s.id AND (p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.rfm_segment)
              IS DISTINCT FROM (s.r, s.f, s.m, {segment_sql("s.r", "s.f", "s.m")})
        """
    )
    cursor.execute(
        f"""
        UPDATE {PROFILE} SET rfm_recency = NULL, rfm_frequency = NULL,
            rfm_monetary = NULL, rfm_segment = ''
        WHERE (orders_count = 0 OR last_order_at IS NULL)
          AND (rfm_recency IS NOT NULL OR rfm_segment <> '')
        """
    )
    breakpoints: dict[str, list[Any]] = {}
    for name, score_col, value_col in (
        ("recency", "r", "last_order_at"),
        ("frequency", "f", "orders_count"),
        ("monetary", "m", "total_spent"),
    ):
        cursor.execute(
            f"SELECT {score_col}, MIN({value_col}) FROM crm_rfm_scores GROUP BY {score_col}"
        )
        lowest = dict(cursor.fetchall())
        points: list[Any] = []
        for s in SCORES[1:]:
            # Smallest value earning score s or higher; None if nobody did.
            reached = [lowest[k] for k in SCORES if k >= s and k in lowest]
            value = min(reached) if reached else None
            if isinstance(value, datetime):
                value = value.isoformat()
            elif value is not None and name == "monetary":
                value = str(value)
            points.append(value)
        breakpoints[name] = points
    cursor.execute("SELECT COUNT(*) FROM crm_rfm_scores")
    breakpoints["count"] = [cursor.fetchone()[0]]
    return breakpoints


def _stages(cursor: Any, config: Any, now: datetime) -> int:
    stage = lifecycle_stage_sql(
        "p.orders_count",
        "p.last_order_at",
        "p.rfm_frequency",
        "p.rfm_monetary",
        "%(at_risk)s",
        "%(lapsed)s",
        "%(now)s",
    )
    cursor.execute(
        f"""
        WITH computed AS (
            SELECT p.id, p.lifecycle_stage AS old_stage, {stage} AS new_stage
            FROM {PROFILE} p
        ),
        changed AS (
            UPDATE {PROFILE} p SET lifecycle_stage = c.new_stage,
                lifecycle_stage_changed_at = %(now)s
            FROM computed c
            WHERE p.id = c.id AND (p.lifecycle_stage <> c.new_stage
                                   OR p.lifecycle_stage_changed_at IS NULL)
            RETURNING p.id, c.old_stage, c.new_stage
        )
        INSERT INTO {TIMELINE}
            (profile_id, type, occurred_at, object_type, object_id, data, created_at)
        SELECT id, %(type)s, %(now)s, '', '',
               jsonb_build_object('from', old_stage, 'to', new_stage), %(now)s
        FROM changed WHERE old_stage <> new_stage
        """,
        {
            "at_risk": config.at_risk_after_days,
            "lapsed": config.lapsed_after_days,
            "now": now,
            "type": TimelineEventType.STAGE_CHANGED.value,
        },
    )
    return cursor.rowcount


def recompute_all_profiles(now: datetime | None = None) -> dict[str, Any]:
    """Recompute every profile. Returns figures for logs and benchmarks."""
    now = now or timezone.now()
    config = get_configuration()
    started = time.perf_counter()
    with writer(), transaction.atomic(), connection.cursor() as cursor:
        updated = _aggregates(cursor, config)
        _channels_and_checkouts(cursor)
        _guest_locations(cursor)
        _favourites(cursor)
        points = _rfm(cursor, now)
        scored = points.pop("count")[0]
        RFMBreakpoints.objects.update_or_create(
            pk=RFMBreakpoints.SINGLETON_PK,
            defaults={**points, "computed_at": now, "profiles_scored": scored},
        )
        stage_changes = _stages(cursor, config, now)
    return {
        "aggregates_updated": updated,
        "profiles_scored": scored,
        "stage_changes": stage_changes,
        "seconds": round(time.perf_counter() - started, 3),
    }
