from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_crm_plugin.models import CheckoutFact, CustomerProfile, ErasedIdentity, OrderFact
from saleor_crm_plugin.profiles.identity import email_hash
from saleor_crm_plugin.profiles.models import TimelineEventType
from saleor_crm_plugin.snapshots import CustomerSnapshot
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db


def deletion(user, at):
    return CustomerSnapshot(user_id=str(user.pk), email=user.email, updated_at=at)


@pytest.fixture
def ann_with_history(ann):
    t0 = timezone.now() - timedelta(days=5)
    ingest("customer_created", f.customer(ann, updated_at=t0))
    ingest("checkout_created", f.checkout("c1", created_at=t0))
    ingest("order_created", f.order("o1", total="40.00", created_at=t0 + timedelta(hours=1)))
    CustomerProfile.objects.update(tags=["vip"], note="Prefers decaf")
    return ann


@pytest.mark.parametrize("event_type", ["customer_deleted", "account_deleted"])
def test_deleted_customer_is_anonymised_and_aggregates_stay(ann_with_history, event_type):
    # when
    ingest(event_type, deletion(ann_with_history, timezone.now()))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.is_erased
    assert profile.email.endswith("@erased.invalid")
    assert "ann" not in profile.email
    assert (profile.first_name, profile.last_name, profile.city, profile.note) == ("", "", "", "")
    assert profile.tags == []
    assert profile.user is None
    assert profile.search_document == ""
    assert profile.orders_count == 1
    assert profile.total_spent == Decimal("40.000")
    assert OrderFact.objects.get().email == ""
    assert CheckoutFact.objects.get().email == ""
    assert profile.timeline_events.filter(type=TimelineEventType.ACCOUNT_DELETED).exists()
    # Remembered by hash: the email, and the anonymised address scrubbed
    # events carry instead of it.
    assert set(ErasedIdentity.objects.values_list("email_hash", flat=True)) == {
        email_hash("ann@example.com"),
        email_hash(profile.email),
    }


def test_replayed_old_events_do_not_bring_personal_data_back(ann_with_history):
    # given
    ingest("customer_deleted", deletion(ann_with_history, timezone.now()))

    # when: events from before the erasure arrive again (replay, late delivery)
    old = timezone.now() - timedelta(days=4)
    ingest("customer_updated", f.customer(ann_with_history, updated_at=old))
    ingest(
        "order_updated",
        f.order(
            "o1", total="40.00", email="ann@example.com", created_at=old, updated_at=timezone.now()
        ),
    )

    # then
    profile = CustomerProfile.objects.get()
    assert profile.is_erased
    assert profile.first_name == ""
    assert OrderFact.objects.get().email == ""
    assert not CustomerProfile.objects.filter(email="ann@example.com").exists()


def test_deletion_before_creation_keeps_customer_erased(ann):
    # given: the deletion is delivered before the account's creation
    ingest("customer_deleted", deletion(ann, timezone.now()))

    # when
    ingest("customer_created", f.customer(ann, updated_at=timezone.now() - timedelta(hours=1)))

    # then
    assert not CustomerProfile.objects.exists()


def test_customer_who_comes_back_after_erasure_gets_a_fresh_profile(ann_with_history):
    # given
    ingest("customer_deleted", deletion(ann_with_history, timezone.now() - timedelta(hours=1)))

    # when
    ingest("order_created", f.order("o2", email="ann@example.com", created_at=timezone.now()))

    # then
    fresh = CustomerProfile.objects.get(email="ann@example.com")
    assert fresh.orders_count == 1
    assert CustomerProfile.objects.filter(erased_at__isnull=False).count() == 1


def test_campaign_emails_keep_the_recipient_but_not_the_address(ann_with_history, settings):
    # given: a campaign mailed to Ann
    from saleor_crm_plugin.marketing import sending
    from saleor_crm_plugin.marketing.campaigns import create_campaign, schedule_campaign
    from saleor_crm_plugin.marketing.consent import record_consent
    from saleor_crm_plugin.marketing.models import (
        CampaignRecipient,
        ConsentStatus,
        RecipientStatus,
    )
    from saleor_crm_plugin.marketing.services import create_segment

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="test")
    rules = {"conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}]}
    campaign = create_campaign(
        {
            "name": "Spring",
            "segment": create_segment("VIP", rules),
            "subject": "Hi",
            "body": "<p>Hello</p>",
        }
    )
    schedule_campaign(campaign)
    sending.start_campaign(campaign.pk)
    sending.run_sender(campaign.pk)
    assert CampaignRecipient.objects.get().status == RecipientStatus.SENT

    # when
    ingest("customer_deleted", deletion(ann_with_history, timezone.now()))

    # then: the report still counts the email, sent to the anonymised profile
    recipient = CampaignRecipient.objects.get()
    profile = CustomerProfile.objects.get()
    assert recipient.status == RecipientStatus.SENT
    assert recipient.email == profile.email
    assert not CampaignRecipient.objects.filter(email="ann@example.com").exists()
