"""A campaign with a personal offer inside a real Saleor: sent to a segment
of Saleor customers through Django's mail backend as Saleor configures it
from ``EMAIL_URL``, one Saleor voucher with a single-use code per
recipient, a code applied with ``checkoutAddPromoCode``, and the completed
order attributed to the campaign in its stats.
"""

import socketserver
import threading
from decimal import Decimal
from email import message_from_bytes, policy

import dj_email_url
import graphene
import pytest
from saleor.account.models import User
from saleor.discount.models import Voucher, VoucherCode
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.manager import get_plugins_manager
from test_saleor_offers import add_promo_code
from test_saleor_plugin import clone_checkout, complete_checkout, crm

from saleor_crm_plugin.marketing import sending
from saleor_crm_plugin.marketing.campaigns import create_campaign, schedule_campaign
from saleor_crm_plugin.marketing.consent import record_consent
from saleor_crm_plugin.marketing.models import CampaignRecipient, ConsentStatus, RecipientStatus
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.models import Offer
from saleor_crm_plugin.profiles.models import CustomerProfile

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Hi {{customer.first_name}}, your code: {{offer.code}}</p>"
    '<p><a href="https://shop.example.com/sale">Shop</a> · '
    '<a href="{{unsubscribe_url}}">Unsubscribe</a></p>'
)
CHECKOUT_TOTAL = """
query ($id: ID) { checkout(id: $id) { totalPrice { gross { amount } } } }
"""
STATS = """
query ($id: ID!) { campaign(id: $id) { status stats {
  recipients sent orders revenue { amount currency } revenuePerRecipient
} } }
"""


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend: every message it is
    given lands in ``server.messages``.
    """

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(message_from_bytes(data, policy=policy.default))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


@pytest.fixture
def smtp_from_email_url(settings):
    """An SMTP sink, with the mail settings Saleor derives from ``EMAIL_URL``
    (saleor/settings.py: ``dj_email_url.parse``) pointing at it.
    """
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.messages = []
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = dj_email_url.parse(f"smtp://127.0.0.1:{server.server_address[1]}")
    for key in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
        setattr(settings, key, config[key])
    settings.EMAIL_HOST_USER = config.get("EMAIL_HOST_USER", "")
    settings.EMAIL_HOST_PASSWORD = config.get("EMAIL_HOST_PASSWORD", "")
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example.com"
    yield server
    server.shutdown()
    server.server_close()


def test_a_sent_campaign_with_an_offer_and_its_attributed_order(
    crm_plugin,
    smtp_from_email_url,
    user_api_client,
    customer_user,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    channel_USD,
    manager_token,
    django_capture_on_commit_callbacks,
):
    # given: two real Saleor customers, profiles from Saleor's hook, subscribed
    other = User.objects.create(email="bea@example.com", first_name="Bea", is_confirmed=True)
    manager = get_plugins_manager(allow_replica=False)
    for user in (customer_user, other):
        # Saleor defers hooks to the commit of the test's transaction.
        with django_capture_on_commit_callbacks(execute=True):
            manager.customer_created(user)
        record_consent(user.email, ConsentStatus.SUBSCRIBED, source="test")
    assert set(CustomerProfile.objects.values_list("email", flat=True)) >= {
        customer_user.email,
        other.email,
    }
    segment = create_segment(
        "Subscribed",
        {"conditions": [{"field": "EMAIL_CONSENT", "operator": "EQ", "value": "SUBSCRIBED"}]},
    )
    campaign = create_campaign(
        {
            "name": "Tier spring sale",
            "segment": segment,
            "subject": "A code for you, {{customer.first_name}}",
            "body": BODY,
            "from_email": "shop@example.com",
            "offer": {
                "discount_type": "PERCENTAGE",
                "value": "20",
                "valid_days": 7,
                "channel": channel_USD.slug,
            },
        }
    )

    # when: sent, as the tasks do
    schedule_campaign(campaign)
    assert sending.start_campaign(campaign.pk)
    sending.run_sender(campaign.pk)

    # then: one Saleor voucher, one single-use code per recipient
    recipients = {r.email: r for r in CampaignRecipient.objects.filter(campaign=campaign)}
    assert set(recipients) == {customer_user.email, other.email}
    assert {r.status for r in recipients.values()} == {RecipientStatus.SENT}
    offer = Offer.objects.get()
    voucher = Voucher.objects.get(pk=offer.external_id)
    assert voucher.single_use is True
    assert sorted(voucher.codes.values_list("code", flat=True)) == sorted(
        r.offer_code for r in recipients.values()
    )
    # and the mail went out over SMTP, as EMAIL_URL configures it
    messages = {m["To"]: m for m in smtp_from_email_url.messages}
    assert set(messages) == {customer_user.email, other.email}
    mine = messages[customer_user.email]
    code = recipients[customer_user.email].offer_code
    unsubscribe = mine["List-Unsubscribe"]
    assert "<https://api.shop.example.com/plugins/global/saleor.crm/campaigns/unsubscribe/" in (
        unsubscribe
    )
    assert "<mailto:" in unsubscribe
    assert mine["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert code in mine.get_body(("plain",)).get_content()
    assert code in mine.get_body(("html",)).get_content()
    assert recipients[other.email].offer_code not in mine.as_string()

    # when: the customer applies their code and buys
    checkout = checkout_with_item
    checkout.user, checkout.email = customer_user, customer_user.email
    checkout.save()
    second_checkout = clone_checkout(checkout)
    assert add_promo_code(user_api_client, checkout, "NO-SUCH-CODE")["errors"]
    total = get_graphql_content(
        user_api_client.post_graphql(
            CHECKOUT_TOTAL, {"id": graphene.Node.to_global_id("Checkout", checkout.pk)}
        )
    )["data"]["checkout"]["totalPrice"]["gross"]["amount"]
    applied = add_promo_code(user_api_client, checkout, code)
    assert applied["errors"] == []
    undiscounted = Decimal(str(total))
    discounted = Decimal(str(applied["checkout"]["totalPrice"]["gross"]["amount"]))
    assert discounted < undiscounted
    checkout.refresh_from_db()  # completing saves it: keep the code Saleor stored
    assert checkout.voucher_code == code
    order = complete_checkout(user_api_client, checkout, payment_dummy, address, set_delivery)
    assert order.voucher_code == code

    # then: the order is the campaign's
    content = crm(
        STATS, {"id": graphene.Node.to_global_id("Campaign", campaign.pk)}, token=manager_token
    ).json()
    assert "errors" not in content, content
    stats = content["data"]["campaign"]["stats"]
    assert stats["recipients"] == stats["sent"] == 2
    assert stats["orders"] == 1
    assert stats["revenue"] == {"amount": float(order.total_gross_amount), "currency": "USD"}
    assert stats["revenuePerRecipient"] == pytest.approx(float(order.total_gross_amount) / 2)
    # and the code is spent: refused on a second checkout
    refused = add_promo_code(user_api_client, second_checkout, code)
    assert refused["errors"]
    assert refused["errors"][0]["field"] == "promoCode"
    assert VoucherCode.objects.get(code=code).is_active is False
