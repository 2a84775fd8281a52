"""Least privilege as Saleor has it: a customer's orders need MANAGE_ORDERS,
and staff restricted to some channels see only those channels' orders.

Ann bought twice in channel-eu (tea, then coffee) and once, for more, in
channel-us; Bob only in channel-us. ``staff`` sees every channel,
``staff_in_one_channel`` channel-eu only, ``staff_without_orders`` holds
MANAGE_USERS alone (see tests/conftest.py).
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.interactions.models import Interaction
from saleor_crm_plugin.models import CustomerProfile
from saleor_crm_plugin.tickets.models import Ticket
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

PROFILE = """
query ($email: String) {
  customerProfile(email: $email) {
    email lifecycleStage ordersCount firstOrderAt lastOrderAt channels
    totalSpent { amount currency }
    averageOrderValue { amount currency }
    spendByCurrency { currency ordersCount totalSpent { amount } }
    unconvertedSpend { amount currency }
    favouriteProducts { name quantity }
    favouriteCategories { name }
    orders(first: 10) { totalCount edges { node { id channel } } }
    timeline(first: 50) { totalCount edges { node { type objectType objectId } } }
  }
}
"""

LIST = """
query ($first: Int, $filter: CustomerProfileFilterInput, $sortBy: CustomerProfileSortingInput) {
  customerProfiles(first: $first, filter: $filter, sortBy: $sortBy) {
    edges { node { email ordersCount totalSpent { amount } channels lastOrderAt } }
  }
}
"""

STATS = "{ crmCustomerStats { newVsReturning(period: MONTH, last: 12) { new returning } } }"

TICKET_CREATE = """
mutation ($order: ID) {
  ticketCreate(input: {customerEmail: "ann@example.com", subject: "Late", body: "Where is it?",
                       order: $order}) {
    ticket { order } errors { field code }
  }
}
"""

INTERACTION_CREATE = """
mutation ($order: ID) {
  interactionCreate(input: {customerEmail: "ann@example.com", channel: PHONE,
                            direction: INBOUND, subject: "Call", order: $order}) {
    interaction { order } errors { field code }
  }
}
"""

LINK = """
mutation ($id: ID!, $order: ID) {
  ticketLinkOrder(id: $id, order: $order) { ticket { order } errors { field code } }
}
"""


def order_id(pk: str) -> str:
    return to_global_id("Order", pk)


@pytest.fixture
def shop(ann):
    now = timezone.now()
    ingest("customer_created", f.customer(ann))
    tea, coffee = f.line("Tea", price="20.00"), f.line("Espresso beans", 3, price="100.00")
    for pk, email, channel, days, total, lines in (
        ("o-eu-1", "ann@example.com", "channel-eu", 30, "20.00", (tea,)),
        ("o-eu-2", "ann@example.com", "channel-eu", 3, "80.00", (f.line("Mug", price="80.00"),)),
        ("o-us-1", "ann@example.com", "channel-us", 10, "300.00", (coffee,)),
        ("o-us-2", "bob@example.com", "channel-us", 5, "40.00", (f.line(price="40.00"),)),
    ):
        ingest(
            "order_created",
            f.order(
                pk,
                email=email,
                channel=channel,
                total=total,
                lines=lines,
                created_at=now - timedelta(days=days),
            ),
        )
    recompute_all_profiles()


def profile(gql, as_):
    data, errors = gql(PROFILE, {"email": "ann@example.com"}, as_=as_)
    return data["customerProfile"], errors


def test_staff_in_all_channels_see_every_order(gql, shop):
    # when
    ann, errors = profile(gql, "staff")

    # then
    assert not errors
    assert ann["ordersCount"] == 3
    assert ann["totalSpent"] == {"amount": 400.0, "currency": "USD"}
    assert ann["channels"] == ["channel-eu", "channel-us"]
    assert ann["orders"]["totalCount"] == 3


def test_staff_restricted_to_a_channel_see_its_orders_and_figures_only(gql, shop):
    # when
    ann, errors = profile(gql, "staff_in_one_channel")

    # then: figures from the two channel-eu orders, as if the others did not exist
    assert not errors
    stored = CustomerProfile.objects.get(email="ann@example.com")
    assert ann["ordersCount"] == 2
    assert ann["totalSpent"] == {"amount": 100.0, "currency": "USD"}
    assert ann["averageOrderValue"] == {"amount": 50.0, "currency": "USD"}
    assert ann["spendByCurrency"] == [
        {"currency": "USD", "ordersCount": 2, "totalSpent": {"amount": 100.0}}
    ]
    assert ann["unconvertedSpend"] == []
    assert ann["channels"] == ["channel-eu"]
    assert ann["firstOrderAt"] == stored.first_order_at.isoformat()
    assert ann["lastOrderAt"] == stored.last_order_at.isoformat()  # o-eu-2 is her last
    assert {p["name"] for p in ann["favouriteProducts"]} == {"Tea", "Mug"}
    assert ann["orders"]["totalCount"] == 2
    assert {e["node"]["channel"] for e in ann["orders"]["edges"]} == {"channel-eu"}
    about_orders = {
        e["node"]["objectId"]
        for e in ann["timeline"]["edges"]
        if e["node"]["objectType"] == "ORDER"
    }
    assert about_orders == {order_id("o-eu-1"), order_id("o-eu-2")}
    # The stage is store-wide (a segment, no amounts): the same for everyone.
    assert ann["lifecycleStage"] == stored.lifecycle_stage.upper()


def test_staff_without_manage_orders_see_the_customer_but_no_orders(gql, shop):
    # when
    ann, errors = profile(gql, "staff_without_orders")

    # then: each order field is null with its own error; the rest is there
    assert ann["email"] == "ann@example.com"
    assert ann["lifecycleStage"]
    denied = {tuple(e.path) for e in errors if e.original_error.code == "PermissionDenied"}
    assert denied == {
        ("customerProfile", name)
        for name in (
            "ordersCount",
            "firstOrderAt",
            "lastOrderAt",
            "channels",
            "totalSpent",
            "averageOrderValue",
            "spendByCurrency",
            "unconvertedSpend",
            "favouriteProducts",
            "favouriteCategories",
            "orders",
        )
    }
    assert ann["totalSpent"] is None
    assert ann["orders"] is None
    kinds = {e["node"]["objectType"] for e in ann["timeline"]["edges"]}
    assert "ORDER" not in kinds
    assert "USER" in kinds  # the account's own entries stay
    assert ann["timeline"]["totalCount"] == len(ann["timeline"]["edges"])


def test_restricted_staff_list_figures_cost_one_query_whatever_the_page(gql, shop):
    # given
    for n in range(30):
        ingest(
            "order_created",
            f.order(f"o-{n}", email=f"c{n}@example.com", channel="channel-eu", total="5.00"),
        )

    def queries(first: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            data, errors = gql(LIST, {"first": first}, as_="staff_in_one_channel")
        assert not errors
        assert len(data["customerProfiles"]["edges"]) == first
        return len(captured)

    # when / then
    assert queries(2) == queries(20)
    data, _ = gql(LIST, {"first": 100}, as_="staff_in_one_channel")
    by_email = {e["node"]["email"]: e["node"] for e in data["customerProfiles"]["edges"]}
    assert by_email["ann@example.com"]["totalSpent"] == {"amount": 100.0}
    assert by_email["bob@example.com"]["ordersCount"] == 0
    assert by_email["bob@example.com"]["channels"] == []
    assert by_email["bob@example.com"]["lastOrderAt"] is None


def test_spend_filters_and_sorts_need_every_channel_counts_do_not(gql, shop):
    # when
    spend_filter = gql(
        LIST, {"first": 5, "filter": {"totalSpent": {"gte": 1}}}, as_="staff_in_one_channel"
    )
    spend_sort = gql(
        LIST,
        {"first": 5, "sortBy": {"field": "TOTAL_SPENT", "direction": "DESC"}},
        as_="staff_in_one_channel",
    )
    count_filter = gql(
        "query ($filter: CustomerProfileFilterInput) { customerProfiles(first: 5, filter: $filter) "
        "{ edges { node { email } } } }",
        {"filter": {"ordersCount": {"gte": 3}}},
        as_="staff_without_orders",
    )
    everywhere = gql(
        LIST, {"first": 5, "sortBy": {"field": "TOTAL_SPENT", "direction": "DESC"}}, as_="staff"
    )

    # then
    for data, errors in (spend_filter, spend_sort):
        assert data["customerProfiles"] is None
        assert errors[0].original_error.code == "PermissionDenied"
        assert "access to all channels" in errors[0].message
    # Saleor's customers(filter: {numberOfOrders}) needs MANAGE_USERS only.
    assert count_filter == (
        {"customerProfiles": {"edges": [{"node": {"email": "ann@example.com"}}]}},
        None,
    )
    assert not everywhere[1]
    assert everywhere[0]["customerProfiles"]["edges"][0]["node"]["email"] == "ann@example.com"


def test_a_profile_by_an_order_of_another_channel_is_nobody(gql, shop):
    query = "query ($order: ID) { customerProfile(orderId: $order) { email } }"

    # when
    own = gql(query, {"order": order_id("o-eu-1")}, as_="staff_in_one_channel")
    other = gql(query, {"order": order_id("o-us-1")}, as_="staff_in_one_channel")
    without = gql(query, {"order": order_id("o-eu-1")}, as_="staff_without_orders")

    # then
    assert own == ({"customerProfile": {"email": "ann@example.com"}}, None)
    assert other == ({"customerProfile": None}, None)
    assert without[0] == {"customerProfile": None}
    assert without[1][0].original_error.code == "PermissionDenied"


@pytest.mark.parametrize("mutation", [TICKET_CREATE, INTERACTION_CREATE])
def test_an_order_is_linked_only_with_manage_orders_and_its_channel(gql, shop, mutation):
    name = "ticketCreate" if mutation is TICKET_CREATE else "interactionCreate"
    payload = "ticket" if mutation is TICKET_CREATE else "interaction"
    before = (Ticket.objects.count(), Interaction.objects.count())

    # when
    no_orders = gql(mutation, {"order": order_id("o-eu-1")}, as_="staff_without_orders")
    other_channel = gql(mutation, {"order": order_id("o-us-1")}, as_="staff_in_one_channel")

    # then: refused before anything is written
    assert no_orders[0] is None or no_orders[0][name] is None
    assert no_orders[1][0].original_error.code == "PermissionDenied"
    assert "MANAGE_ORDERS" in no_orders[1][0].message
    assert other_channel[0][name] is None
    assert other_channel[1][0].message == "You don't have access to some objects' channel."
    assert (Ticket.objects.count(), Interaction.objects.count()) == before

    # when: without an order, or an order of their channel
    plain, errors = gql(mutation, {"order": None}, as_="staff_without_orders")
    own_channel, own_errors = gql(
        mutation, {"order": order_id("o-eu-1")}, as_="staff_in_one_channel"
    )

    # then: staff without MANAGE_ORDERS do not see the (absent) order either
    assert [(e.path, e.original_error.code) for e in errors] == [
        ([name, payload, "order"], "PermissionDenied")
    ]
    assert plain[name]["errors"] == []
    assert not own_errors
    assert own_channel[name]["errors"] == []
    assert own_channel[name][payload]["order"] == order_id("o-eu-1")


def test_ticket_link_order_checks_both_orders_channels(gql, shop):
    # given: a ticket about Ann's channel-us order
    created, _ = gql(TICKET_CREATE, {"order": order_id("o-us-1")}, as_="staff")
    ticket = Ticket.objects.get()
    ticket_id = to_global_id("Ticket", ticket.pk)
    assert created["ticketCreate"]["errors"] == []

    # when
    relink = gql(LINK, {"id": ticket_id, "order": order_id("o-eu-1")}, as_="staff_in_one_channel")
    unlink = gql(LINK, {"id": ticket_id, "order": None}, as_="staff_in_one_channel")
    refused_again = gql(
        LINK, {"id": ticket_id, "order": order_id("o-us-1")}, as_="staff_in_one_channel"
    )

    # then: the channel-us link is not theirs to replace or remove
    for data, errors in (relink, unlink, refused_again):
        assert data["ticketLinkOrder"] is None
        assert errors[0].message == "You don't have access to some objects' channel."
    ticket.refresh_from_db()
    assert ticket.order_id == "o-us-1"

    # when: staff of every channel unlink it; then the restricted one links theirs
    gql(LINK, {"id": ticket_id, "order": None}, as_="staff")
    linked, errors = gql(
        LINK, {"id": ticket_id, "order": order_id("o-eu-1")}, as_="staff_in_one_channel"
    )

    # then
    assert not errors
    assert linked["ticketLinkOrder"] == {"ticket": {"order": order_id("o-eu-1")}, "errors": []}


def test_new_vs_returning_counts_the_restricted_staffs_channels(gql, shop):
    # when
    everywhere, errors = gql(STATS, as_="staff")
    restricted, restricted_errors = gql(STATS, as_="staff_in_one_channel")
    without, without_errors = gql(STATS, as_="staff_without_orders")

    # then: Ann and Bob are new buyers store-wide; in channel-eu only Ann is
    assert not errors
    assert not restricted_errors
    assert sum(p["new"] for p in everywhere["crmCustomerStats"]["newVsReturning"]) == 2
    points = restricted["crmCustomerStats"]["newVsReturning"]
    assert sum(p["new"] for p in points) == 1
    assert without["crmCustomerStats"]["newVsReturning"] is None
    assert without_errors[0].original_error.code == "PermissionDenied"


MERGE = """
mutation ($source: ID!, $target: ID!) {
  ticketMerge(source: $source, target: $target) {
    ticket { order messages(first: 20) { edges { node { kind body } } } } errors { field code }
  }
}
"""


@pytest.mark.parametrize(
    ("as_", "carried"),
    [
        ("staff", True),
        ("staff_in_one_channel", False),  # o-us-1 is of channel-us
        ("staff_without_orders", False),
    ],
)
def test_a_merge_carries_the_duplicates_order_only_for_who_may_link_it(gql, shop, as_, carried):
    # given: a duplicate about Ann's channel-us order, and a ticket about none
    gql(TICKET_CREATE, {"order": order_id("o-us-1")}, as_="staff")
    gql(TICKET_CREATE, {"order": None}, as_="staff")
    duplicate, kept = Ticket.objects.order_by("number")
    variables = {
        "source": to_global_id("Ticket", duplicate.pk),
        "target": to_global_id("Ticket", kept.pk),
    }

    # when
    data, errors = gql(MERGE, variables, as_=as_)

    # then: the merge happens either way; the order moves only with the right to link it
    # (staff without MANAGE_ORDERS do not see the kept ticket's order at all)
    if as_ == "staff_without_orders":
        assert [(e.path, e.original_error.code) for e in errors] == [
            (["ticketMerge", "ticket", "order"], "PermissionDenied")
        ]
    else:
        assert not errors
    assert data["ticketMerge"]["errors"] == []
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk
    assert kept.order_id == ("o-us-1" if carried else None)
    assert duplicate.order_id == "o-us-1"
    messages = [edge["node"] for edge in data["ticketMerge"]["ticket"]["messages"]["edges"]]
    note = [m["body"] for m in messages if m["kind"] == "NOTE"][-1]
    assert ("Its order stays on" in note) is not carried


REFERENCES = """
query ($order: ID) {
  tickets(first: 10, filter: {order: $order}) { totalCount edges { node { subject order } } }
  interactions(first: 10, filter: {order: $order}) {
    totalCount edges { node { subject order } }
  }
}
"""


@pytest.fixture
def about_orders(gql, shop):
    """A ticket and a call about each of Ann's orders o-eu-1 and o-us-1."""
    for pk in ("o-eu-1", "o-us-1"):
        for mutation in (TICKET_CREATE, INTERACTION_CREATE):
            data, errors = gql(
                mutation.replace('"Late"', f'"{pk}"').replace('"Call"', f'"{pk}"'),
                {"order": order_id(pk)},
                as_="staff",
            )
            assert not errors, errors


