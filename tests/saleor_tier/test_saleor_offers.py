"""Personal offers and the help desk's order actions inside a real Saleor:
the codes are Saleor voucher codes that ``checkoutAddPromoCode`` accepts
once, and a refund from a ticket goes through Saleor's own refund operation.
"""

from decimal import Decimal

import graphene
import pytest
from saleor.discount import DiscountValueType, VoucherType
from saleor.discount.models import Voucher, VoucherCode
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import FulfillmentStatus
from saleor.payment import TransactionKind
from test_saleor_plugin import clone_checkout, complete_checkout, crm

from saleor_crm_plugin.marketing.offers import OfferSpec, issue_offer_codes
from saleor_crm_plugin.models import Offer
from saleor_crm_plugin.tickets import services as desk

ADD_PROMO_CODE = """
mutation ($id: ID, $code: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $code) {
    checkout { totalPrice { gross { amount } } }
    errors { field code message }
  }
}
"""

REFUND = """
mutation ($id: ID!, $input: TicketRefundInput!) {
  ticketRefundOrder(id: $id, input: $input) {
    refund {
      amount { amount currency } status storeStatus kind reference
      storeErrors { field code message }
    }
    ticket { refunds { status storeStatus } }
    errors { field code message }
  }
}
"""


def spec(channel, value="10"):
    return OfferSpec(
        discount_type="PERCENTAGE", value=Decimal(value), valid_days=7, channel=channel.slug
    )


def add_promo_code(api_client, checkout, code):
    response = api_client.post_graphql(
        ADD_PROMO_CODE, {"id": graphene.Node.to_global_id("Checkout", checkout.pk), "code": code}
    )
    return get_graphql_content(response)["data"]["checkoutAddPromoCode"]


def test_offer_is_one_saleor_voucher_with_a_single_use_code_per_recipient(crm_plugin, channel_USD):
    issued = issue_offer_codes("campaign:tier", spec(channel_USD), ["a", "b", "c"], name="Tier")

    offer = Offer.objects.get(key="campaign:tier")
    voucher = Voucher.objects.get(pk=offer.external_id)
    assert voucher.type == VoucherType.ENTIRE_ORDER
    assert voucher.single_use is True
    assert voucher.discount_value_type == DiscountValueType.PERCENTAGE
    assert voucher.end_date == offer.expires_at
    listing = voucher.channel_listings.get()
    assert (listing.channel_id, listing.discount_value, listing.currency) == (
        channel_USD.pk,
        Decimal(10),
        channel_USD.currency_code,
    )
    assert set(voucher.codes.values_list("code", flat=True)) == {
        code.code for code in issued.values()
    }
    assert Voucher.objects.filter(metadata__saleor_crm_offer=str(offer.pk)).count() == 1
    # Idempotent: again, the same codes and no second voucher.
    assert issue_offer_codes("campaign:tier", spec(channel_USD), ["a", "b", "c"], name="Tier") == (
        issued
    )
    assert VoucherCode.objects.filter(voucher=voucher).count() == 3


def test_code_lowers_the_checkout_total_once_and_is_refused_on_a_second_checkout(
    crm_plugin,
    api_client,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    channel_USD,
):
    code = issue_offer_codes("campaign:once", spec(channel_USD, "50"), ["a"], name="Once")["a"].code
    second_checkout = clone_checkout(checkout_with_item)
    before = add_promo_code(api_client, second_checkout, "NO-SUCH-CODE")
    assert before["errors"]

    applied = add_promo_code(api_client, checkout_with_item, code)
    assert applied["errors"] == []
    checkout_with_item.refresh_from_db()
    assert checkout_with_item.voucher_code == code
    order = complete_checkout(api_client, checkout_with_item, payment_dummy, address, set_delivery)
    assert order.voucher_code == code
    assert order.undiscounted_total_gross_amount > order.total_gross_amount

    refused = add_promo_code(api_client, second_checkout, code)
    assert refused["errors"], refused
    assert refused["errors"][0]["field"] == "promoCode"
    # Saleor deactivates a single-use voucher's code when its order is placed.
    assert VoucherCode.objects.get(code=code).is_active is False


def test_ticket_refund_goes_through_saleors_refund_and_shows_on_the_order(
    crm_plugin,
    api_client,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    manager_token,
):
    order = complete_checkout(api_client, checkout_with_item, payment_dummy, address, set_delivery)
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Late", body="Still waiting.", email=order.user_email),
        desk.Author(kind="staff", name="Sam"),
    )
    desk.link_order(ticket, str(order.pk))
    payment = order.get_last_payment()
    captured = payment.captured_amount

    content = crm(
        REFUND,
        {
            "id": graphene.Node.to_global_id("Ticket", ticket.pk),
            "input": {"amount": "5.00", "reason": "Late delivery"},
        },
        token=manager_token,
    ).json()

    assert "errors" not in content, content
    data = content["data"]["ticketRefundOrder"]
    assert data["errors"] == [], data
    assert data["refund"]["kind"] == "payment"
    assert data["refund"]["amount"] == {"amount": 5.0, "currency": order.currency}
    assert data["ticket"]["refunds"] == [{"status": "STARTED", "storeStatus": "success"}]
    payment.refresh_from_db()
    assert payment.captured_amount == captured - Decimal("5.00")
    assert payment.transactions.filter(kind=TransactionKind.REFUND, is_success=True).exists()
    assert order.fulfillments.filter(
        status=FulfillmentStatus.REFUNDED, total_refund_amount=Decimal("5.00")
    ).exists()


