"""What a campaign earned: orders attributed to it, and its lift over the holdout.

**Attribution.** An order belongs to a campaign when it uses one of the
campaign's personal offer codes, or, failing that, when its customer
clicked the campaign's email at most ``SALEOR_CRM_ATTRIBUTION_WINDOW_DAYS``
(default 5) before placing it (both ends included). An order is counted
once, by last touch: a code beats every click (the customer typed it in
the checkout, the latest touch there is), and among clicks the latest one
before the order wins, so when two campaigns qualify the order is the most
recent one's. Only sales count (not drafts, cancelled or fully refunded
orders), at their ``net_amount`` (gross less refunds), converted to the
reporting currency with the configured rates as the profiles' totals are;
orders in a currency without a rate are counted but add no revenue.

**Lift.** The holdout got no email, so it has no clicks or codes: its
members are measured by membership, every order they placed in the window
after the send started. To compare like with like, the mailed recipients
are measured the same way (intent to treat): every order they placed in
that same window, whether or not they clicked. Orders another campaign
owns by last touch are left out of both groups. ``revenue_per_recipient``
and ``holdout_revenue_per_member`` are the means over *all* members of each
group, those who bought nothing counting as zero, and ``lift`` is their
difference. Its 95% interval is Welch's t interval for a difference of
means (unequal variances; the t quantile from ``scipy.stats``), computed
from each group's size, mean and sample variance, which the database
aggregates: no per-member row reaches Python. It is null without a holdout,
with fewer than :data:`MIN_GROUP_MEMBERS` in either group, or when no member
of either group bought anything (no variance to measure).

**Computed on read, in one statement.** Nothing is stored: attribution is a
function of the order facts and the recipients as they are now, so an
order's update or refund, a replayed event, a late click or a newer
campaign's touch re-attributes by itself, and replaying changes nothing.
Stored attribution would have to be recomputed on each of those, for every
campaign the order could belong to. The read is bounded by the campaign's
own recipients: their orders in the window are found through the order
facts' (profile, placed_at) index, each candidate order's owner through the
recipients' (profile) and (offer code) indexes, as two scalar subqueries;
the group figures group only the buyers' rows. At 100k recipients and 31k
order facts (7k candidate orders) the statement takes 0.3-0.7 s on a shared
2-CPU machine (``benchmarks/campaign_attribution.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from ..conf import crm_setting
from .models import Campaign, RecipientGroup

RECIPIENT = "saleor_crm_campaignrecipient"
ORDER = "saleor_crm_orderfact"
CONFIDENCE = 0.95
# Fewer members than this in a group and the interval is not given: a t
# interval from a handful of skewed revenues says little.
MIN_GROUP_MEMBERS = 10


@dataclass(frozen=True)
class GroupFigures:
    """One group's per-member revenue: size, mean and sample variance."""

    members: int
    mean: Decimal
    variance: Decimal | None


@dataclass(frozen=True)
class CampaignRevenue:
    """A campaign's attributed orders and revenue, and the lift figures."""

    currency: str
    orders: int
    revenue: Decimal
    recipients: GroupFigures
    holdout: GroupFigures

    @property
    def revenue_per_recipient(self) -> Decimal | None:
        return self.recipients.mean if self.recipients.members else None

    @property
    def holdout_revenue_per_member(self) -> Decimal | None:
        return self.holdout.mean if self.holdout.members else None

    @property
    def lift(self) -> Decimal | None:
        if not (self.recipients.members and self.holdout.members):
            return None
        return self.recipients.mean - self.holdout.mean

    @property
    def lift_interval(self) -> tuple[float, float] | None:
        return welch_interval(self.recipients, self.holdout)


def window() -> timedelta:
    """How long after a click an order is the campaign's."""
    return timedelta(days=crm_setting("SALEOR_CRM_ATTRIBUTION_WINDOW_DAYS"))


