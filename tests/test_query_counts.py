"""Query counts of list queries, in the spirit of Saleor's ``count_queries``
benchmarks: a page of 20 must cost the same SQL queries as a page of 2, so
nothing is fetched per row (N+1). The documents are the Dashboard
extension's own, with every nested field it asks for.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import from_global_id, to_global_id

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.auth import Requestor, RequestorKind
from saleor_crm_plugin.graphql.core.connection import paginate
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.models import CustomerProfile, TimelineEvent
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketAuthorKind
from tests import factories as f
from tests.dashboard_documents import dashboard_operation
from tests.factories import ingest

pytestmark = pytest.mark.django_db

CUSTOMER_PROFILE_LIST = dashboard_operation("customer-profile-list.graphql")


@pytest.fixture
def store_with_customers(user_factory):
    """24 customers: account holders and guests, one to three orders each in
    two currencies, one with a checkout only; some tagged."""
    now = timezone.now()
    for n in range(24):
        email = f"customer{n:02d}@example.com"
        if n % 3 == 0:
            user = user_factory(email, first_name=f"First{n}", last_name=f"Last{n}")
            ingest("customer_created", f.customer(user))
        if n == 23:
            ingest("checkout_created", f.checkout(f"k{n}", email=email))
            continue
        for k in range(1 + n % 3):
            ingest(
                "order_created",
                f.order(
                    f"o{n}-{k}",
                    email=email,
                    total=f"{10 + n + k}.00",
                    currency="EUR" if n % 4 == 0 else "USD",
                    created_at=now - timedelta(days=5 + 40 * k + n),
                ),
            )
    recompute_all_profiles()
    CustomerProfile.objects.filter(email__endswith="5@example.com").update(tags=["vip"])


def run_list(gql, variables):
    data, errors = gql(CUSTOMER_PROFILE_LIST, variables)
    assert errors is None, errors
    return data["customerProfiles"]


@pytest.mark.parametrize(
    "variables",
    [
        {"sortBy": {"field": "LAST_ORDER_AT", "direction": "DESC"}},
        {
            "filter": {"lifecycleStages": ["NEW", "ACTIVE", "AT_RISK", "LAPSED", "LOYAL"]},
            "sortBy": {"field": "TOTAL_SPENT", "direction": "DESC"},
        },
        {"filter": {"search": "example.com"}, "sortBy": {"field": "EMAIL", "direction": "ASC"}},
        {"filter": {"isGuest": True}, "sortBy": {"field": "ORDERS_COUNT", "direction": "ASC"}},
    ],
    ids=["default", "stages-by-spend", "search-by-email", "guests-by-orders"],
)
def test_customer_list_query_count_does_not_depend_on_page_size(
    gql, store_with_customers, variables
):
    # given: one request before, so per-process caches are warm for both
    run_list(gql, {"first": 1, **variables})
    expected = CustomerProfile.objects.count() if "filter" not in variables else None

    # when
    with CaptureQueriesContext(connection) as small:
        small_page = run_list(gql, {"first": 2, **variables})
    with CaptureQueriesContext(connection) as large:
        large_page = run_list(gql, {"first": 20, **variables})

    # then
    assert len(small_page["edges"]) == 2
    assert len(large_page["edges"]) == min(20, large_page["totalCount"])
    assert len(large_page["edges"]) > 2
    if expected is not None:
        assert large_page["totalCount"] == expected
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]


def test_customer_list_next_page_costs_what_the_first_does(gql, store_with_customers):
    # given
    variables = {"first": 5, "sortBy": {"field": "LAST_ORDER_AT", "direction": "DESC"}}
    first_page = run_list(gql, variables)

    # when
    with CaptureQueriesContext(connection) as first_queries:
        run_list(gql, variables)
    with CaptureQueriesContext(connection) as next_queries:
        next_page = run_list(gql, {**variables, "after": first_page["pageInfo"]["endCursor"]})

    # then
    assert len(next_queries) == len(first_queries)
    assert not {e["node"]["id"] for e in next_page["edges"]} & {
        e["node"]["id"] for e in first_page["edges"]
    }


# Every list query with what it nests, at page sizes 1, 5 and 20: nested
# connections and relations come from dataloaders (one query per relation
# for all rows), so the count is the same whatever the page size.
PAGE_SIZES = (1, 5, 20)

PROFILES_WITH_EVERYTHING = """
query ($n: Int!) {
  customerProfiles(first: $n, sortBy: {field: EMAIL, direction: ASC}) {
    totalCount
    edges { node {
      id email totalSpent { amount currency } unconvertedSpend { amount currency }
      timeline(first: $n) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id type objectId } }
      }
      placed: timeline(first: $n, types: [ORDER_PLACED]) { totalCount edges { node { id } } }
      orders(first: $n) { totalCount edges { node { id number total { amount currency } } } }
      tickets(first: $n) {
        totalCount
        edges { node {
          id customer { id email }
          messages(first: $n) { totalCount edges { node { id kind } } }
        } }
      }
      interactions(first: $n) { totalCount edges { node { id customer { id } } } }
    } }
  }
}
"""

TICKETS_WITH_EVERYTHING = """
query ($n: Int!) {
  tickets(first: $n) {
    totalCount
    edges { node {
      id number requesterEmail isBreached satisfaction { rating }
      customer { id email timeline(first: $n) { edges { node { id } } } }
      messages(first: $n) { totalCount pageInfo { hasNextPage } edges { node { id kind } } }
    } }
  }
}
"""

INTERACTIONS_WITH_EVERYTHING = """
query ($n: Int!) {
  interactions(first: $n) {
    totalCount
    edges { node {
      id channel
      customer { id email tickets(first: $n) { totalCount edges { node { id } } } }
    } }
  }
}
"""

MY_TICKETS_WITH_EVERYTHING = """
query ($n: Int!) {
  myTickets(first: $n) {
    totalCount
    edges { node { id subject canRate satisfaction { rating } messages { authorKind body } } }
  }
}
"""

ONE_PROFILE_WITH_EVERYTHING = """
query ($email: String!, $n: Int!) {
  customerProfile(email: $email) {
    timeline(first: $n) { totalCount edges { node { id type } } }
    orders(first: $n) { totalCount edges { node { id } } }
    tickets(first: $n) {
      totalCount
      edges { node { id customer { id } messages(first: $n) { totalCount edges { node { id } } } } }
    }
    interactions(first: $n) { totalCount edges { node { id } } }
  }
}
"""

ONE_TICKET_WITH_MESSAGES = """
query ($id: ID!, $n: Int!) {
  ticket(id: $id) {
    customer { id }
    messages(first: $n) { totalCount pageInfo { hasNextPage } edges { node { id body } } }
  }
}
"""


def staff_author():
    return desk.Author(kind=TicketAuthorKind.STAFF, name="sam@shop.example")


def open_ticket(email, subject, user_id=None):
    ticket = desk.open_ticket(
        desk.NewTicket(subject=subject, body="Hello", email=email, user_id=user_id),
        desk.Author(kind=TicketAuthorKind.CUSTOMER, name=email),
    )
    desk.staff_reply(ticket, "<p>On it.</p>", staff_author())
    desk.add_note(ticket, "<p>internal</p>", staff_author())
    return ticket


@pytest.fixture
def store_with_help_desk(store_with_customers):
    """Each of the 24 customers with two tickets (a reply and a note on each)
    and an interaction."""
    with desk.notifications_off():
        for n, profile in enumerate(CustomerProfile.objects.order_by("email")):
            for k in range(2):
                open_ticket(profile.email, f"Question {n}-{k}")
            log_interaction(
                InteractionInput(
                    channel="chat",
                    direction="inbound",
                    email=profile.email,
                    subject=f"Chat {n}",
                    occurred_at=timezone.now() - timedelta(hours=n),
                )
            )


@pytest.fixture
def customer_with_many_tickets(ann):
    """Ann, signed in, with 21 tickets; the first one has 25 messages."""
    ingest("customer_created", f.customer(ann))
    with desk.notifications_off():
        tickets = [open_ticket(ann.email, f"Ticket {k}", str(ann.pk)) for k in range(21)]
        for k in range(22):
            desk.staff_reply(tickets[0], f"<p>Reply {k}</p>", staff_author())
    return Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email), tickets


def count_queries_per_page_size(run):
    """``{page size: (queries, result)}``; one request first warms per-process caches."""
    run(PAGE_SIZES[0])
    counts = {}
    for n in PAGE_SIZES:
        with CaptureQueriesContext(connection) as queries:
            result = run(n)
        counts[n] = (len(queries), result, [q["sql"] for q in queries.captured_queries])
    return counts


def assert_same_count(counts):
    numbers = {n: count for n, (count, _, _) in counts.items()}
    assert len(set(numbers.values())) == 1, (numbers, counts[PAGE_SIZES[-1]][2])


def execute_as(requestor, query, variables):
    result = execute(query, requestor=requestor, variables=variables)
    assert result.errors is None, result.errors
    return result.data


@pytest.fixture
def no_cost_limit(settings):
    # Nested pages of 20 cost more than the default allows; the limit is
    # tested in test_limits.py, the query count here.
    settings.SALEOR_CRM_MAX_QUERY_COST = 10**9


def test_staff_lists_with_nested_relations_cost_the_same_at_any_page_size(
    gql, store_with_help_desk, no_cost_limit
):
    # when
    profiles = count_queries_per_page_size(
        lambda n: gql(PROFILES_WITH_EVERYTHING, {"n": n})[0]["customerProfiles"]
    )
    tickets = count_queries_per_page_size(
        lambda n: gql(TICKETS_WITH_EVERYTHING, {"n": n})[0]["tickets"]
    )
    interactions = count_queries_per_page_size(
        lambda n: gql(INTERACTIONS_WITH_EVERYTHING, {"n": n})[0]["interactions"]
    )

    # then: customerProfiles and everything a profile nests
    assert_same_count(profiles)
    for n, (_, page, _) in profiles.items():
        assert len(page["edges"]) == n
        for edge in page["edges"]:
            profile = edge["node"]
            assert len(profile["tickets"]["edges"]) == min(n, 2)
            assert profile["tickets"]["totalCount"] == 2
            for ticket in profile["tickets"]["edges"]:
                assert ticket["node"]["customer"]["email"] == profile["email"]
                assert ticket["node"]["messages"]["totalCount"] == 3
                assert len(ticket["node"]["messages"]["edges"]) == min(n, 3)
            timeline = profile["timeline"]
            assert len(timeline["edges"]) == min(n, timeline["totalCount"])
            assert timeline["pageInfo"]["hasNextPage"] == (timeline["totalCount"] > n)
            assert len(profile["interactions"]["edges"]) == 1
            assert profile["interactions"]["edges"][0]["node"]["customer"]["id"] == profile["id"]
            placed = profile["placed"]
            assert placed["totalCount"] == profile["orders"]["totalCount"]
            assert len(placed["edges"]) == len(profile["orders"]["edges"])
    # tickets, with their customer (and its timeline) and messages
    assert_same_count(tickets)
    for n, (_, page, _) in tickets.items():
        assert len(page["edges"]) == n
        for edge in page["edges"]:
            assert edge["node"]["customer"]["email"] == edge["node"]["requesterEmail"]
            assert len(edge["node"]["messages"]["edges"]) == min(n, 3)
            assert edge["node"]["customer"]["timeline"]["edges"]
    # interactions, with their customer and its tickets
    assert_same_count(interactions)
    for n, (_, page, _) in interactions.items():
        assert len(page["edges"]) == n
        for edge in page["edges"]:
            assert edge["node"]["customer"]["tickets"]["totalCount"] == 2


def test_my_tickets_with_their_conversation_cost_the_same_at_any_page_size(
    customer_with_many_tickets,
):
    # given
    customer, _ = customer_with_many_tickets

    # when
    counts = count_queries_per_page_size(
        lambda n: execute_as(customer, MY_TICKETS_WITH_EVERYTHING, {"n": n})["myTickets"]
    )

    # then
    assert_same_count(counts)
    for n, (_, page, _) in counts.items():
        assert len(page["edges"]) == n
        for edge in page["edges"]:
            # The customer's message and the staff reply; the note is hidden.
            assert [m["authorKind"] for m in edge["node"]["messages"]][:2] == [
                "CUSTOMER",
                "STAFF",
            ]


def test_one_profile_with_nested_pages_costs_the_same_at_any_page_size(
    gql, customer_with_many_tickets, no_cost_limit
):
    # when
    counts = count_queries_per_page_size(
        lambda n: gql(ONE_PROFILE_WITH_EVERYTHING, {"email": "ann@example.com", "n": n})[0][
            "customerProfile"
        ]
    )

    # then
    assert_same_count(counts)
    for n, (_, profile, _) in counts.items():
        assert len(profile["tickets"]["edges"]) == n
        assert len(profile["timeline"]["edges"]) == n
        assert profile["tickets"]["totalCount"] == 21


def test_one_ticket_with_a_page_of_messages_costs_the_same_at_any_page_size(
    gql, customer_with_many_tickets
):
    # given
    _, tickets = customer_with_many_tickets
    ticket_id = to_global_id("Ticket", tickets[0].pk)

    # when
    counts = count_queries_per_page_size(
        lambda n: gql(ONE_TICKET_WITH_MESSAGES, {"id": ticket_id, "n": n})[0]["ticket"]
    )

    # then
    assert_same_count(counts)
    for n, (_, ticket, _) in counts.items():
        assert len(ticket["messages"]["edges"]) == n
        assert ticket["messages"]["totalCount"] == 25
        assert ticket["messages"]["pageInfo"]["hasNextPage"]


NESTED_TIMELINE_PAGE = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  customerProfiles(first: 30, sortBy: {field: EMAIL, direction: ASC}) {
    edges { node {
      id
      timeline(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id } }
      }
    } }
  }
}
"""


