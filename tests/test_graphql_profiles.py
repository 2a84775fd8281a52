import base64
import zoneinfo
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from graphql_relay import to_global_id

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.models import CustomerProfile
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

PROFILE_QUERY = """
query Profile($id: ID, $email: String) {
  customerProfile(id: $id, email: $email) {
    id email firstName user isGuest ordersCount
    totalSpent { amount currency }
    averageOrderValue { amount currency }
    spendByCurrency { currency ordersCount totalSpent { amount } }
    firstOrderAt lastOrderAt lifecycleStage
    rfm { recency frequency monetary segment }
    favouriteProducts { id name quantity }
    channels tags note
    timeline(first: 10) {
      totalCount
      edges { node { type occurredAt objectType objectId data } }
    }
    orders(first: 5) { edges { node { id number total { amount currency } isSale } } }
  }
}
"""

LIST_QUERY = """
query List($first: Int, $after: String, $last: Int, $before: String,
           $filter: CustomerProfileFilterInput, $sortBy: CustomerProfileSortingInput) {
  customerProfiles(first: $first, after: $after, last: $last, before: $before,
                   filter: $filter, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { email ordersCount } }
  }
}
"""


@pytest.fixture
def customers(ann):
    now = timezone.now()
    ingest("customer_created", f.customer(ann))
    ingest(
        "order_created",
        f.order("o1", email="ann@example.com", total="10.00", created_at=now - timedelta(days=40)),
    )
    ingest(
        "order_created",
        f.order("o2", email="ann@example.com", total="50.00", created_at=now - timedelta(days=2)),
    )
    ingest(
        "order_created",
        f.order("o3", email="bob@example.com", total="20.00", created_at=now - timedelta(days=10)),
    )
    ingest("checkout_created", f.checkout("c1", email="cid@example.com"))
    recompute_all_profiles()
    CustomerProfile.objects.filter(email="bob@example.com").update(tags=["wholesale", "vip"])


def emails(data):
    return [edge["node"]["email"] for edge in data["customerProfiles"]["edges"]]


def test_profile_by_email(gql, customers, ann):
    # when
    data, errors = gql(PROFILE_QUERY, {"email": "ANN@example.com"})

    # then
    assert errors is None
    profile = data["customerProfile"]
    assert profile["email"] == "ann@example.com"
    assert profile["firstName"] == "Ann"
    assert profile["user"] == to_global_id("User", ann.pk)
    assert profile["isGuest"] is False
    assert profile["ordersCount"] == 2
    assert profile["totalSpent"] == {"amount": 60.0, "currency": "USD"}
    assert profile["averageOrderValue"] == {"amount": 30.0, "currency": "USD"}
    assert profile["spendByCurrency"] == [
        {"currency": "USD", "ordersCount": 2, "totalSpent": {"amount": 60.0}}
    ]
    assert profile["lifecycleStage"] == "LOYAL"  # the top buyer of this shop
    assert profile["rfm"]["segment"] is not None
    assert profile["favouriteProducts"][0]["id"] == to_global_id(
        "Product", "product-espresso-beans"
    )
    assert profile["timeline"]["totalCount"] >= 4
    placed = [
        e["node"] for e in profile["timeline"]["edges"] if e["node"]["type"] == "ORDER_PLACED"
    ]
    assert placed[0]["objectType"] == "ORDER"
    assert placed[0]["objectId"] == to_global_id("Order", "o2")  # newest first
    assert placed[0]["data"]["total"] == "50.00"
    assert [o["node"]["id"] for o in profile["orders"]["edges"]] == [
        to_global_id("Order", "o2"),
        to_global_id("Order", "o1"),
    ]


def test_profile_by_id_and_unknown_ids(gql, customers):
    # given
    profile = CustomerProfile.objects.get(email="bob@example.com")

    # when
    found, _ = gql(PROFILE_QUERY, {"id": to_global_id("CustomerProfile", profile.pk)})
    other_type, _ = gql(PROFILE_QUERY, {"id": to_global_id("Order", profile.pk)})
    garbage, errors = gql(PROFILE_QUERY, {"id": "not-an-id"})

    # then
    assert found["customerProfile"]["email"] == "bob@example.com"
    assert other_type["customerProfile"] is None
    assert garbage["customerProfile"] is None
    assert errors is None


