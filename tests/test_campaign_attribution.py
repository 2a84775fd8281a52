"""Campaign attribution and the report: orders by code and by click window,
last touch across campaigns, refunds, the holdout's revenue, the lift and
its interval (against scipy directly), replays, permissions and queries.

Time is frozen: every campaign starts at ``T0`` and orders are placed at
fixed offsets from it.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from graphql_relay import to_global_id
from scipy import stats as scipy_stats

from saleor_crm_plugin.configuration.services import get_configuration
from saleor_crm_plugin.marketing import tracking
from saleor_crm_plugin.marketing.attribution import (
    GroupFigures,
    attributed_order_ids,
    campaign_revenue,
    welch_interval,
)
from saleor_crm_plugin.marketing.models import CampaignRecipient, RecipientGroup
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.profiles.models import CustomerProfile
from tests.factories import ingest, order
from tests.test_campaigns import make_profiles, new_campaign, run_to_end

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OFFER = {"discount_type": "PERCENTAGE", "value": "10", "valid_days": 14, "channel": "default"}
OFFER_BODY = (
    "<p>Hi {{customer.first_name}}, your code: {{offer.code}}</p>"
    '<p><a href="https://shop.example.com/">Shop</a></p>'
)


@pytest.fixture
def vips(db):
    return create_segment(
        "VIPs", {"conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}]}
    )


def sent(segment, name="Spring", *, at=T0, **fields):
    campaign = new_campaign(segment, name=name, **fields)
    with freeze_time(at):
        return run_to_end(campaign, now=at)


def recipient(campaign, profile):
    return CampaignRecipient.objects.get(campaign=campaign, profile=profile)


def click(campaign, profile, at):
    r = recipient(campaign, profile)
    assert tracking.click_target(tracking.token("click", r.pk, 0), now=at)


def place(profile, at, total="100.00", **kwargs):
    snapshot = order(email=profile.email, total=total, created_at=at, **kwargs)
    ingest("order_created", snapshot)
    return snapshot


def figures(campaign):
    return campaign_revenue(campaign, get_configuration())


# --- attribution ---------------------------------------------------------------


def test_an_order_with_a_recipients_code_is_the_campaigns(vips):
    # given: a campaign with an offer; one recipient uses their code a week
    # later (no click: the code alone attributes, whatever the window)
    (ann, bob) = make_profiles(2)
    campaign = sent(vips, offer=OFFER, body=OFFER_BODY)
    code = recipient(campaign, ann).offer_code
    assert code
    placed = place(ann, T0 + timedelta(days=7), total="80.00", voucher_code=code)
    place(bob, T0 + timedelta(days=1), total="50.00")  # no code, no click

    # when
    result = figures(campaign)

    # then
    assert (result.orders, result.revenue) == (1, Decimal("80.000"))
    assert attributed_order_ids(campaign) == [placed.order_id]


def test_a_forwarded_code_is_still_the_campaigns(vips):
    (ann,) = make_profiles(1)
    outsider = CustomerProfile.objects.create(email="friend@example.com", first_seen_at=T0)
    campaign = sent(vips, offer=OFFER, body=OFFER_BODY)
    place(outsider, T0 + timedelta(days=1), voucher_code=recipient(campaign, ann).offer_code)
    assert figures(campaign).orders == 1


@pytest.mark.parametrize(
    ("after_click", "attributed"),
    [
        (timedelta(days=2), True),  # inside
        (timedelta(days=5), True),  # the boundary is inside
        (timedelta(days=5, seconds=1), False),  # just outside
        (timedelta(seconds=-1), False),  # before the click
    ],
)
def test_an_order_within_the_window_after_a_click(vips, after_click, attributed):
    # given
    (ann,) = make_profiles(1)
    campaign = sent(vips)
    clicked_at = T0 + timedelta(hours=3)
    click(campaign, ann, clicked_at)

    # when
    place(ann, clicked_at + after_click, total="40.00")

    # then
    result = figures(campaign)
    assert result.orders == int(attributed)
    assert result.revenue == (Decimal("40.000") if attributed else 0)


def test_the_window_is_a_setting(vips, settings):
    settings.SALEOR_CRM_ATTRIBUTION_WINDOW_DAYS = 10
    (ann,) = make_profiles(1)
    campaign = sent(vips)
    click(campaign, ann, T0)
    place(ann, T0 + timedelta(days=8))
    assert figures(campaign).orders == 1


def test_last_touch_wins_across_two_campaigns(vips):
    # given: Ann clicks A, then B; Bob clicks B, then orders with A's code
    ann, bob = make_profiles(2)
    first = sent(vips, "A", offer=OFFER, body=OFFER_BODY)
    second = sent(vips, "B", at=T0 + timedelta(hours=12))
    click(first, ann, T0 + timedelta(hours=1))
    click(second, ann, T0 + timedelta(days=1))
    early = place(ann, T0 + timedelta(hours=20), total="30.00")  # only A's click before it
    late = place(ann, T0 + timedelta(days=2), total="70.00")  # B's click is the latest
    click(second, bob, T0 + timedelta(days=2))
    coded = place(
        bob,
        T0 + timedelta(days=2, hours=1),
        total="20.00",
        voucher_code=recipient(first, bob).offer_code,
    )

    # then: each order counted once, by its last touch (a code beats a click)
    assert set(attributed_order_ids(first)) == {early.order_id, coded.order_id}
    assert attributed_order_ids(second) == [late.order_id]
    assert figures(first).revenue == Decimal("50.000")
    assert figures(second).revenue == Decimal("70.000")


def test_refunds_reduce_revenue_and_a_full_refund_removes_the_order(vips):
    # given
    ann, bob = make_profiles(2)
    campaign = sent(vips)
    click(campaign, ann, T0)
    click(campaign, bob, T0)
    partly = place(ann, T0 + timedelta(days=1), total="100.00")
    fully = place(bob, T0 + timedelta(days=1), total="60.00")
    assert figures(campaign).revenue == Decimal("160.000")

    # when: 30 of Ann's order is refunded, Bob's all of it
    later = T0 + timedelta(days=3)
    ingest(
        "order_refunded",
        order(
            partly.order_id,
            email=ann.email,
            total="100.00",
            created_at=partly.created_at,
            updated_at=later,
            total_refunded=Decimal("30.00"),
        ),
    )
    ingest(
        "order_fully_refunded",
        order(
            fully.order_id,
            email=bob.email,
            total="60.00",
            created_at=fully.created_at,
            updated_at=later,
            total_refunded=Decimal("60.00"),
        ),
    )

    # then
    result = figures(campaign)
    assert (result.orders, result.revenue) == (1, Decimal("70.000"))


def test_revenue_is_in_the_reporting_currency(vips):
    config = get_configuration()
    config.exchange_rates = {"EUR": "1.10"}
    config.save()
    ann, bob = make_profiles(2)
    campaign = sent(vips)
    click(campaign, ann, T0)
    click(campaign, bob, T0)
    place(ann, T0 + timedelta(days=1), total="100.00", currency="EUR")
    place(bob, T0 + timedelta(days=1), total="100.00", currency="GBP")  # no rate
    result = figures(campaign)
    assert (result.currency, result.orders, result.revenue) == ("USD", 2, Decimal("110.000"))


def test_replaying_order_events_changes_nothing(vips):
    # given
    profiles = make_profiles(8)
    campaign = sent(vips, holdout_percent=50)
    mailed, held = split(campaign, profiles)
    click(campaign, mailed[0], T0)
    snapshots = [place(p, T0 + timedelta(days=1), total="25.00") for p in (mailed[0], held[0])]
    before = figures(campaign)

    # when: every event delivered again
    for snapshot in snapshots:
        ingest("order_created", snapshot)
        ingest("order_updated", snapshot)

    # then
    assert figures(campaign) == before
    assert before.orders == 1


# --- holdout, lift and its interval ------------------------------------------


def split(campaign, profiles):
    held = [p for p in profiles if recipient(campaign, p).group == RecipientGroup.HOLDOUT]
    mailed = [p for p in profiles if recipient(campaign, p).group != RecipientGroup.HOLDOUT]
    return mailed, held


def test_holdout_revenue_is_their_orders_in_the_window_after_the_send(vips):
    # given
    profiles = make_profiles(12)
    campaign = sent(vips, holdout_percent=50)
    mailed, held = split(campaign, profiles)
    assert len(held) >= 2
    assert mailed
    other = sent(vips, "Other", at=T0 - timedelta(days=30), holdout_percent=0)
    first, second = held[0], held[-1]
    place(first, T0 + timedelta(days=2), total="90.00")  # inside the window
    place(first, T0 + timedelta(days=6), total="500.00")  # after it
    place(first, T0 - timedelta(hours=1), total="500.00")  # before the send
    # the other campaign's click makes this order the other's
    click(other, second, T0 + timedelta(days=1))
    place(second, T0 + timedelta(days=1, hours=1), total="300.00")

    # when
    result = figures(campaign)

    # then
    assert result.holdout.members == len(held)
    assert result.holdout_revenue_per_member == pytest.approx(Decimal(90) / len(held))
    assert result.orders == 0


def test_lift_and_its_interval_match_scipy(vips):
    # given: a crafted dataset, zero-revenue members included
    profiles = make_profiles(60)
    campaign = sent(vips, holdout_percent=50)
    mailed, held = split(campaign, profiles)
    assert len(mailed) >= 10
    assert len(held) >= 10
    mailed_revenue = [Decimal(0)] * len(mailed)
    held_revenue = [Decimal(0)] * len(held)
    for i, profile in enumerate(mailed):
        if i % 3 == 0:
            amount = Decimal(20 + 7 * i)
            place(profile, T0 + timedelta(days=1, minutes=i), total=str(amount))
            mailed_revenue[i] = amount
            if i % 2 == 0:  # a clicker: attributed as well
                click(campaign, profile, T0 + timedelta(days=1))
    for i, profile in enumerate(held):
        if i % 4 == 0:
            amount = Decimal(15 + 5 * i)
            place(profile, T0 + timedelta(days=2, minutes=i), total=str(amount))
            held_revenue[i] = amount

    # when
    result = figures(campaign)

    # then
    treated = [float(x) for x in mailed_revenue]
    control = [float(x) for x in held_revenue]
    expected = scipy_stats.ttest_ind(treated, control, equal_var=False).confidence_interval(0.95)
    mean_t, mean_c = sum(treated) / len(treated), sum(control) / len(control)
    assert float(result.revenue_per_recipient) == pytest.approx(mean_t)
    assert float(result.holdout_revenue_per_member) == pytest.approx(mean_c)
    assert float(result.lift) == pytest.approx(mean_t - mean_c)
    low, high = result.lift_interval
    assert (low, high) == (
        pytest.approx(expected.low, rel=1e-9),
        pytest.approx(expected.high, rel=1e-9),
    )


def test_no_interval_without_a_holdout_or_with_too_few_members():
    big = GroupFigures(members=50, mean=Decimal(3), variance=Decimal(4))
    small = GroupFigures(members=9, mean=Decimal(1), variance=Decimal(2))
    nothing = GroupFigures(members=0, mean=Decimal(0), variance=None)
    silent = GroupFigures(members=50, mean=Decimal(0), variance=Decimal(0))
    assert welch_interval(big, nothing) is None
    assert welch_interval(big, small) is None
    assert welch_interval(silent, silent) is None
    assert welch_interval(big, silent) is not None


# --- the API ------------------------------------------------------------------

STATS = """
query($id: ID!) { campaign(id: $id) { stats {
  recipients holdout sent clicked orders revenue { amount currency }
  revenuePerRecipient holdoutRevenuePerRecipient lift liftInterval { low high confidence }
} } }
"""


def test_the_report_through_the_api(gql, vips):
    profiles = make_profiles(60)
    campaign = sent(vips, holdout_percent=50)  # 30 held out expected; fewer than 10: p < 1e-6
    mailed, held = split(campaign, profiles)
    for i, profile in enumerate(mailed):
        click(campaign, profile, T0 + timedelta(hours=1))
        place(profile, T0 + timedelta(days=1), total=str(10 + i))
    place(held[0], T0 + timedelta(days=1), total="12.00")

    data, errors = gql(STATS, {"id": to_global_id("Campaign", campaign.pk)})

    assert not errors
    stats = data["campaign"]["stats"]
    result = figures(campaign)
    assert stats["orders"] == len(mailed)
    assert stats["revenue"] == {"amount": float(result.revenue), "currency": "USD"}
    assert stats["revenuePerRecipient"] == round(float(result.revenue_per_recipient), 4)
    assert stats["holdoutRevenuePerRecipient"] == round(12 / len(held), 4)
    assert stats["lift"] == round(float(result.lift), 4)
    low, high = result.lift_interval
    assert stats["liftInterval"] == {
        "low": round(low, 4),
        "high": round(high, 4),
        "confidence": 0.95,
    }
    assert low < stats["lift"] < high


def test_order_figures_need_manage_orders_in_all_channels(gql, vips):
    make_profiles(3)
    campaign = sent(vips)
    data, errors = gql(
        STATS, {"id": to_global_id("Campaign", campaign.pk)}, as_="staff_in_one_channel"
    )
    stats = data["campaign"]["stats"]
    assert stats["recipients"] == 3
    assert stats["orders"] is None
    assert stats["revenue"] is None
    assert stats["lift"] is None
    assert {tuple(e.path[-1:]) for e in errors} >= {("orders",), ("revenue",), ("lift",)}
    assert all("MANAGE_ORDERS" in e.message for e in errors)


def test_stats_are_a_fixed_number_of_queries(gql, vips):
    # given: two campaigns of different sizes, with clicks and orders
    counts = []
    for size, name in ((4, "Small"), (40, "Large")):
        profiles = make_profiles(size, prefix=name.lower())
        CustomerProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(tags=[name.lower()])
        segment = create_segment(
            name, {"conditions": [{"field": "TAG", "operator": "EQ", "value": name.lower()}]}
        )
        campaign = sent(segment, name, holdout_percent=25)
        mailed, held = split(campaign, profiles)
        for profile in mailed:
            click(campaign, profile, T0)
            place(profile, T0 + timedelta(days=1))
        for profile in held:
            place(profile, T0 + timedelta(days=1))

        # when
        with CaptureQueriesContext(connection) as queries:
            data, errors = gql(STATS, {"id": to_global_id("Campaign", campaign.pk)})
        assert not errors
        assert data["campaign"]["stats"]["orders"] == len(mailed)
        counts.append(len(queries))

    # then: no query per recipient or per order
    assert counts[0] == counts[1]
    # the campaign, its counts, and the attribution (a savepoint, JIT off, the statement)
    assert counts[0] <= 7