def plain_page(page):
    return {
        "totalCount": page.total_count(),
        "pageInfo": {
            "hasNextPage": page.page_info.has_next_page,
            "hasPreviousPage": page.page_info.has_previous_page,
            "startCursor": page.page_info.start_cursor,
            "endCursor": page.page_info.end_cursor,
        },
        "edges": [
            {"cursor": e.cursor, "node": {"id": to_global_id("CustomerTimelineEvent", e.node.pk)}}
            for e in page.edges
        ],
    }


def test_batched_nested_pages_are_the_pages_each_profile_has_on_its_own(
    gql, store_with_help_desk, no_cost_limit
):
    # given: cursors from the middle of one profile's timeline
    first_page = gql(NESTED_TIMELINE_PAGE, {"first": 3})[0]["customerProfiles"]["edges"]
    cursor = first_page[0]["node"]["timeline"]["pageInfo"]["endCursor"]
    requests = [
        {"first": 3},
        {"first": 2, "after": cursor},
        {"last": 2},
        {"last": 3, "before": cursor},
        {"first": 0},
    ]

    for pagination in requests:
        # when
        data, errors = gql(NESTED_TIMELINE_PAGE, pagination)

        # then: what paginate() gives for each profile alone
        assert errors is None, errors
        edges = data["customerProfiles"]["edges"]
        assert len(edges) == 24
        for edge in edges:
            pk = from_global_id(edge["node"]["id"])[1]
            alone = paginate(
                TimelineEvent.objects.filter(profile_id=pk),
                [("occurred_at", True)],
                **pagination,
            )
            assert edge["node"]["timeline"] == plain_page(alone), pagination


def test_a_bad_nested_cursor_is_an_error_on_the_field_as_it_was(gql, customer_with_many_tickets):
    # when
    data, errors = gql(NESTED_TIMELINE_PAGE, {"first": 2, "after": "bm90LWEtY3Vyc29y"})

    # then: typed, on the profile's timeline; timeline is required, so the
    # list is null
    assert [(error.message, error.path) for error in errors] == [
        ("Invalid cursor.", ["customerProfiles", "edges", 0, "node", "timeline"])
    ]
    assert data == {"customerProfiles": None}
