"""customerDataExport and crm_export_customer: everything the CRM holds on a
person as one JSON document, as the requestor may see it, with typed errors."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.commerce.models import CheckoutFact
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.interactions.models import Interaction
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.models import CustomerProfile, ProfileRead
from saleor_crm_plugin.snapshots import CustomerSnapshot
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import Ticket
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

EXPORT = """
mutation Export($email: String!) {
  customerDataExport(email: $email) {
    errors { field code message }
    export
  }
}
"""
FULL = frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS})
STAFF = Requestor(kind=RequestorKind.STAFF, user_id="3", permissions=FULL)
WITHOUT_ORDERS = Requestor(
    kind=RequestorKind.STAFF, user_id="4", permissions=frozenset({CRMPermission.MANAGE_USERS})
)
ONE_CHANNEL = Requestor(
    kind=RequestorKind.STAFF, user_id="5", permissions=FULL, channels=frozenset({"channel-eu"})
)
NOW = timezone.now().replace(microsecond=0)


def export(email, requestor=STAFF):
    result = execute(EXPORT, requestor=requestor, variables={"email": email})
    assert result.errors is None, result.errors
    return result.data["customerDataExport"]


@pytest.fixture
def sam(user_factory):
    return user_factory("sam@shop.example", first_name="Sam", last_name="Staff", is_staff=True)


@pytest.fixture
def ann_in_the_crm(ann, sam):
    t0 = NOW - timedelta(days=10)
    ingest("customer_created", f.customer(ann, updated_at=t0))
    ingest("checkout_created", f.checkout("cart-1", created_at=t0))
    ingest(
        "order_created",
        f.order("order-us", total="40.00", created_at=t0 + timedelta(hours=1), number="1001"),
    )
    ingest(
        "order_created",
        f.order(
            "order-eu",
            total="15.00",
            currency="EUR",
            created_at=t0 + timedelta(days=1),
            number="1002",
            channel="channel-eu",
        ),
    )
    CustomerProfile.objects.update(tags=["vip"], note="Prefers decaf")
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Grinder", body="It makes a noise.", email="ann@example.com"),
        desk.Author(kind="customer", name="Ann Lee"),
    )
    sam_author = desk.Author(kind="staff", user_id=sam.pk, name=sam.email)
    desk.staff_reply(ticket, "<p>Which model?</p>", sam_author)
    desk.add_note(ticket, "<p>Regular customer.</p>", sam_author)
    log_interaction(
        InteractionInput(
            channel="phone",
            direction="outbound",
            email="ann@example.com",
            subject="Called back",
            body="About the grinder",
            author_user_id=sam.pk,
            author_name=sam.email,
        )
    )
    return ticket


def test_export_holds_everything_on_the_person(ann_in_the_crm):
    # when
    with freeze_time(NOW):
        payload = export("  Ann@Example.com ")

    # then
    assert payload["errors"] == []
    document = payload["export"]
    assert document["format"] == "saleor-crm-customer-data/1"
    assert document["exportedAt"] == NOW.isoformat()
    assert (document["email"], document["complete"], document["omitted"]) == (
        "ann@example.com",
        True,
        [],
    )
    profile = document["profile"]
    assert (profile["email"], profile["firstName"], profile["lastName"]) == (
        "ann@example.com",
        "Ann",
        "Lee",
    )
    assert (profile["tags"], profile["note"], profile["ordersCount"]) == (
        ["vip"],
        "Prefers decaf",
        2,
    )
    assert {s["currency"] for s in profile["spendByCurrency"]} == {"USD", "EUR"}
    assert [o["number"] for o in document["orders"]] == ["1001", "1002"]
    assert document["orders"][0]["total"] == {"amount": "40.00", "currency": "USD"}
    assert document["orders"][0]["lines"][0]["productName"] == "Espresso beans"
    assert [c["token"] for c in document["checkouts"]] == ["cart-1"]
    types = [entry["type"] for entry in document["timeline"]]
    assert {"account_created", "order_placed", "checkout_started", "ticket_opened"} <= set(types)
    assert {"interaction"} <= set(types)
    (ticket,) = document["tickets"]
    assert ticket["subject"] == "Grinder"
    assert [(m["kind"], m["authorKind"], m["author"]) for m in ticket["messages"]] == [
        ("reply", "customer", "Ann Lee"),
        ("reply", "staff", "Sam Staff"),
        ("note", "staff", "Sam Staff"),
    ]
    (interaction,) = document["interactions"]
    assert (interaction["subject"], interaction["author"]) == ("Called back", "Sam Staff")
    assert document["satisfaction"] == {"average": None, "count": 0}
    # Staff are named, never by email; and the document is plain JSON.
    assert "sam@shop.example" not in json.dumps(document)


def test_order_data_needs_manage_orders_and_follows_the_channels(ann_in_the_crm):
    # when
    without_orders = export("ann@example.com", WITHOUT_ORDERS)["export"]
    one_channel = export("ann@example.com", ONE_CHANNEL)["export"]

    # then: customer service gets the person without their orders
    assert without_orders["complete"] is False
    assert without_orders["omitted"] == [
        "orders",
        "orderFigures",
        "orderTimeline",
        "orderReferences",
    ]
    assert without_orders["orders"] == []
    assert "ordersCount" not in without_orders["profile"]
    assert "totalSpent" not in without_orders["profile"]
    assert not any(e["objectType"] == "order" for e in without_orders["timeline"])
    assert without_orders["tickets"][0]["subject"] == "Grinder"
    # ... staff of one channel get that channel's orders, and no cross-channel figures
    assert one_channel["complete"] is False
    assert [o["number"] for o in one_channel["orders"]] == ["1002"]
    assert "ordersCount" not in one_channel["profile"]
    order_entries = {e["objectId"] for e in one_channel["timeline"] if e["objectType"] == "order"}
    assert order_entries == {"order-eu"}


def test_order_references_and_carts_follow_the_order_rights(ann_in_the_crm):
    # given: the ticket and a call about the channel-us order; the cart is of that channel
    Ticket.objects.update(order_id="order-us")
    Interaction.objects.update(order_id="order-us")
    CheckoutFact.objects.update(completed_order_id="order-us")

    # when
    everything = export("ann@example.com")["export"]
    without_orders = export("ann@example.com", WITHOUT_ORDERS)["export"]
    one_channel = export("ann@example.com", ONE_CHANNEL)["export"]

    # then
    assert everything["tickets"][0]["order"] == "order-us"
    assert everything["interactions"][0]["order"] == "order-us"
    assert everything["checkouts"][0]["completedOrder"] == "order-us"
    assert without_orders["tickets"][0]["order"] is None
    assert without_orders["interactions"][0]["order"] is None
    assert without_orders["checkouts"][0]["completedOrder"] is None
    assert "orderReferences" in without_orders["omitted"]
    assert one_channel["tickets"][0]["order"] is None
    assert one_channel["interactions"][0]["order"] is None
    assert one_channel["checkouts"] == []
    assert not any(e["objectType"] == "checkout" for e in one_channel["timeline"])
    assert {"orderReferencesOfOtherChannels", "checkoutsOfOtherChannels"} <= set(
        one_channel["omitted"]
    )
    assert "order-us" not in json.dumps([without_orders, one_channel])


@pytest.mark.parametrize(
    ("email", "code", "field"),
    [
        ("", "REQUIRED", "email"),
        ("not-an-email", "INVALID", "email"),
        ("nobody@example.com", "NOT_FOUND", "email"),
        ("a\u0000@example.com", "INVALID", "email"),
    ],
)
def test_export_refusals_are_typed(ann_in_the_crm, email, code, field):
    # when
    payload = export(email)

    # then
    assert payload["export"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert not ProfileRead.objects.filter(kind="export").exists()


def test_export_of_an_erased_customer_says_so(ann_in_the_crm, ann):
    # given
    ingest(
        "customer_deleted",
        CustomerSnapshot(user_id=str(ann.pk), email=ann.email, updated_at=timezone.now()),
    )

    # when
    payload = export("ann@example.com")

    # then
    assert payload["export"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("email", "ERASED")]


def test_export_by_an_address_the_customer_used_before(ann_in_the_crm):
    # given: the account's email changed; the old orders keep the old one
    CustomerProfile.objects.update(email="ann.lee@example.com")

    # when
    document = export("ann@example.com")["export"]

    # then
    assert document["profile"]["email"] == "ann.lee@example.com"
    assert len(document["orders"]) == 2


def test_export_of_an_address_the_crm_no_longer_accepts_for_new_records():
    # given: Saleor took an order from a quoted address (Django's validator accepts it)
    ingest("order_created", f.order("o-quoted", email='"ann"@example.com'))

    # when
    data = export('"ann"@example.com')

    # then
    assert data["errors"] == []
    assert data["export"]["profile"]["email"] == '"ann"@example.com'


@pytest.mark.parametrize(
    "requestor",
    [
        Requestor.anonymous(),
        Requestor(kind=RequestorKind.CUSTOMER, user_id="1", email="ann@example.com"),
        Requestor(kind=RequestorKind.STAFF, user_id="2"),
    ],
    ids=["anonymous", "the customer herself", "staff without permissions"],
)
def test_export_is_for_staff_only(ann_in_the_crm, requestor):
    # when
    result = execute(EXPORT, requestor=requestor, variables={"email": "ann@example.com"})

    # then
    assert result.errors[0].original_error.code == "PermissionDenied"
    assert not (result.data or {}).get("customerDataExport")
    assert not ProfileRead.objects.exists()


def test_export_is_recorded_in_the_read_audit(ann_in_the_crm):
    # when
    export("ann@example.com")
    export("ann@example.com")

    # then: one export record in the window, by that staff member
    assert list(ProfileRead.objects.values_list("kind", "reader_kind", "reader_id")) == [
        ("export", "staff", "3")
    ]


def test_command_writes_the_same_document(ann_in_the_crm, tmp_path):
    # given
    out = StringIO()

    # when
    with freeze_time(NOW):
        call_command("crm_export_customer", "ann@example.com", stdout=out)
        call_command(
            "crm_export_customer", "ann@example.com", "--output", str(tmp_path / "ann.json")
        )
        via_api = export("ann@example.com")["export"]

    # then
    printed = json.loads(out.getvalue())
    assert printed == via_api
    assert json.loads((tmp_path / "ann.json").read_text()) == via_api
    assert ProfileRead.objects.filter(kind="export", reader_kind="command").count() == 1


def test_command_refusal_is_an_error_with_its_code(ann_in_the_crm):
    # when / then
    with pytest.raises(CommandError, match="NOT_FOUND: The CRM holds no data on this email."):
        call_command("crm_export_customer", "nobody@example.com")