def test_which_order_a_ticket_or_call_is_about_needs_manage_orders(gql, about_orders):
    # when
    listed, errors = gql(REFERENCES, {"order": None}, as_="staff_without_orders")
    filtered, filter_errors = gql(
        REFERENCES, {"order": order_id("o-eu-1")}, as_="staff_without_orders"
    )

    # then: the tickets and calls, each order null with its error; the filter refused
    nodes = [e["node"] for name in ("tickets", "interactions") for e in listed[name]["edges"]]
    assert len(nodes) == 4
    assert all(node["order"] is None for node in nodes)
    assert {e.original_error.code for e in errors} == {"PermissionDenied"}
    assert {tuple(e.path[::4]) for e in errors} == {("tickets", "order"), ("interactions", "order")}
    assert filtered is None or filtered["tickets"] is None
    assert filter_errors[0].original_error.code == "PermissionDenied"
    assert "filter.order" in filter_errors[0].message


def test_restricted_staff_see_and_filter_by_their_channels_orders_only(gql, about_orders):
    # when
    listed, errors = gql(REFERENCES, {"order": None}, as_="staff_in_one_channel")
    own, own_errors = gql(REFERENCES, {"order": order_id("o-eu-1")}, as_="staff_in_one_channel")
    other, other_errors = gql(REFERENCES, {"order": order_id("o-us-1")}, as_="staff_in_one_channel")
    nested, nested_errors = gql(
        'query { customerProfile(email: "ann@example.com") { '
        "tickets(first: 10) { edges { node { subject order } } } "
        "interactions(first: 10) { edges { node { subject order } } } } }",
        as_="staff_in_one_channel",
    )

    # then: the channel-us order is nobody's to them, without an error
    assert errors is own_errors is other_errors is nested_errors is None
    for data in (listed, nested.get("customerProfile")):
        for name in ("tickets", "interactions"):
            orders = {e["node"]["subject"]: e["node"]["order"] for e in data[name]["edges"]}
            assert orders == {"o-eu-1": order_id("o-eu-1"), "o-us-1": None}
    assert (own["tickets"]["totalCount"], own["interactions"]["totalCount"]) == (1, 1)
    assert (other["tickets"]["totalCount"], other["interactions"]["totalCount"]) == (0, 0)


