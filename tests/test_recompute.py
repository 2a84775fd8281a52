from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_crm_plugin.analytics.derived import refresh_derived
from saleor_crm_plugin.analytics.models import RFMBreakpoints
from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.analytics.scoring import SCORES, SEGMENT_RULES, fm_score, rfm_segment
from saleor_crm_plugin.commerce.services import mark_abandoned_checkouts
from saleor_crm_plugin.configuration.services import get_configuration, update_configuration
from saleor_crm_plugin.models import (
    CheckoutFact,
    CustomerProfile,
    CustomerPurchases,
    TimelineEvent,
)
from tests import factories as f
from tests.factories import ingest

FIGURES = (
    "orders_count",
    "total_spent",
    "average_order_value",
    "spend_by_currency",
    "first_order_at",
    "last_order_at",
    "channels",
    "favourite_products",
    "favourite_categories",
    "last_checkout_at",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_segment",
    "lifecycle_stage",
)


def figures():
    return {p["email"]: p for p in CustomerProfile.objects.values("email", *FIGURES)}


def shop(customers=12):
    now = timezone.now()
    for n in range(customers):
        for k in range(n % 5 + 1):
            ingest(
                "order_created",
                f.order(
                    f"o-{n}-{k}",
                    email=f"c{n}@example.com",
                    total=str(7 * (n + 1) + k),
                    currency="EUR" if n % 4 == 0 else "USD",
                    created_at=now - timedelta(days=3 * n + k),
                    lines=(f.line(f"Product {k % 3}", k + 1, "5.00"), f.line("Mug", 1, "6.00")),
                ),
            )
    ingest("checkout_created", f.checkout("c-x", email="c1@example.com"))


def test_every_rfm_cell_has_exactly_one_segment():
    cells = [(r, fm) for r in SCORES for fm in SCORES]
    covered = [(r, fm) for _, rs, fms in SEGMENT_RULES for r in rs for fm in fms]
    assert sorted(covered) == sorted(cells)
    assert rfm_segment(5, 5, 4) == "champions"
    assert fm_score(4, 5) == 5


@pytest.mark.django_db
def test_full_recompute_agrees_with_incremental_updates():
    # given
    shop()
    recompute_all_profiles()  # sets the RFM breakpoints
    # the live path's statement, over every profile, against those breakpoints
    refresh_derived(
        list(CustomerProfile.objects.values_list("pk", flat=True)),
        config=get_configuration(),
        breakpoints=RFMBreakpoints.objects.get(),
        now=timezone.now(),
    )
    incremental = figures()

    # when
    result = recompute_all_profiles()

    # then
    assert figures() == incremental
    assert result["stage_changes"] == 0
    assert result["profiles_scored"] == 12


@pytest.mark.django_db
def test_full_recompute_repairs_drifted_profiles():
    # given
    shop(customers=4)
    recompute_all_profiles()
    expected = figures()
    CustomerProfile.objects.update(
        orders_count=99,
        total_spent=Decimal(1),
        channels=[],
        favourite_products=[],
        rfm_recency=None,
        rfm_segment="",
        lifecycle_stage="lapsed",
    )

    # when
    result = recompute_all_profiles(full=True)

    # then
    assert figures() == expected
    assert result["profiles_refreshed"] == 4


@pytest.mark.django_db
def test_full_recompute_repairs_every_figure_the_nightly_run_trusts():
    # given: figures the nightly run does not recompute (the live path
    # keeps them), drifted
    shop(customers=4)
    recompute_all_profiles()
    expected = figures()
    CustomerProfile.objects.update(channels=["nowhere"], favourite_products=[], city="Atlantis")
    nightly = recompute_all_profiles()
    assert nightly["profiles_refreshed"] == 0

    # when
    result = recompute_all_profiles(full=True)

    # then
    assert figures() == expected
    assert result["profiles_refreshed"] == 4
    assert set(CustomerProfile.objects.values_list("city", flat=True)) != {"Atlantis"}


