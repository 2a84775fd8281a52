"""Walks the whole schema: every operation against every kind of requestor.

The expected outcome comes from OPERATION_PERMISSIONS, the one table of
access rules, so no operation can be added without being checked here; the
fields and arguments that need more (FIELD_PERMISSIONS, ARGUMENT_PERMISSIONS)
are walked the same way. Requestors include staff without MANAGE_ORDERS,
staff restricted to one channel, and (over HTTP, where tokens are checked) a
staff member's token issued for another App than the CRM's.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)
from graphql_relay import to_global_id

from saleor_crm_plugin.graphql.core.permissions import (
    ARGUMENT_PERMISSIONS,
    CUSTOMER,
    FIELD_PERMISSIONS,
    MANAGE_APPS_AND_USERS,
    MANAGE_ORDERS,
    MANAGE_ORDERS_ALL_CHANNELS,
    MANAGE_STAFF,
    MANAGE_USERS,
    MANAGE_USERS_AND_DISCOUNTS,
    MANAGE_USERS_AND_ORDERS,
    OPERATION_PERMISSIONS,
    PUBLIC,
)
from saleor_crm_plugin.graphql.schema import execute, schema
from saleor_crm_plugin.interactions.models import Interaction
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.marketing.consent import SuppressionReason, suppress
from saleor_crm_plugin.marketing.models import Campaign, CampaignRecipient
from saleor_crm_plugin.profiles.models import CustomerProfile
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import Ticket
from tests import factories as f
from tests.conftest import GRAPHQL_URL, REQUESTORS
from tests.factories import ingest
from tests.host.auth import issue_token

EVERYONE = set(REQUESTORS)
# Who gets past each rule; written out by hand, not derived from the rules.
ALLOWED = {
    MANAGE_USERS: {"staff", "staff_without_orders", "staff_in_one_channel", "app"},
    # The app holds MANAGE_USERS only.
    MANAGE_USERS_AND_ORDERS: {"staff", "staff_in_one_channel"},
    MANAGE_ORDERS: {"staff", "staff_in_one_channel"},
    MANAGE_ORDERS_ALL_CHANNELS: {"staff"},
    # No one here holds it (the read audit); tests/test_read_audit.py has who does.
    MANAGE_STAFF: set(),
    # No one here holds MANAGE_DISCOUNTS (goodwill vouchers); tests/test_offers.py has who does.
    MANAGE_USERS_AND_DISCOUNTS: set(),
    # No one here holds MANAGE_APPS (outbound webhooks); tests/test_webhooks.py has who does.
    MANAGE_APPS_AND_USERS: set(),
    CUSTOMER: {"customer", "customer_b"},
    PUBLIC: EVERYONE,
}


def root_fields():
    types = {"Query": schema.get_query_type(), "Mutation": schema.get_mutation_type()}
    for operation, graphql_type in types.items():
        for name, field in graphql_type.fields.items():
            yield operation, name, field


def sample(arg_type):
    """A valid literal of ``arg_type``, filling required input fields."""
    inner = arg_type.of_type if isinstance(arg_type, GraphQLNonNull) else arg_type
    if isinstance(inner, GraphQLList):
        return f"[{sample(inner.of_type)}]"
    if isinstance(inner, GraphQLInputObjectType):
        required = [
            f"{name}: {sample(field.type)}"
            for name, field in inner.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(required) + "}"
    if isinstance(inner, GraphQLEnumType):
        return inner.values[0].name
    return {
        "Int": "1",
        "Boolean": "true",
        "DateTime": '"2026-01-01T00:00:00+00:00"',
        "CrmDecimal": '"1"',
    }.get(inner.name, '"x"')


def document(operation, name, field):
    args = []
    for arg_name, arg in field.args.items():
        if isinstance(arg.type, GraphQLNonNull) or arg_name in ("first", "email"):
            args.append(f"{arg_name}: {sample(arg.type)}")
    call = f"{name}({', '.join(args)})" if args else name
    keyword = "mutation" if operation == "Mutation" else "query"
    return f"{keyword} {{ {call} {{ __typename }} }}"


OPERATIONS = [(op, name, field) for op, name, field in root_fields()]


def test_permission_table_matches_the_schema():
    in_schema = {(op, name) for op, name, _ in OPERATIONS}
    in_table = {(op, name) for op, rules in OPERATION_PERMISSIONS.items() for name in rules}
    assert in_schema == in_table


def test_each_mutation_declares_the_permission_of_the_table():
    # BaseMutation checks Meta.permission too; it must say what the table says.
    for name, field in schema.get_mutation_type().fields.items():
        declared = field.type.graphene_type._meta.permission
        assert declared == OPERATION_PERMISSIONS["Mutation"][name], name


def test_every_rule_has_an_expectation():
    rules = {rule for ops in OPERATION_PERMISSIONS.values() for rule in ops.values()}
    rules |= {rule for fields in FIELD_PERMISSIONS.values() for rule in fields.values()}
    rules |= {
        rule
        for operations in ARGUMENT_PERMISSIONS.values()
        for arguments in operations.values()
        for rule in arguments.values()
    }
    assert rules <= set(ALLOWED)


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", sorted(EVERYONE))
@pytest.mark.parametrize(("operation", "name", "field"), OPERATIONS, ids=lambda v: str(v)[:30])
def test_operation_access(operation, name, field, requestor):
    # when
    result = execute(document(operation, name, field), requestor=REQUESTORS[requestor])
    invalid = [
        e
        for e in result.errors or []
        if not getattr(e, "original_error", None) and not getattr(e, "path", None)
    ]
    assert not invalid, invalid  # the document itself must be valid

    # then
    denied = [
        e
        for e in result.errors or []
        if getattr(getattr(e, "original_error", None), "code", None) == "PermissionDenied"
    ]
    if requestor in ALLOWED[OPERATION_PERMISSIONS[operation][name]]:
        assert not denied, result.errors
    else:
        assert denied, f"{requestor} reached {name}"
        assert not (result.data or {}).get(name)


def test_unlisted_root_field_is_refused():
    from types import SimpleNamespace

    from saleor_crm_plugin.graphql.core.errors import PermissionDenied
    from saleor_crm_plugin.graphql.schema import permission_middleware

    info = SimpleNamespace(
        parent_type=SimpleNamespace(name="Query"),
        field_name="somethingNew",
        context=SimpleNamespace(requestor=REQUESTORS["staff"]),
    )
    with pytest.raises(PermissionDenied):
        permission_middleware(lambda *a, **k: "data", None, info)


# --- fields and arguments that need more than their operation --------------

EU_ORDER = to_global_id("Order", "o-eu")
# Where each type of FIELD_PERMISSIONS is reached from, and the path to it.
REACH = {
    "CustomerProfile": (
        'query { customerProfile(email: "ann@example.com") { %s } }',
        ("customerProfile",),
    ),
    "CrmCustomerStats": ("query { crmCustomerStats { %s } }", ("crmCustomerStats",)),
    # Ann's address is suppressed in the fixture, so the fields have values.
    "MarketingConsent": (
        'query { customerProfile(email: "ann@example.com") { marketingConsent { %s } } }',
        ("customerProfile", "marketingConsent"),
    ),
    "Ticket": (
        "query { tickets(first: 1) { edges { node { %s } } } }",
        ("tickets", "edges", 0, "node"),
    ),
    "Interaction": (
        "query { interactions(first: 1) { edges { node { %s } } } }",
        ("interactions", "edges", 0, "node"),
    ),
    # The campaign of the sent_campaign fixture, which every figure has.
    "CampaignStats": (
        "query { campaigns(first: 1) { edges { node { stats { %s } } } } }",
        ("campaigns", "edges", 0, "node", "stats"),
    ),
}
# A document setting each argument of ARGUMENT_PERMISSIONS (the EU order).
ARGUMENT_DOCUMENTS = {
    ("Query", "customerProfile", "orderId"): (
        f'query {{ customerProfile(orderId: "{EU_ORDER}") {{ id }} }}'
    ),
    ("Query", "customerProfiles", "filter.totalSpent"): (
        "query { customerProfiles(first: 1, filter: {totalSpent: {gte: 1}}) { totalCount } }"
    ),
    ("Query", "customerProfiles", "sortBy.field=TOTAL_SPENT"): (
        "query { customerProfiles(first: 1, sortBy: {field: TOTAL_SPENT, direction: DESC}) "
        "{ totalCount } }"
    ),
    ("Query", "tickets", "filter.order"): (
        f'query {{ tickets(first: 1, filter: {{order: "{EU_ORDER}"}}) {{ totalCount }} }}'
    ),
    ("Query", "interactions", "filter.order"): (
        f'query {{ interactions(first: 1, filter: {{order: "{EU_ORDER}"}}) {{ totalCount }} }}'
    ),
    ("Mutation", "ticketCreate", "input.order"): (
        'mutation { ticketCreate(input: {customerEmail: "ann@example.com", subject: "Lost", '
        f'body: "Where is it?", order: "{EU_ORDER}"}}) {{ errors {{ code }} ticket {{ id }} }} }}'
    ),
    ("Mutation", "interactionCreate", "input.order"): (
        'mutation { interactionCreate(input: {customerEmail: "ann@example.com", channel: PHONE, '
        f'direction: INBOUND, order: "{EU_ORDER}"}}) {{ errors {{ code }} interaction {{ id }} }} }}'
    ),
}
FIELDS = [(t, f, rule) for t, fields in FIELD_PERMISSIONS.items() for f, rule in fields.items()]
ARGUMENTS = [
    (operation, name, argument, rule)
    for operation, operations in ARGUMENT_PERMISSIONS.items()
    for name, arguments in operations.items()
    for argument, rule in arguments.items()
]
# Requestors who reach these types and operations (their rule is MANAGE_USERS).
REACHING = sorted(ALLOWED[MANAGE_USERS])


@pytest.fixture
def ann_buys_in_two_channels(db):
    ingest("order_created", f.order("o-eu", email="ann@example.com", channel="channel-eu"))
    ingest("order_created", f.order("o-us", email="ann@example.com", channel="channel-us"))
    # A ticket and a call about the EU order.
    desk.open_ticket(
        desk.NewTicket(subject="Late", body="Where?", email="ann@example.com", order_id="o-eu"),
        desk.Author(kind="customer", name="Ann"),
    )
    log_interaction(
        InteractionInput(
            channel="phone", direction="inbound", email="ann@example.com", order_id="o-eu"
        )
    )
    suppress("ann@example.com", SuppressionReason.COMPLAINT, source="complaint")


@pytest.fixture
def sent_campaign(db):
    """A campaign sent a day ago to 12 customers and held out from 12, some
    of each group buying in the days after: every stats figure has a value.
    """
    now = timezone.now()
    started = now - timedelta(days=1)
    profiles = CustomerProfile.objects.bulk_create(
        CustomerProfile(email=f"m{i}@example.com", first_seen_at=started) for i in range(24)
    )
    campaign = Campaign.objects.create(
        name="Sent", subject="Hi", body="<p>x</p>", status="sent", started_at=started
    )
    CampaignRecipient.objects.bulk_create(
        CampaignRecipient(
            campaign=campaign,
            profile=p,
            email=p.email,
            bucket=i,
            group="holdout" if i % 2 else "main",
            position=None if i % 2 else 0,
            status="skipped" if i % 2 else "sent",
            sent_at=None if i % 2 else started,
            clicked_at=None if i % 2 else started,
        )
        for i, p in enumerate(profiles)
    )
    for i in range(4):
        ingest(
            "order_created",
            f.order(f"o-m{i}", email=f"m{i}@example.com", total=str(10 + i), created_at=now),
        )
    return campaign


def select(type_name: str, field_name: str) -> str:
    field = schema.get_type(type_name).fields[field_name]
    inner = field.type
    while isinstance(inner, GraphQLNonNull | GraphQLList):
        inner = inner.of_type
    arguments = "(first: 1)" if "first" in field.args else ""
    selection = " { __typename }" if isinstance(inner, GraphQLObjectType) else ""
    return f"{field_name}{arguments}{selection}"


def permission_denied(result) -> list:
    return [
        e
        for e in result.errors or []
        if getattr(getattr(e, "original_error", None), "code", None) == "PermissionDenied"
    ]


def test_the_walks_cover_the_tables():
    assert set(REACH) == set(FIELD_PERMISSIONS)
    assert set(ARGUMENT_DOCUMENTS) == {(op, name, arg) for op, name, arg, _ in ARGUMENTS}


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", REACHING)
@pytest.mark.parametrize(("type_name", "field_name", "rule"), FIELDS, ids=lambda v: str(v)[:20])
def test_field_access(ann_buys_in_two_channels, request, type_name, field_name, rule, requestor):
    # given
    document, path = REACH[type_name]
    if type_name == "CampaignStats":
        request.getfixturevalue("sent_campaign")

    # when
    result = execute(document % select(type_name, field_name), requestor=REQUESTORS[requestor])

    # then: the rest of the result stays; the field is null with an error at its path
    parent = result.data
    for key in path:
        parent = parent[key]
    assert parent is not None
    if requestor in ALLOWED[rule]:
        assert not result.errors, result.errors
        assert parent[field_name] is not None
    else:
        (denied,) = permission_denied(result)
        assert denied.path == [*path, field_name]
        assert parent[field_name] is None


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", REACHING)
@pytest.mark.parametrize(("operation", "name", "argument", "rule"), ARGUMENTS, ids=str)
def test_argument_access(ann_buys_in_two_channels, operation, name, argument, rule, requestor):
    # given
    before = (Ticket.objects.count(), Interaction.objects.count())

    # when
    result = execute(
        ARGUMENT_DOCUMENTS[(operation, name, argument)], requestor=REQUESTORS[requestor]
    )

    # then
    if requestor in ALLOWED[rule]:
        assert not permission_denied(result), result.errors
        assert result.data[name] is not None
    else:
        assert permission_denied(result), f"{requestor} set {argument} of {name}"
        assert result.data is None or result.data[name] is None
        assert (Ticket.objects.count(), Interaction.objects.count()) == before


# --- a staff member's token issued for another App --------------------------


def token_for(app_identifier: str) -> str:
    return issue_token(
        kind="staff",
        user_id="3",
        email="staff@example.com",
        permissions=("MANAGE_USERS", "MANAGE_ORDERS"),
        token_app=app_identifier,
    )


def post(client, query: str, token: str):
    return client.post(
        GRAPHQL_URL,
        json.dumps({"query": query}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "name", "field"), OPERATIONS, ids=lambda v: str(v)[:30])
def test_token_issued_for_another_app_opens_nothing(client, operation, name, field):
    # given
    before = (Ticket.objects.count(), Interaction.objects.count())

    # when
    response = post(client, document(operation, name, field), token_for("com.example.other"))

    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidTokenError"
    assert (Ticket.objects.count(), Interaction.objects.count()) == before


@pytest.mark.django_db
def test_token_issued_for_the_crms_app_is_accepted(client):
    # when
    own = post(
        client, "{ customerProfiles(first: 1) { totalCount } }", token_for("saleor.crm.dashboard")
    )
    unknown = post(client, "{ customerProfiles(first: 1) { totalCount } }", token_for(""))

    # then
    assert own.json() == {"data": {"customerProfiles": {"totalCount": 0}}}
    assert unknown.status_code == 401