def test_profile_needs_exactly_one_lookup_key(gql, customers):
    data, errors = gql(PROFILE_QUERY, {})
    assert data["customerProfile"] is None
    assert "exactly one" in errors[0].message


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"search": "ANN@"}, ["ann@example.com"]),
        ({"lifecycleStages": ["PROSPECT"]}, ["cid@example.com"]),
        ({"lifecycleStages": ["NEW", "LOYAL"]}, ["ann@example.com", "bob@example.com"]),
        ({"isGuest": False}, ["ann@example.com"]),
        ({"tags": ["vip"]}, ["bob@example.com"]),
        ({"tags": ["vip", "retail"]}, []),
        ({"ordersCount": {"gte": 2}}, ["ann@example.com"]),
        ({"ordersCount": {"lte": 0}}, ["cid@example.com"]),
        ({"totalSpent": {"gte": 15, "lte": 30}}, ["bob@example.com"]),
        ({"countries": ["pl"]}, ["bob@example.com"]),  # a guest, located by his order
        ({"countries": ["de"]}, ["ann@example.com"]),  # her account's address wins
    ],
)
def test_profiles_filters(gql, customers, filter_, expected):
    data, errors = gql(LIST_QUERY, {"first": 10, "filter": filter_})
    assert errors is None
    assert sorted(emails(data)) == expected
    assert data["customerProfiles"]["totalCount"] == len(expected)


def test_profiles_filter_by_last_order_date(gql, customers):
    since = (timezone.now() - timedelta(days=5)).isoformat()
    data, _ = gql(LIST_QUERY, {"first": 10, "filter": {"lastOrderAt": {"gte": since}}})
    assert emails(data) == ["ann@example.com"]


def test_profiles_filter_by_rfm_segment(gql, customers):
    segment = CustomerProfile.objects.get(email="bob@example.com").rfm_segment.upper()
    data, _ = gql(LIST_QUERY, {"first": 10, "filter": {"rfmSegments": [segment]}})
    assert "bob@example.com" in emails(data)


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        (
            {"field": "LAST_ORDER_AT", "direction": "DESC"},
            ["ann@example.com", "bob@example.com", "cid@example.com"],
        ),
        (
            {"field": "LAST_ORDER_AT", "direction": "ASC"},
            ["cid@example.com", "bob@example.com", "ann@example.com"],
        ),
        (
            {"field": "TOTAL_SPENT", "direction": "DESC"},
            ["ann@example.com", "bob@example.com", "cid@example.com"],
        ),
        (
            {"field": "ORDERS_COUNT", "direction": "ASC"},
            ["cid@example.com", "bob@example.com", "ann@example.com"],
        ),
        (
            {"field": "EMAIL", "direction": "ASC"},
            ["ann@example.com", "bob@example.com", "cid@example.com"],
        ),
    ],
)
def test_profiles_sorting(gql, customers, sort_by, expected):
    data, errors = gql(LIST_QUERY, {"first": 10, "sortBy": sort_by})
    assert errors is None
    assert emails(data) == expected


def test_profiles_pagination_forwards_and_backwards():
    # given
    for n in range(7):
        ingest("order_created", f.order(f"o{n}", email=f"c{n}@example.com", total="5.00"))
    from saleor_crm_plugin.graphql.schema import execute
    from tests.conftest import REQUESTORS  # noqa: F401 - same fixture data as gql

    def page(**variables):
        result = execute(
            LIST_QUERY,
            requestor=REQUESTORS["staff"],
            variables={"sortBy": {"field": "EMAIL", "direction": "ASC"}, **variables},
        )
        assert result.errors is None, result.errors
        return result.data["customerProfiles"]

    # when
    first = page(first=3)
    second = page(first=3, after=first["pageInfo"]["endCursor"])
    third = page(first=3, after=second["pageInfo"]["endCursor"])
    back = page(last=3, before=third["pageInfo"]["startCursor"])

    # then
    names = lambda p: [e["node"]["email"][:2] for e in p["edges"]]  # noqa: E731
    assert names(first) == ["c0", "c1", "c2"]
    assert names(second) == ["c3", "c4", "c5"]
    assert names(third) == ["c6"]
    assert names(back) == ["c3", "c4", "c5"]
    assert first["pageInfo"]["hasNextPage"]
    assert not third["pageInfo"]["hasNextPage"]
    assert back["pageInfo"]["hasPreviousPage"]
    assert first["totalCount"] == 7


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "exceeds the `first`/`last` limit of 100"),
        ({}, "You must provide a `first` or `last` value"),
        ({"first": 1, "last": 1}, "not supported"),
        ({"first": 1, "after": base64.b64encode(b"nonsense").decode()}, "Invalid cursor"),
        ({"first": 1, "after": base64.b64encode(b'["yesterday", "x"]').decode()}, "Invalid cursor"),
        ({"first": 1, "after": base64.b64encode(b"[null, null]").decode()}, "Invalid cursor"),
        ({"first": -1}, "must not be negative"),
    ],
)
def test_profiles_pagination_errors(gql, variables, message):
    data, errors = gql(LIST_QUERY, variables)
    assert data["customerProfiles"] is None
    assert message in errors[0].message