@pytest.mark.django_db
def test_full_recompute_repairs_drifted_purchases():
    # given: one customer's purchases lost, another's altered, a stray row
    shop(customers=4)
    recompute_all_profiles()
    expected = dict(CustomerPurchases.objects.values_list("profile_id", "items"))
    assert len(expected) == 4
    first, second, third = sorted(expected)[:3]
    CustomerPurchases.objects.filter(profile_id=first).delete()
    CustomerPurchases.objects.filter(profile_id=second).update(items=["product:nothing"])
    prospect = CustomerProfile.objects.create(email="p@example.com", first_seen_at=timezone.now())
    CustomerPurchases.objects.create(profile=prospect, items=["channel:nowhere"])

    # when
    result = recompute_all_profiles(full=True)

    # then
    assert dict(CustomerPurchases.objects.values_list("profile_id", "items")) == expected
    assert result["profiles_refreshed"] == 3


@pytest.mark.django_db
def test_nightly_run_rescores_from_the_stored_figures_without_reading_facts():
    # given: the last full run's basis is current; one profile's stored
    # orders count says it is the most frequent buyer
    shop()
    assert recompute_all_profiles()["full"]  # the first run: no basis yet
    CustomerProfile.objects.filter(email="c3@example.com").update(orders_count=42)

    # when
    result = recompute_all_profiles()

    # then
    assert not result["full"]
    assert result["profiles_refreshed"] == 0
    assert result["profiles_rescored"] >= 1
    profile = CustomerProfile.objects.get(email="c3@example.com")
    assert (profile.orders_count, profile.rfm_frequency) == (42, 5)


@pytest.mark.django_db
def test_nightly_run_with_a_new_exchange_rate_refigures_foreign_spend():
    # given
    shop()
    recompute_all_profiles()
    eur_buyers = {p.email for p in CustomerProfile.objects.all() if "EUR" in p.spend_by_currency}
    before = dict(CustomerProfile.objects.values_list("email", "total_spent"))

    # when
    rates = get_configuration().exchange_rates
    update_configuration(exchange_rates={**rates, "EUR": "2.5"})
    result = recompute_all_profiles()

    # then: the basis changed, so the run was a full one
    after = dict(CustomerProfile.objects.values_list("email", "total_spent"))
    assert result["full"]
    assert not recompute_all_profiles()["full"]
    assert eur_buyers
    assert {e for e in before if before[e] != after[e]} == eur_buyers


@pytest.mark.django_db
def test_breakpoints_score_a_new_order_like_the_recompute_would():
    # given
    shop()
    recompute_all_profiles()
    points = RFMBreakpoints.objects.get()
    assert points.profiles_scored == 12
    assert len(points.frequency) == len(points.monetary) == len(points.recency) == 4

    # when: a new buyer's first order is scored incrementally
    ingest("order_created", f.order("new-1", email="newbie@example.com", total="1.00"))

    # then: most recent, fewest orders, lowest spend
    newbie = CustomerProfile.objects.get(email="newbie@example.com")
    assert (newbie.rfm_recency, newbie.rfm_frequency, newbie.rfm_monetary) == (5, 1, 1)
    assert newbie.rfm_segment == "new_customers"


@pytest.mark.django_db
def test_abandoned_checkout_is_flagged_once_and_revived_cart_is_not():
    # given
    now = timezone.now()
    ingest("checkout_updated", f.checkout("old", created_at=now - timedelta(hours=30)))
    ingest("checkout_updated", f.checkout("fresh", created_at=now - timedelta(hours=1)))
    ingest(
        "checkout_updated", f.checkout("empty", created_at=now - timedelta(hours=30), quantity=0)
    )
    ingest("checkout_updated", f.checkout("done", created_at=now - timedelta(hours=30)))
    ingest("order_created", f.order("o1", checkout_token="done"))

    # when
    first = mark_abandoned_checkouts(after_hours=24)
    second = mark_abandoned_checkouts(after_hours=24)

    # then
    assert (first, second) == (1, 0)
    assert CheckoutFact.objects.get(pk="old").abandoned_at is not None
    assert TimelineEvent.objects.filter(type="checkout_abandoned").count() == 1

    # when: the shopper comes back to the cart
    ingest(
        "checkout_updated", f.checkout("old", created_at=now - timedelta(hours=30), last_change=now)
    )

    # then
    assert CheckoutFact.objects.get(pk="old").abandoned_at is None
