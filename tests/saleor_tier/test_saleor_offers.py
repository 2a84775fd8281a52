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
    refund { amount { amount currency } status kind reference }
    ticket { refunds { status } }
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
    assert data["ticket"]["refunds"] == [{"status": "success"}]
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


pytestmark = pytest.mark.django_db
