"""Marketing consent from a real Saleor: the consent metadata key that a
storefront sets on its user or its checkout (Saleor's own ``updateMetadata``,
or the model) reaches the CRM's consent ledger, and a checkout completed
right after its metadata changed still does (Saleor copies the checkout's
metadata onto the order).
"""

import graphene
import pytest
from saleor.checkout.models import CheckoutMetadata
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.manager import get_plugins_manager
from test_saleor_plugin import complete_checkout, crm

from saleor_crm_plugin.ingestion.services import process_pending_events
from saleor_crm_plugin.marketing.consent import consent_of
from saleor_crm_plugin.models import InboundEvent, MarketingConsentChange

KEY = "marketing_consent"
UPDATE_METADATA = """
mutation ($id: ID!, $value: String!) {
  updateMetadata(id: $id, input: [{key: "marketing_consent", value: $value}]) {
    errors { field code message }
  }
}
"""
CONSENT = """
query ($email: String!) {
  customerProfile(email: $email) { marketingConsent { status source isSendable } }
}
"""


@pytest.fixture
def consent_key(crm_plugin):
    """The plugin option set as the Dashboard does (pluginUpdate's path)."""
    get_plugins_manager(allow_replica=False).save_plugin_configuration(
        "saleor.crm",
        None,
        {"active": True, "configuration": [{"name": "consent_metadata_key", "value": KEY}]},
    )
    return KEY


def update_metadata(client, type_name, pk, value):
    response = client.post_graphql(
        UPDATE_METADATA, {"id": graphene.Node.to_global_id(type_name, pk), "value": value}
    )
    assert get_graphql_content(response)["data"]["updateMetadata"]["errors"] == []


def ledger():
    return sorted(
        MarketingConsentChange.objects.values_list(
            "email_hash", "status", "source", "occurred_at", "applied"
        )
    )


def states(*emails):
    return {
        email: (s.status, s.source, s.occurred_at) for email in emails if (s := consent_of(email))
    }


def test_customer_and_checkout_metadata_reach_the_consent(
    consent_key, user_api_client, api_client, customer_user, checkout_with_item, manager_token
):
    # given: a guest's checkout (another address than the signed-in customer's)
    checkout = checkout_with_item
    checkout.user, checkout.email = None, "guest@example.com"
    checkout.save(update_fields=["user", "email"])

    # when: the storefront writes the key, as the customer and as the guest
    update_metadata(user_api_client, "User", customer_user.pk, "true")
    update_metadata(api_client, "Checkout", checkout.pk, "false")

    # then
    customer_user.refresh_from_db()
    checkout.refresh_from_db()
    seen = states(customer_user.email, "guest@example.com")
    assert seen == {
        customer_user.email: ("subscribed", "customer_metadata", customer_user.updated_at),
        "guest@example.com": ("unsubscribed", "checkout_metadata", checkout.last_change),
    }
    content = crm(CONSENT, {"email": customer_user.email}, token=manager_token).json()
    assert content == {
        "data": {
            "customerProfile": {
                "marketingConsent": {
                    "status": "SUBSCRIBED",
                    "source": "customer_metadata",
                    "isSendable": True,
                }
            }
        }
    }
    print("events:", list(InboundEvent.objects.values_list("object_type", "announced")))  # noqa: T201

    # when: every event is delivered again
    before = ledger()
    replayed = InboundEvent.objects.update(status="pending", processed_at=None)
    outcome = process_pending_events()

    # then: nothing changes
    print(f"replayed {replayed} events: {outcome}; ledger {len(before)} entries")  # noqa: T201
    assert outcome["processed"] == replayed >= 2
    assert ledger() == before
    assert states(customer_user.email, "guest@example.com") == seen


@pytest.mark.parametrize("how", ["updateMetadata", "model"])
def test_checkout_completed_right_after_its_metadata_changed_yields_the_consent(
    consent_key, api_client, checkout_with_item, payment_dummy, address, set_delivery, how
):
    # given: a guest's checkout; its consent set just before completing, by
    # Saleor's mutation or straight on the model (then no hook sees it)
    checkout = checkout_with_item
    email = checkout.email
    if how == "updateMetadata":
        update_metadata(api_client, "Checkout", checkout.pk, "yes")
    else:
        storage, _ = CheckoutMetadata.objects.get_or_create(checkout=checkout)
        storage.store_value_in_metadata({KEY: "yes"})
        storage.save(update_fields=["metadata"])
    assert InboundEvent.objects.filter(object_type="checkout").exists() == (how == "updateMetadata")

    # when
    order = complete_checkout(api_client, checkout, payment_dummy, address, set_delivery)

    # then: the order carries the checkout's metadata, and the consent is there
    assert order.metadata.get(KEY) == "yes"
    current = consent_of(email)
    print(f"{how}: {current.status} from {current.source} at {current.occurred_at}")  # noqa: T201
    assert current.status == "subscribed"
    assert current.source == "checkout_metadata"
    if how == "model":
        assert current.occurred_at == order.created_at
    entries = MarketingConsentChange.objects.filter(status="subscribed").count()
    assert entries == 1  # checkout and order say the same: one entry

    # when: the order's events are delivered again
    before = ledger()
    InboundEvent.objects.update(status="pending", processed_at=None)
    process_pending_events()

    # then
    assert ledger() == before
