from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.models import CustomerProfile, TimelineEvent
from saleor_crm_plugin.profiles.models import LifecycleStage, TimelineEventType
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db


def test_first_order_creates_profile_with_commerce_facts():
    # given
    placed = timezone.now() - timedelta(days=2)
    snapshot = f.order(
        email=" Ann@Example.COM ",
        total="30.00",
        created_at=placed,
        lines=(f.line("Espresso beans", 2, "12.00"), f.line("Mug", 1, "6.00")),
    )

    # when
    ingest("order_created", snapshot)

    # then
    profile = CustomerProfile.objects.get()
    assert profile.email == "ann@example.com"
    assert profile.user is None
    assert profile.orders_count == 1
    assert profile.total_spent == Decimal("30.000")
    assert profile.average_order_value == Decimal("30.000")
    assert profile.first_order_at == placed == profile.last_order_at
    assert profile.first_seen_at == placed
    assert profile.lifecycle_stage == LifecycleStage.NEW
    assert (profile.country, profile.city) == ("PL", "Wrocław")  # a guest: from the order
    assert profile.search_document == "ann@example.com wrocław"
    assert profile.channels == ["default-channel"]
    assert [p["name"] for p in profile.favourite_products] == ["Espresso beans", "Mug"]
    assert profile.favourite_categories == [
        {"id": "category-coffee", "name": "Coffee", "quantity": 3}
    ]
    assert profile.spend_by_currency == {"USD": {"orders": 1, "total": "30.000"}}


def test_orders_of_one_email_accumulate_and_make_customer_active():
    # given
    ingest("order_created", f.order(total="10.00"))

    # when
    ingest("order_created", f.order(total="30.00"))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.orders_count == 2
    assert profile.total_spent == Decimal("40.000")
    assert profile.average_order_value == Decimal("20.000")
    assert profile.lifecycle_stage == LifecycleStage.ACTIVE
    changes = TimelineEvent.objects.filter(type=TimelineEventType.STAGE_CHANGED)
    assert [c.data for c in changes.order_by("id")] == [
        {"from": "prospect", "to": "new"},
        {"from": "new", "to": "active"},
    ]


def test_checkout_without_order_makes_a_prospect():
    # when
    ingest("checkout_created", f.checkout(email="bob@example.com"))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.email == "bob@example.com"
    assert profile.lifecycle_stage == LifecycleStage.PROSPECT
    assert profile.last_checkout_at is not None
    assert profile.timeline_events.get().type == TimelineEventType.CHECKOUT_STARTED


def test_checkout_without_email_is_kept_without_profile():
    # when
    ingest("checkout_created", f.checkout(email=""))

    # then
    assert not CustomerProfile.objects.exists()


def test_cancelled_and_fully_refunded_orders_do_not_count():
    # given
    ingest("order_created", f.order("o1", total="10.00"))
    ingest("order_created", f.order("o2", total="20.00"))
    ingest("order_created", f.order("o3", total="40.00"))
    now = timezone.now()

    # when
    ingest("order_cancelled", f.order("o1", total="10.00", status="canceled", updated_at=now))
    ingest(
        "order_fully_refunded",
        f.order("o2", total="20.00", total_refunded=Decimal("20.00"), updated_at=now),
    )
    ingest(
        "order_refunded",
        f.order("o3", total="40.00", total_refunded=Decimal("15.00"), updated_at=now),
    )

    # then
    profile = CustomerProfile.objects.get()
    assert profile.orders_count == 1
    assert profile.total_spent == Decimal("25.000")
    types = set(profile.timeline_events.values_list("type", flat=True))
    assert {
        TimelineEventType.ORDER_CANCELLED,
        TimelineEventType.ORDER_FULLY_REFUNDED,
        TimelineEventType.ORDER_REFUNDED,
    } <= types


def test_draft_orders_are_ignored_until_placed():
    # when
    ingest("order_updated", f.order("o1", status="draft"))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.orders_count == 0
    assert not profile.timeline_events.exists()


def test_spend_per_currency_and_in_reporting_currency():
    # given
    update_configuration(reporting_currency="USD", exchange_rates="EUR=1.10")

    # when
    ingest("order_created", f.order(total="10.00", currency="USD"))
    ingest("order_created", f.order(total="100.00", currency="EUR"))
    ingest("order_created", f.order(total="50.00", currency="GBP"))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.orders_count == 3
    assert profile.total_spent == Decimal("120.000")  # GBP has no rate
    assert profile.average_order_value == Decimal("60.000")
    assert profile.spend_by_currency == {
        "USD": {"orders": 1, "total": "10.000"},
        "EUR": {"orders": 1, "total": "100.000"},
        "GBP": {"orders": 1, "total": "50.000"},
    }