def test_profiles_list_query_count_does_not_grow(gql, customers, django_assert_max_num_queries):
    # given: more profiles than the fixture's three
    for n in range(20):
        ingest("checkout_created", f.checkout(f"k{n}", email=f"k{n}@example.com"))

    # when: the page, the count, and the configuration once per request;
    # per-row fields are on the row
    with django_assert_max_num_queries(3):
        data, errors = gql(
            """{ customerProfiles(first: 50) { totalCount edges { node {
                 email user ordersCount totalSpent { amount } rfm { segment } lifecycleStage
                 favouriteProducts { name } spendByCurrency { currency } } } } }"""
        )
    # then
    assert errors is None
    assert len(data["customerProfiles"]["edges"]) == 23


UPDATE = """
mutation Update($id: ID!, $input: CustomerProfileUpdateInput!) {
  customerProfileUpdate(id: $id, input: $input) {
    profile { tags note }
    errors { field code message }
  }
}
"""


def test_profile_update_sets_tags_and_note(gql, customers):
    # given
    profile = CustomerProfile.objects.get(email="ann@example.com")

    # when
    data, errors = gql(
        UPDATE,
        {
            "id": to_global_id("CustomerProfile", profile.pk),
            "input": {"tags": [" vip ", "vip", "", "espresso"], "note": "Ask about grinders"},
        },
    )

    # then
    assert errors is None
    assert data["customerProfileUpdate"] == {
        "profile": {"tags": ["vip", "espresso"], "note": "Ask about grinders"},
        "errors": [],
    }
    profile.refresh_from_db()
    assert profile.tags == ["vip", "espresso"]