def test_ticket_refund_more_than_paid_is_a_typed_error(
    crm_plugin, api_client, checkout_with_item, payment_dummy, address, set_delivery, manager_token
):
    order = complete_checkout(api_client, checkout_with_item, payment_dummy, address, set_delivery)
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Late", body="Still waiting.", email=order.user_email),
        desk.Author(kind="staff", name="Sam"),
    )
    desk.link_order(ticket, str(order.pk))
    too_much = str(order.total_gross_amount + 1)
    content = crm(
        REFUND,
        {"id": graphene.Node.to_global_id("Ticket", ticket.pk), "input": {"amount": too_much}},
        token=manager_token,
    ).json()
    errors = content["data"]["ticketRefundOrder"]["errors"]
    assert errors
    assert errors[0]["field"] == "amount"
    assert not order.fulfillments.filter(status=FulfillmentStatus.REFUNDED).exists()


def test_ticket_refund_asked_twice_refunds_once(
    crm_plugin, api_client, checkout_with_item, payment_dummy, address, set_delivery, manager_token
):
    order = complete_checkout(api_client, checkout_with_item, payment_dummy, address, set_delivery)
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Late", body="Still waiting.", email=order.user_email),
        desk.Author(kind="staff", name="Sam"),
    )
    desk.link_order(ticket, str(order.pk))
    payment = order.get_last_payment()
    captured = payment.captured_amount
    variables = {
        "id": graphene.Node.to_global_id("Ticket", ticket.pk),
        "input": {"amount": "5.00", "reason": "Late", "idempotencyKey": "form-1"},
    }

    first = crm(REFUND, variables, token=manager_token).json()["data"]["ticketRefundOrder"]
    second = crm(REFUND, variables, token=manager_token).json()["data"]["ticketRefundOrder"]

    assert first["errors"] == second["errors"] == []
    assert first["refund"] == second["refund"]
    payment.refresh_from_db()
    assert payment.captured_amount == captured - Decimal("5.00")
    assert payment.transactions.filter(kind=TransactionKind.REFUND).count() == 1


# --- orders paid through transactions ----------------------------------------


@pytest.fixture
def transaction_order(
    crm_plugin,
    order_with_lines,
    transaction_item_generator,
    app,
    manager_token,
    staff_user,
    permission_manage_payments,
    django_capture_on_commit_callbacks,
):
    """An order paid by a TransactionItem of ``app`` (as Saleor's own tests
    build one), known to the CRM through its ``order_created`` hook, with a
    ticket linked to it; the manager may also HANDLE_PAYMENTS, which
    Saleor's transaction refund needs.
    """
    from saleor.plugins.manager import get_plugins_manager

    order = order_with_lines
    item = transaction_item_generator(
        order_id=order.pk, charged_value=order.total_gross.amount, app=app
    )
    # Saleor defers plugin hooks to on-commit inside a transaction (the test's).
    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).order_created(order)
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Broken", body="Arrived broken.", email=order.user_email),
        desk.Author(kind="staff", name="Sam"),
    )
    desk.link_order(ticket, str(order.pk))
    staff_user.groups.get(name="CRM managers").permissions.add(permission_manage_payments)
    return order, item, ticket


def test_transaction_refund_no_app_handles_is_failed_with_saleors_error_and_leaves_nothing(
    transaction_order, manager_token
):
    # given: the transaction's app has no TRANSACTION_REFUND_REQUESTED webhook
    from saleor.payment.models import TransactionEvent

    order, item, ticket = transaction_order

    # when
    content = crm(
        REFUND,
        {"id": graphene.Node.to_global_id("Ticket", ticket.pk), "input": {"amount": "10.00"}},
        token=manager_token,
    ).json()

    # then: Saleor's own error, on the CRM's record of the failed request
    assert "errors" not in content, content
    data = content["data"]["ticketRefundOrder"]
    assert [e["code"] for e in data["errors"]] == ["CANNOT_REFUND"], data
    assert data["refund"]["status"] == "FAILED"
    assert [e["code"] for e in data["refund"]["storeErrors"]] == [
        "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK"
    ]
    # The grant and the request ran in one transaction: neither is left.
    assert not order.granted_refunds.exists()
    assert not TransactionEvent.objects.filter(transaction=item, type="refund_request").exists()


