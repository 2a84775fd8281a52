"""A profile's order figures counted in some channels only.

Staff restricted to some sales channels see the figures of a customer
computed from the orders of their channels, not the stored store-wide ones
(:mod:`.derived`): orders count, spend (in the reporting currency and per
currency), average order value, first and last order, the channels bought
in and the favourites. Every formula is :mod:`.derived`'s own
(:func:`~.derived.customer_aggregates_sql`, :func:`~.derived.sold_figures_sql`,
:data:`~.derived.AVERAGE_ORDER_VALUE`) over the orders of those channels.

One statement for any number of profiles: a page of the customer list costs
one query, whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connections

from ..conf import crm_setting
from .derived import (
    AVERAGE_ORDER_VALUE,
    FAVOURITES_LIMIT,
    ORDER,
    customer_aggregates_sql,
    sold_figures_sql,
)


@dataclass(frozen=True)
class ChannelFigures:
    """What :class:`~..profiles.models.CustomerProfile` stores, for some channels."""

    orders_count: int = 0
    total_spent: Decimal = Decimal(0)
    average_order_value: Decimal = Decimal(0)
    reporting_currency: str = ""
    # {"EUR": {"orders": 2, "total": "120.00"}}, as the profile stores it.
    spend_by_currency: dict[str, Any] | None = None
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    channels: tuple[str, ...] = ()
    favourite_products: tuple[dict[str, Any], ...] = ()
    favourite_categories: tuple[dict[str, Any], ...] = ()


def figures_in_channels(
    profile_ids: Iterable[UUID | str], channels: Iterable[str], *, config: Any
) -> dict[UUID, ChannelFigures]:
    """Each profile's figures from its orders in ``channels``; a profile
    without any there gets zeros (every requested profile is in the result).
    """
    ids = sorted({str(pk) for pk in profile_ids})
    if not ids:
        return {}
    aggregates, params = customer_aggregates_sql(config, "TRUE", source="scoped")
    params.update({"ids": ids, "channels": sorted(set(channels)), "limit": FAVOURITES_LIMIT})
    with connections[crm_setting("SALEOR_CRM_READ_DATABASE")].cursor() as cursor:
        cursor.execute(
            f"""
            WITH scoped AS MATERIALIZED (
                SELECT o.order_id, o.profile_id, o.currency, o.net_amount, o.placed_at,
                       o.is_sale, o.status, o.channel
                FROM {ORDER} o
                WHERE o.profile_id = ANY(%(ids)s::uuid[]) AND o.channel = ANY(%(channels)s)
            ),
            {aggregates},
            {sold_figures_sql("scoped")}
            SELECT w.id, a.orders_count, a.total_spent, {AVERAGE_ORDER_VALUE},
                   a.spend, a.first_at, a.last_at, si.channels, f.products, f.categories
            FROM unnest(%(ids)s::uuid[]) AS w(id)
            LEFT JOIN agg a ON a.profile_id = w.id
            LEFT JOIN sold_in si ON si.profile_id = w.id
            LEFT JOIN favourites f ON f.profile_id = w.id
            """,
            params,
        )
        rows = cursor.fetchall()
    return {
        UUID(str(pk)): ChannelFigures(
            orders_count=orders or 0,
            total_spent=total if total is not None else Decimal(0),
            average_order_value=aov if aov is not None else Decimal(0),
            reporting_currency=config.reporting_currency,
            spend_by_currency=_json(spend) or {},
            first_order_at=first_at,
            last_order_at=last_at,
            channels=tuple(sold_in or ()),
            favourite_products=tuple(_json(products) or ()),
            favourite_categories=tuple(_json(categories) or ()),
        )
        for pk, orders, total, aov, spend, first_at, last_at, sold_in, products, categories in rows
    }


def _json(value: Any) -> Any:
    # Django has the driver hand jsonb over as text (JSONField decodes it).
    return json.loads(value) if isinstance(value, str) else value