def test_guest_who_registers_gets_one_merged_profile(user_factory):
    # given
    ingest("order_created", f.order(email="ann@example.com", total="10.00"))
    ann = user_factory("ann@example.com", first_name="Ann")

    # when
    ingest("customer_created", f.customer(ann))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == ann
    assert profile.first_name == "Ann"
    assert (profile.country, profile.city) == ("DE", "Berlin")
    assert profile.orders_count == 1
    assert profile.timeline_events.filter(type=TimelineEventType.ACCOUNT_CREATED).exists()


def test_account_email_change_merges_guest_profile_of_new_email(user_factory):
    # given: an account, and earlier guest orders under another address
    ann = user_factory("ann@example.com")
    ingest("customer_created", f.customer(ann))
    ingest("order_created", f.order(email="ann@work.example", total="25.00"))
    assert CustomerProfile.objects.count() == 2

    # when
    ingest(
        "customer_updated",
        f.customer(ann, email="ann@work.example", updated_at=timezone.now() + timedelta(1)),
    )

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == ann
    assert profile.email == "ann@work.example"
    assert profile.orders_count == 1
    assert profile.timeline_events.filter(type=TimelineEventType.PROFILES_MERGED).exists()


def test_orders_of_a_user_under_another_email_go_to_the_users_profile(ann):
    # given
    ingest("customer_created", f.customer(ann))

    # when
    ingest("order_created", f.order(email="ann@gift.example", user_id=str(ann.pk)))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == ann
    assert profile.orders_count == 1


def test_guest_order_email_later_linked_to_account_by_order(ann):
    # given: an order that names the user arrives before customer_created
    ingest("order_created", f.order(email="ann@example.com", user_id=str(ann.pk)))

    # when
    ingest("customer_created", f.customer(ann))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == ann
    assert profile.orders_count == 1


def test_lifecycle_moves_to_at_risk_and_lapsed_as_time_passes():
    # given
    update_configuration(at_risk_after_days=30, lapsed_after_days=60)
    placed = timezone.now()
    ingest("order_created", f.order("o1", created_at=placed - timedelta(days=1)))
    ingest("order_created", f.order("o2", created_at=placed))
    assert CustomerProfile.objects.get().lifecycle_stage == LifecycleStage.ACTIVE

    # when
    with freeze_time(placed + timedelta(days=31)):
        recompute_all_profiles()
    at_risk = CustomerProfile.objects.get().lifecycle_stage
    with freeze_time(placed + timedelta(days=61)):
        recompute_all_profiles()
        recompute_all_profiles()  # a second run changes nothing

    # then
    profile = CustomerProfile.objects.get()
    assert at_risk == LifecycleStage.AT_RISK
    assert profile.lifecycle_stage == LifecycleStage.LAPSED
    changes = profile.timeline_events.filter(type=TimelineEventType.STAGE_CHANGED)
    assert [c.data["to"] for c in changes.order_by("occurred_at", "id")] == [
        "new",
        "active",
        "at_risk",
        "lapsed",
    ]


def test_top_buyers_become_loyal_after_recompute():
    # given: ten customers with 1..10 orders of growing value, the biggest
    # buyers also the most recent
    now = timezone.now()
    for n in range(1, 11):
        for k in range(n):
            ingest(
                "order_created",
                f.order(
                    f"o-{n}-{k}",
                    email=f"c{n}@example.com",
                    total=str(10 * n),
                    created_at=now - timedelta(days=k + 1 + 3 * (10 - n)),
                ),
            )

    # when
    recompute_all_profiles()

    # then
    stages = dict(CustomerProfile.objects.values_list("email", "lifecycle_stage"))
    assert stages["c10@example.com"] == LifecycleStage.LOYAL
    assert stages["c9@example.com"] == LifecycleStage.LOYAL
    assert stages["c1@example.com"] == LifecycleStage.NEW
    assert stages["c3@example.com"] == LifecycleStage.ACTIVE
    top = CustomerProfile.objects.get(email="c10@example.com")
    assert (top.rfm_frequency, top.rfm_monetary) == (5, 5)
    assert top.rfm_segment == "champions"