def test_transaction_refund_is_a_granted_refund_requested_from_the_payment_app(
    transaction_order, manager_token, app
):
    # given: the app handles refund requests (its sync webhook stubbed, as
    # Saleor's own tests of this mutation do)
    from unittest.mock import patch

    from saleor.order import OrderEvents
    from saleor.payment import TransactionAction
    from saleor.payment.models import TransactionEvent
    from saleor.webhook.event_types import WebhookEventSyncType

    order, item, ticket = transaction_order
    webhook = app.webhooks.create(
        name="Refunds", is_active=True, target_url="http://localhost:8000/endpoint/"
    )
    webhook.events.create(event_type=WebhookEventSyncType.TRANSACTION_REFUND_REQUESTED)

    # when
    with (
        patch("saleor.plugins.manager.PluginsManager.is_event_active_for_any_plugin"),
        patch("saleor.plugins.manager.PluginsManager.transaction_refund_requested") as requested,
    ):
        content = crm(
            REFUND,
            {
                "id": graphene.Node.to_global_id("Ticket", ticket.pk),
                "input": {"amount": "10.00", "reason": "Arrived broken"},
            },
            token=manager_token,
        ).json()

    # then: the CRM recorded it started, as a transaction refund
    assert "errors" not in content, content
    data = content["data"]["ticketRefundOrder"]
    assert data["errors"] == [], data
    assert data["refund"]["status"] == "STARTED"
    assert data["refund"]["kind"] == "transaction"
    # and Saleor: a granted refund for the transaction, its refund request
    # event, the order's event, and the payment app asked once for 10.00
    granted = order.granted_refunds.get()
    assert data["refund"]["reference"] == graphene.Node.to_global_id(
        "OrderGrantedRefund", granted.pk
    )
    assert data["refund"]["storeStatus"] == granted.status
    assert (granted.amount_value, granted.reason, granted.transaction_item_id) == (
        Decimal("10.00"),
        "Arrived broken",
        item.pk,
    )
    event = TransactionEvent.objects.get(transaction=item, type="refund_request")
    assert event.amount_value == Decimal("10.00")
    assert event.related_granted_refund_id == granted.pk
    assert order.events.filter(type=OrderEvents.TRANSACTION_REFUND_REQUESTED).count() == 1
    requested.assert_called_once()
    action = requested.call_args.args[0]
    assert (action.action_type, action.action_value, action.granted_refund) == (
        TransactionAction.REFUND,
        Decimal("10.00"),
        granted,
    )


pytestmark = pytest.mark.django_db


# --- refund reasons (Saleor 3.22+) --------------------------------------------

REASONS = "{ ticketRefundReasons { required reasons { id title } } }"


def test_refund_reasons_are_the_pages_saleors_settings_name_and_staff_must_give_one(
    transaction_order, manager_token, app, site_settings, page
):
    # given: the store's settings name the page's type as the refund reason type
    from unittest.mock import patch

    from saleor.webhook.event_types import WebhookEventSyncType

    if not hasattr(site_settings, "refund_reason_reference_type"):
        pytest.skip("Saleor before 3.22 has no refund reasons")
    site_settings.refund_reason_reference_type = page.page_type
    site_settings.save(update_fields=["refund_reason_reference_type"])
    order, item, ticket = transaction_order
    ticket_id = graphene.Node.to_global_id("Ticket", ticket.pk)
    page_id = graphene.Node.to_global_id("Page", page.pk)

    # when staff ask for the reasons
    reasons = crm(REASONS, {}, token=manager_token).json()["data"]["ticketRefundReasons"]

    # then they are the type's pages, and one is required
    assert reasons == {"required": True, "reasons": [{"id": page_id, "title": page.title}]}

    # when a refund gives none: refused on its field, nothing asked of Saleor
    content = crm(REFUND, {"id": ticket_id, "input": {"amount": "10.00"}}, token=manager_token)
    data = content.json()["data"]["ticketRefundOrder"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("reasonReference", "REQUIRED")]
    assert data["refund"] is None
    assert not order.granted_refunds.exists()

    # when it gives the page (the payment app handles refund requests)
    webhook = app.webhooks.create(
        name="Refunds", is_active=True, target_url="http://localhost:8000/endpoint/"
    )
    webhook.events.create(event_type=WebhookEventSyncType.TRANSACTION_REFUND_REQUESTED)
    with (
        patch("saleor.plugins.manager.PluginsManager.is_event_active_for_any_plugin"),
        patch("saleor.plugins.manager.PluginsManager.transaction_refund_requested"),
    ):
        content = crm(
            REFUND,
            {"id": ticket_id, "input": {"amount": "10.00", "reasonReference": page_id}},
            token=manager_token,
        ).json()

    # then Saleor's granted refund carries it
    data = content["data"]["ticketRefundOrder"]
    assert data["errors"] == [], data
    assert data["refund"]["status"] == "STARTED"
    granted = order.granted_refunds.get()
    assert granted.reason_reference_id == page.pk