def welch_interval(
    treated: GroupFigures, control: GroupFigures, confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """Welch's t interval for ``treated.mean - control.mean``; None with too
    few members or no variance at all.
    """
    if min(treated.members, control.members) < max(MIN_GROUP_MEMBERS, 2):
        return None
    from scipy import stats  # a heavy import, only when an interval is asked for

    a = float(treated.variance or 0) / treated.members
    b = float(control.variance or 0) / control.members
    if a + b <= 0:
        return None
    df = (a + b) ** 2 / (a**2 / (treated.members - 1) + b**2 / (control.members - 1))
    half = float(stats.t.ppf((1 + confidence) / 2, df)) * math.sqrt(a + b)
    difference = float(treated.mean - control.mean)
    return difference - half, difference + half


def _rates(config: Any) -> tuple[str, dict[str, Any]]:
    rates = {**config.exchange_rates, config.reporting_currency: "1"}
    values, params = [], {}
    for i, (currency, rate) in enumerate(rates.items()):
        values.append(f"(%(currency{i})s::varchar, %(rate{i})s::numeric)")
        params[f"currency{i}"], params[f"rate{i}"] = currency, str(rate)
    return f"rates(currency, rate) AS (VALUES {', '.join(values)})", params


# The campaign's orders by touch: those with one of its codes, and those its
# clickers placed within the window after their click (``mine``: its recipients).
_TOUCHED = f"""
    SELECT o.order_id FROM mine m JOIN {ORDER} o ON o.voucher_code = m.offer_code
    WHERE m.offer_code <> ''
    UNION
    SELECT o.order_id FROM mine m JOIN {ORDER} o
        ON o.profile_id = m.profile_id
       AND o.placed_at BETWEEN m.clicked_at AND m.clicked_at + %(window)s
    WHERE m.clicked_at IS NOT NULL
"""
# The campaign that owns order ``o`` by last touch: the one whose code it
# used, else the one clicked last within the window before it. Two scalar
# subqueries, so each is one probe of its index (an OR of the two would
# scan the recipients for every order).
_OWNER = f"""
    COALESCE(
        (SELECT r.campaign_id FROM {RECIPIENT} r
         WHERE r.offer_code = o.voucher_code AND r.offer_code <> ''
         ORDER BY r.id DESC LIMIT 1),
        (SELECT r.campaign_id FROM {RECIPIENT} r
         WHERE r.profile_id = o.profile_id
           AND r.clicked_at BETWEEN o.placed_at - %(window)s AND o.placed_at
         ORDER BY r.clicked_at DESC, r.id DESC LIMIT 1)
    )
"""


EMPTY = GroupFigures(members=0, mean=Decimal(0), variance=None)


def _group(members: int, total: Decimal, squares: Decimal) -> GroupFigures:
    """A group's figures from its size and the sum and sum of squares of
    its buyers' revenue (members who bought nothing add zero to both): only
    the buyers' rows are grouped, not every member's. Exact in ``numeric``.
    """
    if not members:
        return EMPTY
    mean = total / members
    variance = (squares - total * total / members) / (members - 1) if members > 1 else None
    return GroupFigures(members=members, mean=mean, variance=variance)


def campaign_revenue(campaign: Campaign, config: Any = None) -> CampaignRevenue:
    """The campaign's attributed orders and revenue and both groups'
    per-member revenue, in one query (none before the campaign starts).
    """
    if config is None:
        from ..configuration.services import get_configuration

        config = get_configuration()
    currency = config.reporting_currency
    if campaign.started_at is None:
        return CampaignRevenue(currency, 0, Decimal(0), EMPTY, EMPTY)
    rates_cte, params = _rates(config)
    span = window()
    params |= {
        "campaign": campaign.pk,
        "window": span,
        "start": campaign.started_at,
        "end": campaign.started_at + span,
        "holdout": RecipientGroup.HOLDOUT.value,
    }
    sql = f"""
        WITH {rates_cte},
        mine AS (
            SELECT r.profile_id, r.clicked_at, r.offer_code, r."group" = %(holdout)s AS held,
                   r."group" = %(holdout)s OR r.sent_at IS NOT NULL AS measured
            FROM {RECIPIENT} r WHERE r.campaign_id = %(campaign)s
        ),
        candidate AS (
            {_TOUCHED}
            UNION
            SELECT o.order_id FROM mine m JOIN {ORDER} o
                ON o.profile_id = m.profile_id AND o.placed_at BETWEEN %(start)s AND %(end)s
            WHERE m.measured
        ),
        owned AS (
            SELECT o.order_id, o.profile_id, o.placed_at, o.net_amount * rt.rate AS amount,
                   {_OWNER} AS owner
            FROM candidate c
            JOIN {ORDER} o ON o.order_id = c.order_id
            LEFT JOIN rates rt ON rt.currency = o.currency
            WHERE o.is_sale
        ),
        buyers AS (
            SELECT m.held, SUM(w.amount) AS revenue
            FROM owned w JOIN mine m ON m.profile_id = w.profile_id
            WHERE m.measured AND w.amount IS NOT NULL
              AND w.placed_at BETWEEN %(start)s AND %(end)s
              AND (w.owner IS NULL OR w.owner = %(campaign)s)
            GROUP BY m.profile_id, m.held
        ),
        sizes AS (SELECT held, COUNT(*) AS members FROM mine WHERE measured GROUP BY held)
        SELECT 'attributed', COUNT(*), COALESCE(SUM(amount), 0), NULL::numeric
        FROM owned WHERE owner = %(campaign)s
        UNION ALL
        SELECT CASE WHEN s.held THEN 'holdout' ELSE 'recipients' END, s.members,
               COALESCE(SUM(b.revenue), 0), COALESCE(SUM(b.revenue * b.revenue), 0)
        FROM sizes s LEFT JOIN buyers b ON b.held = s.held
        GROUP BY s.held, s.members
    """
    # JIT compiling took 3.4 of the 4.7 s of this statement at 100k
    # recipients and gained nothing; off for this transaction only.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true)")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    orders, revenue, groups = 0, Decimal(0), {}
    for kind, count, total, squares in rows:
        if kind == "attributed":
            orders, revenue = count, total
        else:
            groups[kind] = _group(count, total, squares)
    return CampaignRevenue(
        currency=currency,
        orders=orders,
        revenue=revenue,
        recipients=groups.get("recipients", EMPTY),
        holdout=groups.get("holdout", EMPTY),
    )


def attributed_order_ids(campaign: Campaign) -> list[str]:
    """IDs of the orders attributed to the campaign, newest first (for
    the report and tests; the same rules as :func:`campaign_revenue`).
    """
    if campaign.started_at is None:
        return []
    sql = f"""
        WITH mine AS (
            SELECT r.profile_id, r.clicked_at, r.offer_code
            FROM {RECIPIENT} r WHERE r.campaign_id = %(campaign)s
        ),
        candidate AS ({_TOUCHED})
        SELECT o.order_id FROM candidate c JOIN {ORDER} o ON o.order_id = c.order_id
        WHERE o.is_sale AND {_OWNER} = %(campaign)s
        ORDER BY o.placed_at DESC, o.order_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"campaign": campaign.pk, "window": window()})
        return [row[0] for row in cursor.fetchall()]
