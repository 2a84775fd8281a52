"""Personal offers: the terms, idempotent issuing of single-use codes through
the offers backend (the local one here), and the help desk's order actions
on a ticket (a goodwill voucher; refunds, which need Saleor).
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.commerce.order_actions import Refund
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.marketing.models import Offer, OfferCode
from saleor_crm_plugin.marketing.offers import (
    MAX_VALID_DAYS,
    ChannelInfo,
    LocalOffersBackend,
    OfferError,
    OfferSpec,
    issue_offer_codes,
    offers_backend,
    validate_offer,
)
from saleor_crm_plugin.profiles.models import TimelineEvent, TimelineEventType
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketRefund, TicketVoucher
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

SPEC = OfferSpec(discount_type="PERCENTAGE", value=Decimal(10), valid_days=14, channel="eu")


class StoreBackend(LocalOffersBackend):
    """A backend that knows the store's channels, as Saleor's does."""

    name = "store"
    CHANNELS = {"eu": ChannelInfo("eu", "EUR"), "jp": ChannelInfo("jp", "JPY")}

    def channel(self, slug):
        return self.CHANNELS.get(slug)


def codes_of(errors):
    return [(error.field, error.code) for error in errors]


# --- the terms ---------------------------------------------------------------


def test_valid_spec_has_no_errors():
    assert validate_offer(SPEC) == []
    assert validate_offer(replace(SPEC, discount_type="FIXED", value=Decimal("5.50"))) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"discount_type": "BOGO"}, [("discountType", "invalid")]),
        ({"value": Decimal(0)}, [("value", "invalid")]),
        ({"value": Decimal(-1)}, [("value", "invalid")]),
        ({"value": Decimal("100.5")}, [("value", "invalid")]),
        ({"value": "NaN"}, [("value", "invalid")]),
        ({"value": "ten"}, [("value", "invalid")]),
        ({"value": Decimal("1.0001")}, [("value", "invalid_precision")]),
        ({"discount_type": "FIXED", "value": Decimal("1e308")}, [("value", "invalid")]),
        ({"minimum_spent": Decimal("1e308")}, [("minimumSpent", "invalid")]),
        ({"minimum_spent": Decimal("5e-324")}, [("minimumSpent", "invalid_precision")]),
        ({"valid_days": 0}, [("validDays", "invalid")]),
        ({"valid_days": MAX_VALID_DAYS + 1}, [("validDays", "invalid")]),
        ({"valid_days": True}, [("validDays", "invalid")]),
        ({"channel": "  "}, [("channel", "required")]),
        ({"channel": "x" * 256}, [("channel", "invalid")]),
        ({"minimum_spent": Decimal(-1)}, [("minimumSpent", "invalid")]),
        (
            {"discount_type": "FIXED", "value": Decimal(0), "valid_days": 0},
            [("value", "invalid"), ("validDays", "invalid")],
        ),
    ],
)
def test_invalid_spec_gets_typed_errors_per_field(changes, expected):
    assert codes_of(validate_offer(replace(SPEC, **changes))) == expected


def test_percentage_of_100_is_allowed():
    assert validate_offer(replace(SPEC, value=Decimal(100))) == []


def test_backend_that_knows_channels_checks_channel_and_currency():
    backend = StoreBackend()
    assert codes_of(validate_offer(replace(SPEC, channel="us"), backend)) == [
        ("channel", "not_found")
    ]
    # JPY has no minor unit: a fixed 5.5 or a minimum of 10.5 JPY cannot exist.
    fixed_yen = replace(SPEC, channel="jp", discount_type="FIXED", value=Decimal("5.5"))
    assert codes_of(validate_offer(fixed_yen, backend)) == [("value", "invalid_precision")]
    minimum_yen = replace(SPEC, channel="jp", minimum_spent=Decimal("10.5"))
    assert codes_of(validate_offer(minimum_yen, backend)) == [("minimumSpent", "invalid_precision")]
    # A percentage is not money: decimals allowed in any currency.
    assert validate_offer(replace(SPEC, channel="jp", value=Decimal("7.5")), backend) == []


def test_field_prefix_names_the_input_path():
    errors = validate_offer(replace(SPEC, value=Decimal(0)), field_prefix="offer.")
    assert codes_of(errors) == [("offer.value", "invalid")]


# --- issuing -----------------------------------------------------------------


def test_standalone_default_backend_is_local():
    assert isinstance(offers_backend(), LocalOffersBackend)
    assert offers_backend().redeemable is False


def test_issue_gives_each_recipient_its_own_code():
    issued = issue_offer_codes("campaign:1", SPEC, ["p1", "p2", "p3"], name="Spring")
    assert set(issued) == {"p1", "p2", "p3"}
    assert len({code.code for code in issued.values()}) == 3
    offer = Offer.objects.get()
    assert (offer.key, offer.name, offer.backend, offer.channel) == (
        "campaign:1",
        "Spring",
        "local",
        "eu",
    )
    assert {code.expires_at for code in issued.values()} == {offer.expires_at}
    assert (offer.expires_at - offer.created_at).days in (13, 14)
    assert all(len(code.code) == 14 and code.code.count("-") == 2 for code in issued.values())


def test_issue_is_idempotent_and_adds_only_new_recipients():
    first = issue_offer_codes("campaign:1", SPEC, ["p1", "p2"], name="Spring")
    again = issue_offer_codes("campaign:1", SPEC, ["p2", "p1", "p3", "p3"], name="Spring")
    assert again["p1"] == first["p1"]
    assert again["p2"] == first["p2"]
    assert again["p3"].code not in {first["p1"].code, first["p2"].code}
    assert Offer.objects.count() == 1
    assert OfferCode.objects.count() == 3


def test_keys_are_separate_offers():
    a = issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
    b = issue_offer_codes("campaign:2", SPEC, ["p1"], name="B")
    assert a["p1"].code != b["p1"].code
    assert Offer.objects.count() == 2


def test_same_key_with_other_terms_is_refused_and_writes_nothing():
    issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
    with pytest.raises(OfferError) as refused:
        issue_offer_codes("campaign:1", replace(SPEC, value=Decimal(20)), ["p2"], name="A")
    assert (refused.value.field, refused.value.code) == ("key", "conflict")
    assert OfferCode.objects.count() == 1


def test_invalid_spec_writes_nothing():
    with pytest.raises(OfferError):
        issue_offer_codes("campaign:1", replace(SPEC, valid_days=0), ["p1"], name="A")
    assert not Offer.objects.exists()


@pytest.mark.parametrize("key", ["", " ", "k" * 256])
def test_bad_key_is_refused(key):
    with pytest.raises(OfferError) as refused:
        issue_offer_codes(key, SPEC, ["p1"], name="A")
    assert refused.value.field == "key"


def test_issuing_thousands_of_codes_takes_a_few_statements():
    recipients = [f"profile:{n}" for n in range(5000)]
    with CaptureQueriesContext(connection) as first:
        issued = issue_offer_codes("campaign:big", SPEC, recipients, name="Big")
    assert len({code.code for code in issued.values()}) == 5000
    # Per chunk of 2,000: look up, check fresh codes, insert; plus the offer.
    assert len(first.captured_queries) <= 20
    with CaptureQueriesContext(connection) as again:
        assert issue_offer_codes("campaign:big", SPEC, recipients, name="Big") == issued
    assert len(again.captured_queries) <= 8


def test_backend_failure_rolls_everything_back():
    class Failing(LocalOffersBackend):
        def create_codes(self, offer, count):
            raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        issue_offer_codes("campaign:1", SPEC, ["p1"], name="A", backend=Failing())
    assert not Offer.objects.exists()


def test_backend_chosen_by_setting(settings):
    from saleor_crm_plugin.marketing import offers

    settings.SALEOR_CRM_OFFERS_BACKEND = "tests.test_offers.StoreBackend"
    offers._backend_class.cache_clear()
    try:
        issued = issue_offer_codes("campaign:1", SPEC, ["p1"], name="A")
        assert Offer.objects.get().backend == "store"
        assert Offer.objects.get().currency == "EUR"
        assert issued["p1"].code
    finally:
        offers._backend_class.cache_clear()


# --- from a ticket -----------------------------------------------------------

STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id="3",
    email="sam@shop.example",
    permissions=frozenset(
        {CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS, CRMPermission.MANAGE_DISCOUNTS}
    ),
)

ISSUE = """
mutation ($id: ID!, $input: TicketVoucherInput!) {
  ticketIssueVoucher(id: $id, input: $input) {
    voucher { code expiresAt discountType value channel minimumSpent voucher note }
    ticket { vouchers { code } messages(first: 10) { edges { node { kind authorKind body } } } }
    errors { field code message }
  }
}
"""

REFUND = """
mutation ($id: ID!, $input: TicketRefundInput!) {
  ticketRefundOrder(id: $id, input: $input) {
    refund { amount { amount currency } }
    errors { field code message }
  }
}
"""

TICKET_ACTIONS = """
query ($id: ID!) { ticket(id: $id) { vouchers { code } refunds { reason } } }
"""

VOUCHER = {"discountType": "PERCENTAGE", "value": "15", "validDays": 30, "channel": "eu"}


@pytest.fixture
def ticket(ann):
    ingest("order_created", f.order("o-ann", email="ann@example.com", total="80.00"))
    opened = desk.open_ticket(
        desk.NewTicket(subject="Broken grinder", body="It rattles.", email="ann@example.com"),
        desk.Author(kind="staff", name="Sam"),
    )
    return desk.link_order(opened, "o-ann")


def run(query, variables, requestor=STAFF):
    result = execute(query, requestor=requestor, variables=variables)
    assert result.errors is None, result.errors
    return result.data


def test_ticket_voucher_is_a_personal_code_recorded_on_ticket_and_timeline(ticket):
    data = run(
        ISSUE,
        {"id": to_global_id("Ticket", ticket.pk), "input": {**VOUCHER, "note": "Sorry!"}},
    )["ticketIssueVoucher"]
    assert data["errors"] == []
    voucher = data["voucher"]
    assert voucher["discountType"] == "PERCENTAGE"
    assert Decimal(voucher["value"]) == 15
    assert (voucher["channel"], voucher["note"], voucher["voucher"]) == ("eu", "Sorry!", None)
    assert data["ticket"]["vouchers"] == [{"code": voucher["code"]}]
    note = data["ticket"]["messages"]["edges"][-1]["node"]
    assert (note["kind"], note["authorKind"]) == ("NOTE", "SYSTEM")
    assert voucher["code"] in note["body"]
    offer = Offer.objects.get()
    assert offer.key == f"ticket:{ticket.pk}:1"
    assert offer.codes.get().recipient_key == f"profile:{ticket.profile_id}"
    event = TimelineEvent.objects.get(type=TimelineEventType.VOUCHER_ISSUED)
    assert (event.profile_id, event.data["code"]) == (ticket.profile_id, voucher["code"])


def test_second_ticket_voucher_is_a_new_offer(ticket):
    variables = {"id": to_global_id("Ticket", ticket.pk), "input": VOUCHER}
    first = run(ISSUE, variables)["ticketIssueVoucher"]["voucher"]["code"]
    second = run(ISSUE, variables)["ticketIssueVoucher"]["voucher"]["code"]
    assert first != second
    assert Offer.objects.count() == 2
    assert TicketVoucher.objects.filter(ticket=ticket).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"value": "0"}, "value", "INVALID"),
        ({"value": "101"}, "value", "INVALID"),
        ({"validDays": 0}, "validDays", "INVALID"),
        ({"channel": ""}, "channel", "REQUIRED"),
        ({"note": "x" * 2001}, "note", "INVALID"),
    ],
)
def test_bad_ticket_voucher_gets_typed_error_and_writes_nothing(ticket, changes, field, code):
    messages = ticket.messages.count()
    data = run(ISSUE, {"id": to_global_id("Ticket", ticket.pk), "input": {**VOUCHER, **changes}})
    assert [(e["field"], e["code"]) for e in data["ticketIssueVoucher"]["errors"]] == [
        (field, code)
    ]
    assert not Offer.objects.exists()
    assert not TicketVoucher.objects.exists()
    assert ticket.messages.count() == messages


def test_unverified_ticket_gets_no_voucher():
    opened = desk.open_ticket(
        desk.NewTicket(subject="Hi", body="Hello", email="guest@example.com", verified=False),
        desk.Author(kind="customer", name="guest@example.com"),
    )
    data = run(ISSUE, {"id": to_global_id("Ticket", opened.pk), "input": VOUCHER})
    assert data["ticketIssueVoucher"]["errors"][0]["code"] == "INVALID"
    assert not Offer.objects.exists()


def test_ticket_voucher_needs_manage_discounts(ticket):
    without = replace(STAFF, permissions=frozenset({CRMPermission.MANAGE_USERS}))
    result = execute(
        ISSUE,
        requestor=without,
        variables={"id": to_global_id("Ticket", ticket.pk), "input": VOUCHER},
    )
    assert result.errors
    assert "MANAGE_DISCOUNTS" in str(result.errors[0])
    assert not Offer.objects.exists()


def test_refund_is_refused_standalone_with_a_typed_error(ticket):
    messages = ticket.messages.count()
    data = run(
        REFUND, {"id": to_global_id("Ticket", ticket.pk), "input": {"amount": "10", "reason": "x"}}
    )["ticketRefundOrder"]
    assert data["refund"] is None
    assert [e["code"] for e in data["errors"]] == ["UNAVAILABLE"]
    assert "Saleor" in data["errors"][0]["message"]
    assert not TicketRefund.objects.exists()
    assert ticket.messages.count() == messages


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0", "INVALID"), ("-5", "INVALID"), ("80.001", "INVALID"), ("1e308", "INVALID")],
)
def test_refund_amount_is_checked_before_the_store_is_asked(ticket, amount, code):
    data = run(REFUND, {"id": to_global_id("Ticket", ticket.pk), "input": {"amount": amount}})
    assert [(e["field"], e["code"]) for e in data["ticketRefundOrder"]["errors"]] == [
        ("amount", code)
    ]


def test_refund_more_than_the_order_total_is_refused(ticket):
    data = run(REFUND, {"id": to_global_id("Ticket", ticket.pk), "input": {"amount": "80.01"}})
    assert data["ticketRefundOrder"]["errors"][0]["field"] == "amount"


class RecordingActions:
    available = True
    calls: list = []

    def refund(self, order_id, amount, reason, requestor):
        RecordingActions.calls.append((order_id, amount, reason, requestor.user_id))
        return Refund(
            reference="R1", status="success", amount=amount, currency="USD", kind="payment"
        )


def test_refund_through_the_order_actions_backend_is_recorded(ticket, settings):
    from saleor_crm_plugin.commerce import order_actions

    settings.SALEOR_CRM_ORDER_ACTIONS = "tests.test_offers.RecordingActions"
    order_actions._actions_class.cache_clear()
    RecordingActions.calls = []
    try:
        data = run(
            REFUND,
            {
                "id": to_global_id("Ticket", ticket.pk),
                "input": {"amount": "12.50", "reason": "Late"},
            },
        )["ticketRefundOrder"]
    finally:
        order_actions._actions_class.cache_clear()
    assert data == {"refund": {"amount": {"amount": 12.5, "currency": "USD"}}, "errors": []}
    assert RecordingActions.calls == [("o-ann", Decimal("12.50"), "Late", "3")]
    row = TicketRefund.objects.get()
    assert (row.order_id, row.reference, row.status, row.store_status) == (
        "o-ann",
        "R1",
        "started",
        "success",
    )
    event = TimelineEvent.objects.get(type=TimelineEventType.REFUND_STARTED)
    assert event.data["amount"] == "12.50"
    shown = run(TICKET_ACTIONS, {"id": to_global_id("Ticket", ticket.pk)})["ticket"]
    assert shown["refunds"] == [{"reason": "Late"}]
    # Refunds are order data: hidden without MANAGE_ORDERS.
    without = replace(STAFF, permissions=frozenset({CRMPermission.MANAGE_USERS}))
    hidden = execute(
        TICKET_ACTIONS, requestor=without, variables={"id": to_global_id("Ticket", ticket.pk)}
    )
    assert hidden.data["ticket"]["refunds"] is None


def test_refund_needs_a_linked_order(ann):
    opened = desk.open_ticket(
        desk.NewTicket(subject="Hi", body="Hello", email="ann@example.com"),
        desk.Author(kind="staff", name="Sam"),
    )
    data = run(REFUND, {"id": to_global_id("Ticket", opened.pk), "input": {"amount": "1"}})
    assert [e["code"] for e in data["ticketRefundOrder"]["errors"]] == ["REQUIRED"]


def test_refund_needs_manage_orders(ticket):
    without = replace(
        STAFF, permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_DISCOUNTS})
    )
    result = execute(
        REFUND,
        requestor=without,
        variables={"id": to_global_id("Ticket", ticket.pk), "input": {"amount": "1"}},
    )
    assert result.errors
    assert "MANAGE_ORDERS" in str(result.errors[0])


def test_ticket_actions_query_counts(ticket, django_assert_max_num_queries):
    for _ in range(3):
        run(ISSUE, {"id": to_global_id("Ticket", ticket.pk), "input": VOUCHER})
    with django_assert_max_num_queries(4):
        data = run(TICKET_ACTIONS, {"id": to_global_id("Ticket", ticket.pk)})
    assert len(data["ticket"]["vouchers"]) == 3