@pytest.mark.parametrize(
    ("input_", "field", "code"),
    [
        ({"tags": ["x" * 101]}, "tags", "INVALID"),
        ({"tags": [f"t{n}" for n in range(51)]}, "tags", "INVALID"),
        ({"note": "x" * 20_001}, "note", "INVALID"),
        ({"tags": ["ok"], "note": "x" * 20_001}, "note", "INVALID"),
    ],
)
def test_profile_update_rejects_bad_input_and_changes_nothing(gql, customers, input_, field, code):
    # given
    profile = CustomerProfile.objects.get(email="ann@example.com")

    # when
    data, errors = gql(UPDATE, {"id": to_global_id("CustomerProfile", profile.pk), "input": input_})

    # then
    assert errors is None
    result = data["customerProfileUpdate"]
    assert result["profile"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    profile.refresh_from_db()
    assert (profile.tags, profile.note) == ([], "")


def test_profile_update_of_unknown_or_erased_profile(gql, customers):
    # given
    erased = CustomerProfile.objects.get(email="bob@example.com")
    erased.erased_at = timezone.now()
    erased.save()

    # when
    unknown, _ = gql(UPDATE, {"id": to_global_id("CustomerProfile", "0" * 32), "input": {}})
    gone, _ = gql(
        UPDATE, {"id": to_global_id("CustomerProfile", erased.pk), "input": {"note": "x"}}
    )

    # then
    assert unknown["customerProfileUpdate"]["errors"][0]["code"] == "NOT_FOUND"
    assert gone["customerProfileUpdate"]["errors"][0]["code"] == "INVALID"


LOOKUP = """
query ($userId: ID, $orderId: ID) {
  customerProfile(userId: $userId, orderId: $orderId) { email }
}
"""


def test_profile_by_saleor_user_and_by_order(gql, customers, ann):
    by_user, _ = gql(LOOKUP, {"userId": to_global_id("User", ann.pk)})
    by_order, _ = gql(LOOKUP, {"orderId": to_global_id("Order", "o3")})
    unknown, errors = gql(LOOKUP, {"orderId": to_global_id("Order", "nope")})
    both, both_errors = gql(LOOKUP, {"userId": to_global_id("User", ann.pk), "orderId": "x"})
    assert by_user["customerProfile"] == {"email": "ann@example.com"}
    assert by_order["customerProfile"] == {"email": "bob@example.com"}
    assert unknown["customerProfile"] is None
    assert errors is None
    assert "exactly one" in both_errors[0].message


def test_profile_by_a_user_id_of_the_wrong_shape_is_nobody(gql, customers):
    # when the Saleor user ID holds no number (a tampered or foreign ID)
    data, errors = gql(LOOKUP, {"userId": to_global_id("User", "notanumber")})

    # then nobody is found, without an error from the database layer
    assert errors is None
    assert data["customerProfile"] is None


STATS = """
query ($period: CrmStatsPeriod!, $last: Int!) {
  crmCustomerStats {
    totalCount
    byLifecycleStage { stage count }
    rfmGrid { recency fm count }
    newVsReturning(period: $period, last: $last) { periodStart new returning }
  }
}
"""


@pytest.fixture
def mid_june():
    # The chart buckets are calendar months: pin the clock so that "2 and 10
    # days ago" fall in June and "40 days ago" in May, whatever today is.
    with freeze_time("2026-06-15 12:00:00", tick=True):
        yield


def test_customer_stats_for_charts(mid_june, gql, customers):
    # given: ann bought 40 days ago (May) and 2 days ago (June), bob 10 days
    # ago (June), cid only browsed
    data, errors = gql(STATS, {"period": "MONTH", "last": 3})

    # then
    assert errors is None
    stats = data["crmCustomerStats"]
    assert stats["totalCount"] == 3
    stages = {row["stage"]: row["count"] for row in stats["byLifecycleStage"]}
    assert len(stages) == 6
    assert sum(stages.values()) == 3
    assert stages["PROSPECT"] == 1
    assert sum(cell["count"] for cell in stats["rfmGrid"]) == 2
    points = stats["newVsReturning"]
    assert [p["periodStart"][:10] for p in points] == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert [(p["new"], p["returning"]) for p in points] == [(0, 0), (1, 0), (1, 1)]


def test_customer_stats_period_bounds(gql):
    data, errors = gql(STATS, {"period": "WEEK", "last": 99})
    # Only the chart that was asked wrongly is missing.
    assert data["crmCustomerStats"]["newVsReturning"] is None
    assert data["crmCustomerStats"]["byLifecycleStage"]
    assert "1 to 36" in errors[0].message


@pytest.mark.parametrize("last", [True, False])
def test_customer_stats_refuse_a_boolean_period_count(gql, last):
    # graphene 2 lets a JSON boolean through an Int variable: it must not
    # reach the SQL as one.
    data, errors = gql(STATS, {"period": "WEEK", "last": last})
    assert data["crmCustomerStats"]["newVsReturning"] is None
    assert "1 to 36" in errors[0].message


UNCONVERTED = """
query ($email: String) {
  customerProfile(email: $email) { totalSpent { amount currency } unconvertedSpend { amount currency } }
}
"""


def test_spend_in_a_currency_without_rate_is_shown_apart(gql):
    # given a buyer with an order in USD (the reporting currency) and one in PLN, with no PLN rate
    ingest("order_created", f.order("o1", email="ela@example.com", total="30.00"))
    ingest("order_created", f.order("o2", email="ela@example.com", total="120.00", currency="PLN"))

    # when staff read the profile
    data, errors = gql(UNCONVERTED, {"email": "ela@example.com"})

    # then the PLN spend is not hidden: it is reported apart from the converted total
    assert errors is None
    assert data["customerProfile"]["totalSpent"] == {"amount": 30.0, "currency": "USD"}
    assert data["customerProfile"]["unconvertedSpend"] == [{"amount": 120.0, "currency": "PLN"}]


def test_a_date_filter_without_a_time_zone_is_read_as_utc(gql, customers, recwarn):
    # given: a bound just after Ann's last order, with and without its zone
    last = CustomerProfile.objects.get(email="ann@example.com").last_order_at
    after = (last + timedelta(minutes=30)).astimezone(UTC)
    naive, in_utc = after.replace(tzinfo=None).isoformat(), after.isoformat()
    in_berlin = after.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).isoformat()

    # when
    results = [
        gql(LIST_QUERY, {"first": 10, "filter": {"lastOrderAt": bounds}})
        for value in (naive, in_utc, in_berlin)
        for bounds in ({"gte": value}, {"lte": value})
    ]

    # then: the same instant whichever way it is written; no naive-datetime warning
    assert all(errors is None for _, errors in results)
    found = [sorted(emails(data)) for data, _ in results]
    assert found[0:2] == found[2:4] == found[4:6]
    assert "ann@example.com" not in found[0]
    assert "ann@example.com" in found[1]
    assert not [w for w in recwarn if "naive datetime" in str(w.message)]
