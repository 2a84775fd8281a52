"""Segments: rules over profile data evaluated in SQL, through the core's
functions and the GraphQL API.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_crm_plugin.marketing.consent import record_consent, suppress
from saleor_crm_plugin.marketing.membership import (
    current_members,
    refresh_all_segments,
    refresh_members,
)
from saleor_crm_plugin.marketing.models import Segment, SegmentMember
from saleor_crm_plugin.marketing.rules import (
    FIELDS,
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_GROUPS,
    InvalidRules,
    Operator,
    count_members,
    members,
    parse_rules,
)
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.models import CustomerProfile, CustomerPurchases
from saleor_crm_plugin.profiles.erasure import erase_customer
from saleor_crm_plugin.snapshots import CustomerSnapshot
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketStatus
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

PRODUCT_101 = to_global_id("Product", "101")
PRODUCT_102 = to_global_id("Product", "102")
CATEGORY_7 = to_global_id("Category", "7")


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def store(ann):
    """ann: registered, two sales in channel-eu (product 101, category 7);
    bob: guest, one large sale in channel-us long ago (product 102);
    cat: only a cancelled order of product 101; dan: erased, tagged vip.
    """
    ingest(
        "customer_created",
        f.customer(ann, default_shipping_address=f.AddressSnapshot(country="PL", city="Wrocław")),
    )
    for order_id, total, age in (("a1", "120.00", 100), ("a2", "30.00", 10)):
        ingest(
            "order_created",
            f.order(
                order_id,
                email="ann@example.com",
                total=total,
                created_at=days_ago(age),
                channel="channel-eu",
                lines=(f.line("Beans", price=total, product_id="101", category_id="7"),),
            ),
        )
    ingest(
        "order_created",
        f.order(
            "b1",
            email="bob@example.com",
            total="500.00",
            created_at=days_ago(200),
            channel="channel-us",
            shipping_address=f.AddressSnapshot(country="DE", city="Berlin"),
            lines=(f.line("Grinder", price="500.00", product_id="102", category_id="8"),),
        ),
    )
    ingest(
        "order_created",
        f.order(
            "c1",
            email="cat@example.com",
            status="canceled",
            channel="channel-eu",
            shipping_address=f.AddressSnapshot(country="FR", city="Paris"),
            lines=(f.line("Beans", product_id="101", category_id="7"),),
        ),
    )
    ingest("order_created", f.order("d1", email="dan@example.com"))
    # ann subscribed; cat subscribed, then complained (suppressed); bob: nothing.
    record_consent("ann@example.com", "subscribed", source="staff")
    record_consent("cat@example.com", "subscribed", source="staff")
    suppress("cat@example.com", "complaint", source="complaint")
    profiles = CustomerProfile.objects
    profiles.filter(email="ann@example.com").update(
        tags=["vip", "espresso"],
        rfm_recency=5,
        rfm_frequency=4,
        rfm_monetary=3,
        rfm_segment="champions",
        language_code="en",
        satisfaction_average="4.50",
        satisfaction_count=2,
    )
    profiles.filter(email="bob@example.com").update(
        tags=["wholesale"], rfm_recency=1, rfm_segment="hibernating", language_code="de"
    )
    profiles.filter(email="dan@example.com").update(tags=["vip"], erased_at=timezone.now())
    # Two open tickets for bob, a solved one for ann.
    for subject in ("Broken", "Still broken"):
        desk.open_ticket(
            desk.NewTicket(subject=subject, body="Help", email="bob@example.com"),
            desk.Author(kind="customer", name="Bob"),
        )
    solved = desk.open_ticket(
        desk.NewTicket(subject="Thanks", body="Fine", email="ann@example.com"),
        desk.Author(kind="customer", name="Ann"),
    )
    desk.set_status(solved, TicketStatus.SOLVED)


def condition(field, operator, value=None, values=None):
    return {
        "field": field,
        "operator": operator,
        **({"value": value} if value is not None else {}),
        **({"values": values} if values is not None else {}),
    }


def emails(rules) -> list[str]:
    return sorted(members(rules).values_list("email", flat=True))


ANN, BOB, CAT = "ann@example.com", "bob@example.com", "cat@example.com"
CASES = [
    (condition("TAG", "EQ", "vip"), [ANN]),
    (condition("TAG", "NEQ", "vip"), [BOB, CAT]),
    (condition("TAG", "IN", values=["wholesale", "espresso"]), [ANN, BOB]),
    (condition("TAG", "NOT_IN", values=["wholesale", "espresso"]), [CAT]),
    (condition("TAG", "IS_SET"), [ANN, BOB]),
    (condition("TAG", "IS_NOT_SET"), [CAT]),
    (condition("LIFECYCLE_STAGE", "EQ", "PROSPECT"), [CAT]),
    (condition("LIFECYCLE_STAGE", "NEQ", "PROSPECT"), [ANN, BOB]),
    (condition("LIFECYCLE_STAGE", "IN", values=["prospect", "ACTIVE"]), [ANN, CAT]),
    (condition("LIFECYCLE_STAGE", "NOT_IN", values=["ACTIVE"]), [BOB, CAT]),
    (condition("RFM_SEGMENT", "EQ", "CHAMPIONS"), [ANN]),
    (condition("RFM_SEGMENT", "IS_SET"), [ANN, BOB]),
    (condition("RFM_SEGMENT", "IS_NOT_SET"), [CAT]),
    (condition("RFM_RECENCY", "GTE", "2"), [ANN]),
    (condition("RFM_RECENCY", "LT", "5"), [BOB]),
    (condition("RFM_RECENCY", "BETWEEN", values=["1", "5"]), [ANN, BOB]),
    (condition("RFM_RECENCY", "IS_NOT_SET"), [CAT]),
    (condition("RFM_FREQUENCY", "EQ", "4"), [ANN]),
    (condition("RFM_MONETARY", "IN", values=["3", "4"]), [ANN]),
    (condition("RFM_MONETARY", "NEQ", "3"), [BOB, CAT]),
    (condition("ORDERS_COUNT", "EQ", "2"), [ANN]),
    (condition("ORDERS_COUNT", "GT", "0"), [ANN, BOB]),
    (condition("ORDERS_COUNT", "LTE", "1"), [BOB, CAT]),
    (condition("ORDERS_COUNT", "NEQ", "1"), [ANN, CAT]),
    (condition("TOTAL_SPENT", "GT", "400"), [BOB]),
    (condition("TOTAL_SPENT", "BETWEEN", values=["100", "150"]), [ANN]),
    (condition("TOTAL_SPENT", "EQ", "150.000"), [ANN]),
    (condition("AVERAGE_ORDER_VALUE", "LT", "100"), [ANN, CAT]),
    (condition("AVERAGE_ORDER_VALUE", "GTE", "75"), [ANN, BOB]),
    (condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "30"), [ANN]),
    (condition("LAST_ORDER_AT", "BEFORE_LAST_DAYS", "30"), [BOB]),
    (condition("LAST_ORDER_AT", "IS_NOT_SET"), [CAT]),
    (condition("FIRST_ORDER_AT", "WITHIN_LAST_DAYS", "150"), [ANN]),
    (condition("FIRST_ORDER_AT", "BEFORE_LAST_DAYS", "150"), [BOB]),
    (condition("FIRST_ORDER_AT", "IS_SET"), [ANN, BOB]),
    (condition("COUNTRY", "EQ", "pl"), [ANN]),
    (condition("COUNTRY", "IN", values=["DE", "FR"]), [BOB, CAT]),
    (condition("COUNTRY", "NEQ", "PL"), [BOB, CAT]),
    (condition("COUNTRY", "NOT_IN", values=["PL", "DE"]), [CAT]),
    (condition("CITY", "EQ", "berlin"), [BOB]),
    (condition("CITY", "CONTAINS", "ROC"), [ANN]),
    (condition("CITY", "IN", values=["paris", "Berlin"]), [BOB, CAT]),
    (condition("CITY", "NOT_IN", values=["paris"]), [ANN, BOB]),
    (condition("LANGUAGE", "EQ", "EN"), [ANN]),
    (condition("LANGUAGE", "IS_NOT_SET"), [CAT]),
    (condition("LANGUAGE", "NEQ", "en"), [BOB, CAT]),
    (condition("CHANNEL", "EQ", "channel-eu"), [ANN]),
    (condition("CHANNEL", "NEQ", "channel-eu"), [BOB, CAT]),
    (condition("CHANNEL", "IN", values=["channel-eu", "channel-us"]), [ANN, BOB]),
    (condition("CHANNEL", "NOT_IN", values=["channel-us"]), [ANN, CAT]),
    # cat's cancelled order of product 101 is no sale.
    (condition("BOUGHT_PRODUCT", "EQ", PRODUCT_101), [ANN]),
    (condition("BOUGHT_PRODUCT", "IN", values=[PRODUCT_101, PRODUCT_102]), [ANN, BOB]),
    (condition("BOUGHT_PRODUCT", "NEQ", PRODUCT_101), [BOB, CAT]),
    (condition("BOUGHT_CATEGORY", "EQ", CATEGORY_7), [ANN]),
    (condition("BOUGHT_CATEGORY", "NOT_IN", values=[CATEGORY_7]), [BOB, CAT]),
    (condition("IS_REGISTERED", "EQ", "true"), [ANN]),
    (condition("IS_REGISTERED", "EQ", "false"), [BOB, CAT]),
    (condition("EMAIL_CONSENT", "EQ", "SUBSCRIBED"), [ANN]),
    (condition("EMAIL_CONSENT", "NEQ", "SUBSCRIBED"), [BOB, CAT]),
    (condition("EMAIL_CONSENT", "EQ", "NEVER_SUBSCRIBED"), [BOB]),
    (condition("EMAIL_CONSENT", "IN", values=["UNSUBSCRIBED", "PENDING"]), [CAT]),
    (condition("EMAIL_CONSENT", "NOT_IN", values=["NEVER_SUBSCRIBED"]), [ANN, CAT]),
    (condition("OPEN_TICKETS", "GTE", "1"), [BOB]),
    (condition("OPEN_TICKETS", "EQ", "0"), [ANN, CAT]),
    (condition("OPEN_TICKETS", "EQ", "2"), [BOB]),
    (condition("OPEN_TICKETS", "LT", "2"), [ANN, CAT]),
    (condition("OPEN_TICKETS", "BETWEEN", values=["0", "1"]), [ANN, CAT]),
    (condition("OPEN_TICKETS", "NEQ", "2"), [ANN, CAT]),
    (condition("SATISFACTION", "GTE", "4"), [ANN]),
    (condition("SATISFACTION", "IS_NOT_SET"), [BOB, CAT]),
]


@pytest.mark.parametrize(("cond", "expected"), CASES, ids=lambda v: str(v)[:60])
def test_each_field_and_operator(store, cond, expected):
    # when
    selected = emails({"conditions": [cond]})

    # then
    assert selected == expected


def test_the_cases_cover_every_field():
    assert {case["field"] for case, _ in CASES} == {field.value for field in FIELDS}


def test_absolute_dates(store):
    # given: ann's first order, as a day and as a moment
    first = CustomerProfile.objects.get(email=ANN).first_order_at
    day = first.date().isoformat()

    # then
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "EQ", day)]}) == [ANN]
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "GT", day)]}) == []
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "GTE", day)]}) == [ANN]
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "LT", day)]}) == [BOB]
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "LTE", day)]}) == [ANN, BOB]
    moment = first.isoformat()
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "EQ", moment)]}) == [ANN]
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "GT", moment)]}) == []
    between = [(first - timedelta(days=1)).date().isoformat(), day]
    assert emails({"conditions": [condition("FIRST_ORDER_AT", "BETWEEN", values=between)]}) == [ANN]


def test_relative_dates_follow_the_clock_of_evaluation(store):
    # given
    rules = {"conditions": [condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "30")]}

    # when: evaluated 25 days later, ann's last order is 35 days old
    later = timezone.now() + timedelta(days=25)

    # then
    assert emails(rules) == [ANN]
    assert list(members(rules, now=later)) == []


def test_nested_groups(store):
    # given: (vip AND bought in channel-eu) OR (guest AND (DE OR more than 400 spent))
    rules = {
        "match": "ANY",
        "groups": [
            {
                "conditions": [
                    condition("TAG", "EQ", "vip"),
                    condition("CHANNEL", "EQ", "channel-eu"),
                ]
            },
            {
                "conditions": [condition("IS_REGISTERED", "EQ", "false")],
                "groups": [
                    {
                        "match": "ANY",
                        "conditions": [
                            condition("COUNTRY", "EQ", "DE"),
                            condition("TOTAL_SPENT", "GT", "400"),
                        ],
                    }
                ],
            },
        ],
    }

    # then
    assert emails(rules) == [ANN, BOB]
    rules["groups"][1]["groups"][0]["match"] = "ALL"
    rules["groups"][1]["groups"][0]["conditions"][0]["value"] = "FR"
    assert emails(rules) == [ANN]


def test_empty_rules_select_everyone_but_the_erased(store):
    assert emails({}) == [ANN, BOB, CAT]
    assert count_members({"match": "ANY"}) == 3


@pytest.mark.parametrize(
    ("rules", "path", "code"),
    [
        ({"conditions": [condition("TAG", "GT", "vip")]}, "rules.conditions.0", "invalid_operator"),
        ({"conditions": [condition("NOPE", "EQ", "x")]}, "rules.conditions.0", "invalid"),
        ({"conditions": [condition("TAG", "EQ")]}, "rules.conditions.0", "invalid_value"),
        ({"conditions": [condition("TAG", "EQ", "  ")]}, "rules.conditions.0", "invalid_value"),
        (
            {"conditions": [condition("TAG", "EQ", "vip", values=["x"])]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("TAG", "IN", values=[])]},
            "rules.conditions.0",
            "invalid_value",
        ),
        ({"conditions": [condition("TAG", "IS_SET", "x")]}, "rules.conditions.0", "invalid_value"),
        (
            {"conditions": [condition("ORDERS_COUNT", "GT", "many")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("RFM_RECENCY", "EQ", "6")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("TOTAL_SPENT", "BETWEEN", values=["9", "1"])]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("TOTAL_SPENT", "GT", "NaN")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("LAST_ORDER_AT", "GT", "yesterday")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("LAST_ORDER_AT", "LTE", "9999-12-31")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("LAST_ORDER_AT", "GT", "2026-02-30")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "0")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("LIFECYCLE_STAGE", "EQ", "GOLD")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("COUNTRY", "EQ", "Poland")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("BOUGHT_PRODUCT", "EQ", CATEGORY_7)]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("BOUGHT_PRODUCT", "EQ", "101")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {"conditions": [condition("IS_REGISTERED", "EQ", "yes")]},
            "rules.conditions.0",
            "invalid_value",
        ),
        (
            {
                "groups": [
                    {"conditions": [condition("TAG", "EQ", "x"), condition("CITY", "GT", "A")]}
                ]
            },
            "rules.groups.0.conditions.1",
            "invalid_operator",
        ),
        ({"groups": [{}]}, "rules.groups.0", "required"),
        ({"match": "SOME"}, "rules.match", "invalid"),
        ({"match": ["ALL"]}, "rules.match", "invalid"),
        ({"conditions": [{"field": ["TAG"], "operator": "EQ"}]}, "rules.conditions.0", "invalid"),
        (
            {"conditions": [{"field": "TAG", "operator": {"x": 1}}]},
            "rules.conditions.0",
            "invalid_operator",
        ),
        ({"conditions": "TAG"}, "rules.conditions", "invalid"),
        ({"colour": "red"}, "rules", "invalid"),
        ([], "rules", "invalid"),
    ],
    ids=lambda v: str(v)[:50],
)
def test_invalid_rules_name_the_condition(rules, path, code):
    with pytest.raises(InvalidRules) as raised:
        parse_rules(rules)
    assert [(e.path, e.code.value) for e in raised.value.errors] == [(path, code)]


def test_every_error_is_reported():
    with pytest.raises(InvalidRules) as raised:
        parse_rules(
            {
                "conditions": [condition("TAG", "EQ", "ok"), condition("TAG", "GT", "x")],
                "groups": [{"conditions": [condition("CITY", "EQ")]}],
            }
        )
    assert [e.path for e in raised.value.errors] == [
        "rules.conditions.1",
        "rules.groups.0.conditions.0",
    ]


def test_limits_on_depth_and_conditions():
    deep = {"conditions": [condition("TAG", "EQ", "x")]}
    for _ in range(MAX_DEPTH + 1):
        deep = {"groups": [deep]}
    with pytest.raises(InvalidRules) as raised:
        parse_rules(deep)
    assert raised.value.errors[0].code.value == "too_complex"

    groups = {"groups": [{"conditions": [condition("TAG", "EQ", "x")]}] * (MAX_GROUPS + 1)}
    with pytest.raises(InvalidRules) as raised:
        parse_rules(groups)
    assert [(e.path, e.code.value) for e in raised.value.errors] == [("rules", "too_complex")]

    many = {"conditions": [condition("TAG", "EQ", "x")] * (MAX_CONDITIONS + 1)}
    with pytest.raises(InvalidRules) as raised:
        parse_rules(many)
    assert [(e.path, e.code.value) for e in raised.value.errors] == [("rules", "too_complex")]


def test_operators_table_is_consistent():
    for spec in FIELDS.values():
        assert spec.operators <= set(Operator)
        assert spec.description


# --- GraphQL -----------------------------------------------------------------

SEGMENT_CREATE = """
mutation Create($input: SegmentInput!) {
  segmentCreate(input: $input) {
    errors { field code message }
    segment {
      id name description customerCount
      rules { match conditions { field operator value values } groups { match } }
      members(first: 10) { totalCount edges { node { email } } }
    }
  }
}
"""

SEGMENT_UPDATE = """
mutation Update($id: ID!, $input: SegmentInput!) {
  segmentUpdate(id: $id, input: $input) {
    errors { field code message }
    segment { name customerCount }
  }
}
"""

SEGMENT_DELETE = """
mutation Delete($id: ID!) {
  segmentDelete(id: $id) { errors { field code } deletedId }
}
"""

SEGMENT = """
query Segment($id: ID!, $first: Int) {
  segment(id: $id) {
    name customerCount
    members(first: $first) { edges { node { email tags } } pageInfo { hasNextPage } }
  }
}
"""

PREVIEW = """
query Preview($rules: SegmentRulesInput!) {
  segmentPreview(rules: $rules) { count sample { email } errors { field code message } }
}
"""

VIP_IN_EU = {
    "match": "ALL",
    "conditions": [
        {"field": "TAG", "operator": "EQ", "value": "vip"},
        {"field": "LAST_ORDER_AT", "operator": "WITHIN_LAST_DAYS", "value": "30"},
    ],
}


def test_create_read_update_delete(gql, store):
    # when
    data, errors = gql(
        SEGMENT_CREATE,
        {"input": {"name": " VIPs ", "description": "Recent VIPs", "rules": VIP_IN_EU}},
    )

    # then
    assert errors is None
    payload = data["segmentCreate"]
    assert payload["errors"] == []
    segment = payload["segment"]
    assert segment["name"] == "VIPs"
    assert segment["customerCount"] == 1
    assert segment["members"]["totalCount"] == 1
    assert segment["members"]["edges"] == [{"node": {"email": ANN}}]
    assert segment["rules"]["conditions"][1] == {
        "field": "LAST_ORDER_AT",
        "operator": "WITHIN_LAST_DAYS",
        "value": "30",
        "values": None,
    }

    # when: the name is taken
    data, _ = gql(SEGMENT_CREATE, {"input": {"name": "VIPs", "rules": {}}})
    assert data["segmentCreate"]["errors"] == [
        {"field": "name", "code": "UNIQUE", "message": "A segment with this name already exists."}
    ]

    # when: widened to everyone with an order
    data, _ = gql(
        SEGMENT_UPDATE,
        {
            "id": segment["id"],
            "input": {
                "name": "Buyers",
                "rules": {
                    "conditions": [{"field": "ORDERS_COUNT", "operator": "GT", "value": "0"}]
                },
            },
        },
    )
    assert data["segmentUpdate"] == {
        "errors": [],
        "segment": {"name": "Buyers", "customerCount": 2},
    }

    # when: listed and searched
    data, _ = gql('{ segments(first: 5, search: "buy") { totalCount edges { node { name } } } }')
    assert data["segments"] == {"totalCount": 1, "edges": [{"node": {"name": "Buyers"}}]}

    # when: deleted
    data, _ = gql(SEGMENT_DELETE, {"id": segment["id"]})
    assert data["segmentDelete"] == {"errors": [], "deletedId": segment["id"]}
    assert not Segment.objects.exists()
    data, _ = gql(SEGMENT_DELETE, {"id": segment["id"]})
    assert data["segmentDelete"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


def test_invalid_rules_are_typed_errors_on_their_path(gql, store):
    # given
    rules = {
        "conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}],
        "groups": [
            {
                "conditions": [
                    {"field": "COUNTRY", "operator": "EQ", "value": "DE"},
                    {"field": "ORDERS_COUNT", "operator": "CONTAINS", "value": "1"},
                    {"field": "ORDERS_COUNT", "operator": "GT", "value": "-1"},
                ]
            }
        ],
    }

    # when
    created, errors = gql(SEGMENT_CREATE, {"input": {"name": "Bad", "rules": rules}})
    previewed, preview_errors = gql(PREVIEW, {"rules": rules})

    # then
    assert errors is None
    assert preview_errors is None
    expected = [
        ("rules.groups.0.conditions.1", "INVALID_OPERATOR"),
        ("rules.groups.0.conditions.2", "INVALID_VALUE"),
    ]
    assert [(e["field"], e["code"]) for e in created["segmentCreate"]["errors"]] == expected
    assert created["segmentCreate"]["segment"] is None
    assert not Segment.objects.exists()
    assert previewed["segmentPreview"]["count"] is None
    assert [(e["field"], e["code"]) for e in previewed["segmentPreview"]["errors"]] == expected


def test_create_needs_name_and_rules(gql, db):
    data, _ = gql(SEGMENT_CREATE, {"input": {"name": "No rules"}})
    assert data["segmentCreate"]["errors"][0]["field"] == "rules"
    data, _ = gql(SEGMENT_CREATE, {"input": {"name": "  ", "rules": {}}})
    assert data["segmentCreate"]["errors"][0] == {
        "field": "name",
        "code": "REQUIRED",
        "message": "A segment needs a name.",
    }


def test_preview_counts_and_samples(gql, store):
    # when
    data, errors = gql(
        PREVIEW,
        {"rules": {"conditions": [{"field": "ORDERS_COUNT", "operator": "GTE", "value": "1"}]}},
    )

    # then: the most recent buyer first; the erased dan never
    assert errors is None
    assert data["segmentPreview"] == {
        "count": 2,
        "sample": [{"email": ANN}, {"email": BOB}],
        "errors": [],
    }


@pytest.mark.parametrize("requestor", ["anonymous", "customer", "staff_without_permissions"])
def test_without_permission_nothing_is_reached(gql, store, requestor):
    # given
    segment = Segment.objects.create(name="All", rules={})
    segment_id = to_global_id("Segment", segment.pk)

    # when
    read, read_errors = gql(SEGMENT, {"id": segment_id, "first": 5}, as_=requestor)
    preview, preview_errors = gql(PREVIEW, {"rules": {}}, as_=requestor)
    created, create_errors = gql(
        SEGMENT_CREATE, {"input": {"name": "X", "rules": {}}}, as_=requestor
    )
    deleted, delete_errors = gql(SEGMENT_DELETE, {"id": segment_id}, as_=requestor)

    # then
    for data, errors, name in (
        (read, read_errors, "segment"),
        (preview, preview_errors, "segmentPreview"),
        (created, create_errors, "segmentCreate"),
        (deleted, delete_errors, "segmentDelete"),
    ):
        assert errors[0].original_error.code == "PermissionDenied"
        assert data[name] is None
    assert list(Segment.objects.values_list("name", flat=True)) == ["All"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("TOTAL_SPENT", "10"),
        ("AVERAGE_ORDER_VALUE", "10"),
        ("CHANNEL", "channel-eu"),
        ("BOUGHT_PRODUCT", PRODUCT_101),
        ("BOUGHT_CATEGORY", CATEGORY_7),
    ],
)
@pytest.mark.parametrize("requestor", ["staff_without_orders", "staff_in_one_channel", "app"])
def test_order_data_conditions_need_manage_orders_in_all_channels(
    gql, store, field, value, requestor
):
    # given: nested, so the path names the condition
    rules = {"groups": [{"conditions": [{"field": field, "operator": "EQ", "value": value}]}]}

    # when
    preview, preview_errors = gql(PREVIEW, {"rules": rules}, as_=requestor)
    created, create_errors = gql(
        SEGMENT_CREATE, {"input": {"name": "X", "rules": rules}}, as_=requestor
    )
    allowed, allowed_errors = gql(PREVIEW, {"rules": rules}, as_="staff")

    # then
    for data, errors, name in (
        (preview, preview_errors, "segmentPreview"),
        (created, create_errors, "segmentCreate"),
    ):
        assert errors[0].original_error.code == "PermissionDenied"
        assert "rules.groups.0.conditions.0" in str(errors[0])
        assert data[name] is None
    assert not Segment.objects.exists()
    assert allowed_errors is None
    assert allowed["segmentPreview"]["errors"] == []


def test_staff_without_orders_may_use_profile_fields(gql, store):
    rules = {"conditions": [{"field": "ORDERS_COUNT", "operator": "GT", "value": "0"}]}
    data, errors = gql(PREVIEW, {"rules": rules}, as_="staff_without_orders")
    assert errors is None
    assert data["segmentPreview"]["count"] == 2


def test_erased_profiles_are_never_members(gql, store):
    # given: dan is erased but tagged vip and has an order
    segment = Segment.objects.create(
        name="VIP", rules={"conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}]}
    )

    # when
    data, _ = gql(SEGMENT, {"id": to_global_id("Segment", segment.pk), "first": 10})

    # then
    assert data["segment"]["customerCount"] == 1
    assert [e["node"]["email"] for e in data["segment"]["members"]["edges"]] == [ANN]


def test_unknown_segment_ids_are_null(gql, db):
    for segment_id in ("nope", to_global_id("Segment", "not-a-uuid"), to_global_id("Ticket", "1")):
        data, errors = gql(SEGMENT, {"id": segment_id})
        assert errors is None
        assert data["segment"] is None


@pytest.fixture
def many_buyers(db):
    for n in range(12):
        ingest(
            "order_created", f.order(f"m{n}", email=f"m{n}@example.com", created_at=days_ago(n + 1))
        )


def test_customer_count_is_one_query(gql, many_buyers):
    # given
    segment = Segment.objects.create(
        name="Recent",
        rules={
            "match": "ANY",
            "conditions": [
                # Orders 1 to 6 days old (the 7-day-old one is just past it).
                {"field": "LAST_ORDER_AT", "operator": "WITHIN_LAST_DAYS", "value": "7"},
                {"field": "OPEN_TICKETS", "operator": "GT", "value": "0"},
                {"field": "BOUGHT_PRODUCT", "operator": "EQ", "value": PRODUCT_101},
            ],
        },
    )
    query = "query($id: ID!) { segment(id: $id) { customerCount } }"
    variables = {"id": to_global_id("Segment", segment.pk)}

    # when
    with CaptureQueriesContext(connection) as queries:
        data, errors = gql(query, variables)

    # then: one to find the segment, one to count, and (for the rule on what
    # was bought) one that gives the count's transaction more work_mem
    assert errors is None
    assert data["segment"]["customerCount"] == 6
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 3
    assert statements[1].startswith("SELECT set_config('work_mem'")


def test_customer_count_without_a_rule_on_purchases_is_two_queries(gql, many_buyers):
    # given
    segment = Segment.objects.create(
        name="Recent",
        rules={"conditions": [{"field": "ORDERS_COUNT", "operator": "GTE", "value": "1"}]},
    )
    query = "query($id: ID!) { segment(id: $id) { customerCount } }"
    variables = {"id": to_global_id("Segment", segment.pk)}

    # when
    with CaptureQueriesContext(connection) as queries:
        data, errors = gql(query, variables)

    # then
    assert errors is None
    assert data["segment"]["customerCount"] == 12
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2


def test_members_page_query_count_does_not_grow(gql, many_buyers):
    # given
    segment = Segment.objects.create(name="Everyone", rules={})
    variables = {"id": to_global_id("Segment", segment.pk)}

    # when
    counts = []
    for first in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            data, errors = gql(SEGMENT, {**variables, "first": first})
        assert errors is None
        assert len(data["segment"]["members"]["edges"]) == first
        counts.append(len(queries))

    # then
    assert counts[0] == counts[1]


def test_members_pages_through_everyone(gql, many_buyers):
    segment = Segment.objects.create(name="Everyone", rules={})
    query = """
    query($id: ID!, $after: String) {
      segment(id: $id) { members(first: 5, after: $after) {
        edges { node { email } } pageInfo { hasNextPage endCursor } } }
    }
    """
    seen, after = [], None
    while True:
        data, errors = gql(query, {"id": to_global_id("Segment", segment.pk), "after": after})
        assert errors is None
        page = data["segment"]["members"]
        seen += [edge["node"]["email"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # Most recent buyers first.
    assert seen == [f"m{n}@example.com" for n in range(12)]


# --- materialised membership ---------------------------------------------------


def stays(segment) -> list[tuple[str, bool]]:
    """(email, still in) of every stay, oldest first."""
    return [
        (m.profile.email, m.left_at is None)
        for m in SegmentMember.objects.filter(segment=segment)
        .select_related("profile")
        .order_by("entered_at", "id")
    ]


def test_refresh_records_who_entered_and_left(store):
    # given
    segment = create_segment("VIP", {"conditions": [condition("TAG", "EQ", "vip")]})

    # when
    first = refresh_members(segment)
    again = refresh_members(segment)

    # then
    assert (first.entered, first.left) == (1, 0)
    assert (again.entered, again.left) == (0, 0)
    assert stays(segment) == [(ANN, True)]

    # when: ann loses the tag, bob gets it
    CustomerProfile.objects.filter(email=ANN).update(tags=[])
    CustomerProfile.objects.filter(email=BOB).update(tags=["vip"])
    changed = refresh_members(segment)

    # then
    assert (changed.entered, changed.left) == (1, 1)
    assert stays(segment) == [(ANN, False), (BOB, True)]
    assert sorted(current_members(segment).values_list("email", flat=True)) == [BOB]

    # when: ann comes back, bob is erased
    CustomerProfile.objects.filter(email=ANN).update(tags=["vip"])
    CustomerProfile.objects.filter(email=BOB).update(erased_at=timezone.now())
    refresh_members(segment)

    # then: a new stay for ann; the history keeps the old one
    assert stays(segment) == [(ANN, False), (BOB, False), (ANN, True)]
    member = SegmentMember.objects.get(segment=segment, profile__email=BOB)
    assert member.left_at >= member.entered_at
    segment.refresh_from_db()
    assert segment.members_refreshed_at is not None


def test_refresh_follows_the_clock(store):
    # given
    segment = create_segment(
        "Recent", {"conditions": [condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "30")]}
    )
    refresh_members(segment)

    # when: 25 days later ann's last order is 35 days old
    later = refresh_members(segment, now=timezone.now() + timedelta(days=25))

    # then
    assert (later.entered, later.left) == (0, 1)
    assert stays(segment) == [(ANN, False)]


def test_refresh_all_segments(store):
    # given
    create_segment("VIP", {"conditions": [condition("TAG", "EQ", "vip")]})
    create_segment("Everyone", {})
    buyers = create_segment(
        "Buyers or waiting",
        {
            "match": "ANY",
            "conditions": [
                condition("BOUGHT_PRODUCT", "EQ", PRODUCT_101),
                condition("OPEN_TICKETS", "GT", "0"),
            ],
        },
    )
    broken = Segment.objects.create(name="Broken", rules={"conditions": [{"field": "NOPE"}]})

    # when
    totals = refresh_all_segments()

    # then
    assert totals == {"segments": 3, "entered": 6, "left": 0, "skipped": 1}
    assert sorted(stays(buyers)) == [(ANN, True), (BOB, True)]
    assert not SegmentMember.objects.filter(segment=broken).exists()
    assert refresh_all_segments()["entered"] == 0


def test_saving_rules_refreshes_the_segment(gql, store, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        data, _ = gql(
            SEGMENT_CREATE,
            {"input": {"name": "VIP", "rules": {"conditions": [condition("TAG", "EQ", "vip")]}}},
        )
    segment = Segment.objects.get()

    # then
    assert data["segmentCreate"]["errors"] == []
    assert stays(segment) == [(ANN, True)]

    # when: only the name changes, nothing is asked for
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        gql(SEGMENT_UPDATE, {"id": to_global_id("Segment", segment.pk), "input": {"name": "V"}})
    assert callbacks == []


def test_members_leave_with_their_deleted_segment(store):
    segment = create_segment("Everyone", {})
    refresh_members(segment)
    segment.delete()
    assert not SegmentMember.objects.exists()


def test_segments_list_query_count_does_not_grow(gql, db):
    # given
    for n in range(12):
        create_segment(f"Segment {n:02d}", {"conditions": [condition("TAG", "EQ", f"t{n}")]})
    query = "query($first: Int) { segments(first: $first) { totalCount edges { node { name } } } }"

    # when
    counts = []
    for first in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            data, errors = gql(query, {"first": first})
        assert errors is None
        assert len(data["segments"]["edges"]) == first
        counts.append(len(queries))

    # then: the page and its count
    assert counts == [2, 2]


# --- What customers bought: CustomerPurchases against the facts ------------

PRODUCTS, CATEGORIES, CHANNELS = (
    ("101", "102", "103", "104"),
    ("7", "8"),
    ("channel-eu", "channel-us"),
)


@pytest.fixture
def buyers(db):
    """Twelve customers, each one to four orders of one to three lines in
    either channel, drawn from a seeded generator.
    """
    import random

    draw = random.Random(11)
    for n in range(12):
        for k in range(draw.randint(1, 4)):
            lines = tuple(
                f.line(
                    f"Product {product}",
                    price="10.00",
                    line_id=f"l{i}",
                    product_id=product,
                    category_id=CATEGORIES[int(product) % 2],
                )
                for i, product in enumerate(draw.sample(PRODUCTS, draw.randint(1, 3)))
            )
            ingest(
                "order_created",
                f.order(
                    f"g{n}-{k}",
                    email=f"g{n}@example.com",
                    total=str(10 * len(lines)),
                    created_at=days_ago(draw.randint(1, 200)),
                    channel=draw.choice(CHANNELS),
                    lines=lines,
                ),
            )


def bought_oracle() -> dict[str, set[str]]:
    """Per email of a profile not erased, what it bought, read naively from
    the facts: the lines and channels of its sale orders.
    """
    from saleor_crm_plugin.models import OrderFact

    bought: dict[str, set[str]] = {
        p.email: set() for p in CustomerProfile.objects.filter(erased_at__isnull=True)
    }
    for order in OrderFact.objects.select_related("profile").prefetch_related("lines"):
        if order.profile is None or order.profile.erased_at is not None or not order.is_sale:
            continue
        bought[order.profile.email].add(f"channel:{order.channel}")
        for line in order.lines.all():
            bought[order.profile.email] |= {
                f"product:{line.product_id}",
                f"category:{line.category_id}",
            }
    return bought


def last_order(email: str):
    return CustomerProfile.objects.get(email=email).last_order_at


PURCHASE_RULES = [
    (
        {"conditions": [condition("BOUGHT_PRODUCT", "EQ", to_global_id("Product", "101"))]},
        lambda items, email: "product:101" in items,
    ),
    (
        {
            "conditions": [
                condition(
                    "BOUGHT_PRODUCT",
                    "IN",
                    values=[to_global_id("Product", "102"), to_global_id("Product", "104")],
                )
            ]
        },
        lambda items, email: bool(items & {"product:102", "product:104"}),
    ),
    (
        {"conditions": [condition("BOUGHT_PRODUCT", "NEQ", to_global_id("Product", "103"))]},
        lambda items, email: "product:103" not in items,
    ),
    (
        {"conditions": [condition("BOUGHT_CATEGORY", "NOT_IN", values=[CATEGORY_7])]},
        lambda items, email: "category:7" not in items,
    ),
    (
        {"conditions": [condition("CHANNEL", "EQ", "channel-us")]},
        lambda items, email: "channel:channel-us" in items,
    ),
    (
        {
            "match": "ANY",
            "conditions": [
                condition("BOUGHT_CATEGORY", "EQ", to_global_id("Category", "8")),
                condition("CHANNEL", "EQ", "channel-eu"),
            ],
        },
        lambda items, email: bool(items & {"category:8", "channel:channel-eu"}),
    ),
    (
        {
            "conditions": [condition("CHANNEL", "IN", values=["channel-eu"])],
            "groups": [
                {
                    "match": "ANY",
                    "conditions": [
                        condition("BOUGHT_PRODUCT", "EQ", to_global_id("Product", "101")),
                        condition("BOUGHT_PRODUCT", "EQ", to_global_id("Product", "102")),
                    ],
                }
            ],
        },
        lambda items, email: (
            "channel:channel-eu" in items and bool(items & {"product:101", "product:102"})
        ),
    ),
    (
        {
            "match": "ANY",
            "conditions": [
                condition("BOUGHT_PRODUCT", "EQ", to_global_id("Product", "104")),
                condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "60"),
            ],
        },
        lambda items, email: (
            "product:104" in items
            or (last_order(email) is not None and last_order(email) >= days_ago(60))
        ),
    ),
]


def assert_counts_match_the_oracle():
    bought = bought_oracle()
    for rules, holds_for in PURCHASE_RULES:
        expected = sorted(email for email, items in bought.items() if holds_for(items, email))
        assert 0 < len(expected) < len(bought), rules  # the rule tells customers apart
        assert emails(rules) == expected, rules
        assert count_members(rules) == len(expected), rules


def test_bought_and_channel_counts_match_the_facts(buyers):
    assert_counts_match_the_oracle()


def test_bought_and_channel_counts_follow_cancellations_refunds_and_erasure(buyers):
    # given
    assert_counts_match_the_oracle()
    now = timezone.now()
    from saleor_crm_plugin.models import OrderFact

    first, second = OrderFact.objects.filter(profile__email="g0@example.com").order_by("pk")[:2]

    # when: one of g0's orders is cancelled, one of g1's fully refunded, g2 erased
    ingest(
        "order_cancelled",
        f.order(first.order_id, email="g0@example.com", status="canceled", updated_at=now),
    )
    refunded = OrderFact.objects.filter(profile__email="g1@example.com").first()
    ingest(
        "order_fully_refunded",
        f.order(
            refunded.order_id,
            email="g1@example.com",
            total=str(refunded.total_gross),
            total_refunded=refunded.total_gross,
            updated_at=now,
        ),
    )
    g2 = CustomerProfile.objects.get(email="g2@example.com")
    erase_customer(CustomerSnapshot(user_id="", email=g2.email, updated_at=now), now)

    # then
    assert not OrderFact.objects.get(pk=first.pk).is_sale
    assert not OrderFact.objects.get(pk=refunded.pk).is_sale
    assert not CustomerPurchases.objects.filter(profile=g2).exists()
    assert_counts_match_the_oracle()


def test_purchases_hold_what_each_customer_bought_and_nobody_erased(buyers):
    bought = bought_oracle()
    stored = {
        p.profile.email: set(p.items) for p in CustomerPurchases.objects.select_related("profile")
    }
    assert stored == {email: items for email, items in bought.items() if items}
    assert all(p.items == sorted(p.items) for p in CustomerPurchases.objects.all())


def test_a_rule_only_on_purchases_is_counted_from_them_alone(gql, buyers):
    # given
    segment = create_segment(
        "EU or category 8",
        {
            "match": "ANY",
            "conditions": [
                condition("CHANNEL", "EQ", "channel-eu"),
                condition("BOUGHT_CATEGORY", "EQ", to_global_id("Category", "8")),
            ],
        },
    )
    query = "query($id: ID!) { segment(id: $id) { customerCount } }"

    # when
    with CaptureQueriesContext(connection) as queries:
        data, errors = gql(query, {"id": to_global_id("Segment", segment.pk)})

    # then: the segment, and one count that reads no profile
    assert errors is None
    bought = bought_oracle()
    assert data["segment"]["customerCount"] == sum(
        bool(items & {"channel:channel-eu", "category:8"}) for items in bought.values()
    )
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2
    assert "saleor_crm_customerpurchases" in statements[1]
    assert "saleor_crm_customerprofile" not in statements[1]
