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

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.models import CustomerProfile
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