def test_restricted_staff_see_their_channels_carts_on_the_timeline(gql, shop):
    # given: a cart in each channel
    for token, channel in (("cart-eu", "channel-eu"), ("cart-us", "channel-us")):
        ingest("checkout_created", replace(f.checkout(token), channel=channel))
    query = (
        'query { customerProfile(email: "ann@example.com") { '
        "timeline(first: 50) { totalCount edges { node { objectType objectId } } } } }"
    )

    def carts(as_):
        data, errors = gql(query, as_=as_)
        assert not errors
        timeline = data["customerProfile"]["timeline"]
        assert timeline["totalCount"] == len(timeline["edges"])
        return {
            e["node"]["objectId"]
            for e in timeline["edges"]
            if e["node"]["objectType"] == "CHECKOUT"
        }

    # when / then
    assert carts("staff") == {
        to_global_id("Checkout", "cart-eu"),
        to_global_id("Checkout", "cart-us"),
    }
    assert carts("staff_in_one_channel") == {to_global_id("Checkout", "cart-eu")}
    assert carts("staff_without_orders") == carts("staff")


# --- marketing consent: customer data, not order data ----------------------

CONSENT = """
mutation ($email: String!) {
  marketingConsentUpdate(email: $email, status: SUBSCRIBED, source: "phone") {
    changed errors { field code }
  }
}
"""
UNSUPPRESS = """
mutation ($email: String!) {
  marketingConsentUnsuppress(email: $email, reason: "Not a bounce") {
    changed errors { field code }
    consent { status isSendable suppressedAt suppressionReason }
  }
}
"""
PROFILE_CONSENT = """
query {
  customerProfile(email: "ann@example.com") {
    marketingConsent { status source isSendable suppressedAt suppressionReason }
    timeline(first: 10, types: [CONSENT_CHANGED]) { totalCount }
  }
}
"""


@pytest.mark.parametrize(
    ("as_", "actor"),
    [
        ("staff", ""),
        ("staff_without_orders", ""),
        ("staff_in_one_channel", ""),
        ("app", "App 2"),
    ],
)
def test_consent_needs_manage_users_only_and_is_the_same_in_every_channel(gql, shop, as_, actor):
    from saleor_crm_plugin.marketing.consent import SuppressionReason, suppress
    from saleor_crm_plugin.marketing.models import MarketingConsentChange

    # given: Ann bought in both channels; a "bounce" suppressed her address
    suppress("ann@example.com", SuppressionReason.HARD_BOUNCE, source="bounce")

    # when: whoever holds MANAGE_USERS, restricted to a channel or not, without orders
    updated, update_errors = gql(CONSENT, {"email": "ann@example.com"}, as_=as_)
    lifted, lift_errors = gql(UNSUPPRESS, {"email": "ann@example.com"}, as_=as_)
    seen, seen_errors = gql(PROFILE_CONSENT, as_=as_)

    # then
    assert update_errors is lift_errors is seen_errors is None
    assert updated["marketingConsentUpdate"] == {"changed": True, "errors": []}
    assert lifted["marketingConsentUnsuppress"] == {
        "changed": True,
        "errors": [],
        "consent": {
            "status": "SUBSCRIBED",
            "isSendable": True,
            "suppressedAt": None,
            "suppressionReason": None,
        },
    }
    assert seen["customerProfile"]["marketingConsent"]["source"] == "phone"
    assert seen["customerProfile"]["timeline"]["totalCount"] == 3
    lift = MarketingConsentChange.objects.get(lifted_suppression=SuppressionReason.HARD_BOUNCE)
    assert lift.actor == actor


def test_customers_see_and_change_only_their_own_consent(gql, shop):
    from saleor_crm_plugin.marketing.consent import ConsentStatus, consent_of, record_consent

    # given: Ann subscribed
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")

    # when: Bob reads and unsubscribes "his" consent; a customer tries the staff ones
    mine, mine_errors = gql("{ myMarketingConsent { status } }", as_="customer_b")
    changed, change_errors = gql(
        "mutation { myMarketingConsentUpdate(status: UNSUBSCRIBED) { errors { code } } }",
        as_="customer_b",
    )
    staff_op, staff_errors = gql(UNSUPPRESS, {"email": "ann@example.com"}, as_="customer_b")

    # then: his own (nothing recorded), Ann's untouched
    assert mine_errors is change_errors is None
    assert mine == {"myMarketingConsent": {"status": "NEVER_SUBSCRIBED"}}
    assert changed["myMarketingConsentUpdate"]["errors"] == []
    assert consent_of("bob@example.com").status == ConsentStatus.UNSUBSCRIBED
    assert consent_of("ann@example.com").status == ConsentStatus.SUBSCRIBED
    assert staff_op is None or staff_op["marketingConsentUnsuppress"] is None
    assert staff_errors[0].original_error.code == "PermissionDenied"
