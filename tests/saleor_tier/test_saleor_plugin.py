"""The CRM plugin inside a real Saleor: hooks, the plugin route, auth, backfill.

Uses Saleor's own fixtures and GraphQL API; nothing of Saleor is faked.
"""

import inspect
import json
from decimal import Decimal

import graphene
import jwt
import pytest
from django.core.management import call_command
from django.test import Client
from saleor.account.models import User
from saleor.checkout import calculations
from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
from saleor.core.jwt import create_access_token
from saleor.core.tokens import password_reset_token_generator
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order.models import Order
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.models import CRMConfiguration, CustomerProfile, InboundEvent

CRM_URL = "/plugins/global/saleor.crm/graphql/"

CHECKOUT_COMPLETE = """
mutation ($id: ID, $redirectUrl: String) {
  checkoutComplete(id: $id, redirectUrl: $redirectUrl) {
    order { id number }
    errors { field code message }
  }
}
"""

PROFILE = """
query ($email: String) {
  customerProfile(email: $email) {
    email user isGuest ordersCount
    totalSpent { amount currency }
    lifecycleStage
    timeline(first: 20) { edges { node { type objectId } } }
  }
}
"""


def complete_checkout(api_client, checkout, payment_dummy, address, set_delivery):
    """Pay a checkout with Saleor's dummy gateway and complete it over GraphQL."""
    pay_checkout(checkout, payment_dummy, address, set_delivery)
    return post_checkout_complete(api_client, checkout)


def pay_checkout(checkout, payment_dummy, address, set_delivery):
    checkout.shipping_address = address
    checkout.billing_address = address
    set_delivery(checkout)
    checkout.save()
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    info = fetch_checkout_info(checkout, lines, manager)
    calculate = calculations.calculate_checkout_total_with_gift_cards
    # Saleor 3.21 takes the address as an argument; 3.23 reads it from the info.
    extra = {"address": address} if "address" in inspect.signature(calculate).parameters else {}
    total = calculate(manager, info, lines, **extra)
    payment_dummy.is_active = True
    payment_dummy.order = None
    payment_dummy.total = total.gross.amount
    payment_dummy.currency = total.gross.currency
    payment_dummy.checkout = checkout
    payment_dummy.save()


def post_checkout_complete(api_client, checkout):
    response = api_client.post_graphql(
        CHECKOUT_COMPLETE,
        {
            "id": graphene.Node.to_global_id("Checkout", checkout.pk),
            "redirectUrl": "https://www.example.com",
        },
    )
    data = get_graphql_content(response)["data"]["checkoutComplete"]
    assert not data["errors"], data["errors"]
    return Order.objects.get(number=data["order"]["number"])


def crm(query, variables=None, *, token=None, scheme="JWT", path=CRM_URL):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token else {}
    response = Client().post(
        path,
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )
    return response


def test_checkout_complete_creates_the_profile(
    crm_plugin,
    user_api_client,
    customer_user,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    manager_token,
):
    # given
    checkout = checkout_with_item
    checkout.user = customer_user
    checkout.email = customer_user.email
    checkout.save()

    # when
    order = complete_checkout(user_api_client, checkout, payment_dummy, address, set_delivery)

    # then
    content = crm(PROFILE, {"email": customer_user.email}, token=manager_token).json()
    assert "errors" not in content, content
    profile = content["data"]["customerProfile"]
    assert profile["email"] == customer_user.email
    assert profile["user"] == graphene.Node.to_global_id("User", customer_user.pk)
    assert profile["ordersCount"] == 1
    assert Decimal(str(profile["totalSpent"]["amount"])) == order.total_gross_amount
    assert profile["totalSpent"]["currency"] == order.currency
    assert profile["lifecycleStage"] == "NEW"
    types = {edge["node"]["type"] for edge in profile["timeline"]["edges"]}
    assert {"ORDER_PLACED", "ORDER_PAID"} <= types
    placed = next(
        e["node"] for e in profile["timeline"]["edges"] if e["node"]["type"] == "ORDER_PLACED"
    )
    assert placed["objectId"] == graphene.Node.to_global_id("Order", order.pk)
    assert InboundEvent.objects.filter(status="processed").count() >= 2
    assert not InboundEvent.objects.exclude(status="processed").exists()
    # A registered customer without a default address is where the order went,
    # and is scored at once (no nightly recompute needed).
    stored = CustomerProfile.objects.get(email=customer_user.email)
    assert stored.country == address.country.code
    assert stored.rfm_segment


CUSTOMER_CREATE = """
mutation ($email: String!) {
  customerCreate(input: {email: $email, firstName: "Gus"}) {
    user { id }
    errors { field code message }
  }
}
"""


SET_PASSWORD = """
mutation ($email: String!, $token: String!, $password: String!) {
  setPassword(email: $email, token: $token, password: $password) { errors { field code } }
}
"""
MY_TICKETS = "{ myTickets(first: 1) { totalCount } }"


def test_guest_who_registers_later_has_one_merged_profile(
    crm_plugin,
    api_client,
    staff_api_client,
    permission_manage_users,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    manager_token,
):
    # given: a guest checkout
    guest_email = checkout_with_item.email
    complete_checkout(api_client, checkout_with_item, payment_dummy, address, set_delivery)
    assert CustomerProfile.objects.get(email=guest_email).user is None

    # when: an account is created for the same email
    response = staff_api_client.post_graphql(
        CUSTOMER_CREATE,
        {"email": guest_email},
        permissions=[permission_manage_users],
        check_no_permissions=False,
    )
    assert not get_graphql_content(response)["data"]["customerCreate"]["errors"]

    # then: Saleor creates it unconfirmed (it confirms when the customer sets
    # a password), so it links to nothing yet
    user = User.objects.get(email=guest_email)
    assert not user.is_confirmed
    profile = CustomerProfile.objects.get()
    assert profile.user is None

    # when: the customer sets the password from the email Saleor sent (which
    # confirms the account without any plugin hook), then signs in
    response = api_client.post_graphql(
        SET_PASSWORD,
        {
            "email": guest_email,
            "token": password_reset_token_generator.make_token(user),
            "password": "Secret-password-123",
        },
    )
    assert not get_graphql_content(response)["data"]["setPassword"]["errors"]
    mine = crm(MY_TICKETS, token=create_access_token(user)).json()

    # then: one profile, linked, with the guest's order
    assert mine == {"data": {"myTickets": {"totalCount": 0}}}
    profile = CustomerProfile.objects.get()
    assert profile.email == guest_email
    assert profile.user == user
    assert profile.orders_count == 1


@pytest.mark.django_db(transaction=True)  # hooks run at the real commit, as in production
@pytest.mark.parametrize("broken", ["processing", "snapshot", "recording"])
def test_crm_failure_does_not_fail_checkout_complete(
    crm_plugin,
    monkeypatch,
    user_api_client,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    broken,
):
    # given
    def explode(*args, **kwargs):
        raise RuntimeError("CRM is broken")

    if broken == "processing":
        monkeypatch.setattr("saleor_crm_plugin.ingestion.batch.apply_orders", explode)
    elif broken == "snapshot":
        monkeypatch.setattr("saleor_crm_plugin.saleor.snapshots.order_snapshots", explode)
    else:
        monkeypatch.setattr("saleor_crm_plugin.ingestion.recorder.write_events", explode)

    # when
    order = complete_checkout(
        user_api_client, checkout_with_item, payment_dummy, address, set_delivery
    )

    # then: the store is unaffected; the CRM keeps what it could
    assert order.pk
    assert not CustomerProfile.objects.filter(orders__isnull=False).exists()
    if broken == "recording":
        assert not InboundEvent.objects.exists()
    else:
        # The order's event waits, with its error, for its next attempt.
        waiting = InboundEvent.objects.filter(object_type="order", status="pending")
        assert waiting.count() == 1
        assert "CRM is broken" in waiting.get().last_error
        assert waiting.get().next_attempt_at is not None


def test_endpoint_permissions(
    crm_plugin, staff_user, customer_user, permission_manage_users, app, manager_token
):
    # given
    from saleor.app.models import AppToken

    no_perm_staff = create_access_token(
        customer_user.__class__.objects.create(
            email="clerk@example.com", is_staff=True, is_active=True
        )
    )
    customer = create_access_token(customer_user)
    _, app_token = AppToken.objects.create(app=app, name="crm")
    app.permissions.add(permission_manage_users)
    query = "{ customerProfiles(first: 1) { totalCount } }"

    # when
    results = {
        "anonymous": crm(query).json(),
        "customer": crm(query, token=customer).json(),
        "staff_without": crm(query, token=no_perm_staff).json(),
        "staff_with": crm(query, token=manager_token).json(),
        "app_with": crm(query, token=app_token, scheme="Bearer").json(),
    }
    forged_token = jwt.encode(
        {"owner": "saleor", "type": "access", "email": staff_user.email, "token": "x"},
        "not-the-signing-key",
        algorithm="HS256",
    )
    forged = crm(query, token=forged_token)

    # then
    for who in ("anonymous", "customer", "staff_without"):
        assert results[who]["data"] == {"customerProfiles": None}, who
        assert results[who]["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    for who in ("staff_with", "app_with"):
        assert results[who] == {"data": {"customerProfiles": {"totalCount": 0}}}, who
    assert forged.status_code == 401
    assert forged.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidSignatureError"


def test_inactive_plugin_serves_nothing(setup_dummy_gateways, settings, manager_token):
    # given: installed but not activated
    settings.PLUGINS = [*settings.PLUGINS, "saleor_crm_plugin.saleor.plugin.CRMPlugin"]

    # when
    global_route = crm("{ __typename }", token=manager_token)
    legacy_route = crm("{ __typename }", token=manager_token, path="/plugins/saleor.crm/graphql/")

    # then
    assert global_route.status_code == 404
    assert legacy_route.status_code == 404


def test_backfill_imports_saleor_orders_and_is_idempotent(
    crm_plugin, order_with_lines, customer_user
):
    # given: an order Saleor created without the plugin's hooks
    order = order_with_lines
    assert not CustomerProfile.objects.exists()

    # when
    call_command("crm_backfill", "--batch-size", "1")
    first = list(CustomerProfile.objects.values("email", "orders_count", "total_spent"))
    call_command("crm_backfill", "--batch-size", "1")

    # then
    second = list(CustomerProfile.objects.values("email", "orders_count", "total_spent"))
    assert first == second
    profile = CustomerProfile.objects.get(email=order.user_email)
    assert profile.orders_count == 1
    assert profile.total_spent == order.total_gross_amount
    assert profile.orders.get().lines.count() == order.lines.count()
    assert CustomerProfile.objects.filter(email=customer_user.email).exists()


PLUGIN_UPDATE = """
mutation ($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor.crm", input: $input) {
    errors { field code message }
  }
}
"""


def test_plugin_configuration_is_validated_and_reaches_workers(
    crm_plugin, staff_api_client, permission_manage_plugins
):
    # when
    bad = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {
            "input": {
                "configuration": [
                    {"name": "at_risk_after_days", "value": "120"},
                    {"name": "lapsed_after_days", "value": "60"},
                ]
            }
        },
        permissions=[permission_manage_plugins],
    )
    good = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {
            "input": {
                "configuration": [
                    {"name": "at_risk_after_days", "value": "45"},
                    {"name": "reporting_currency", "value": "eur"},
                    {"name": "exchange_rates", "value": "USD=0.92"},
                ]
            }
        },
    )

    # then
    errors = get_graphql_content(bad)["data"]["pluginUpdate"]["errors"]
    assert errors
    assert get_graphql_content(good)["data"]["pluginUpdate"]["errors"] == []
    config = CRMConfiguration.objects.get()
    assert (config.at_risk_after_days, config.reporting_currency) == (45, "EUR")
    assert config.exchange_rates == {"USD": "0.92"}


def test_crm_schema_does_not_collide_with_saleors():
    from saleor.graphql.api import schema as saleor_schema

    from saleor_crm_plugin.graphql.schema import schema as crm_schema

    built_in = {"String", "Int", "Float", "Boolean", "ID", "DateTime", "GenericScalar"}
    roots = {"Query", "Mutation"}
    crm_types = {n for n in crm_schema.get_type_map() if not n.startswith("__")} - built_in - roots
    saleor_types = set(saleor_schema.get_type_map())
    assert crm_types.isdisjoint(saleor_types), crm_types & saleor_types
    for root in ("Query", "Mutation"):
        crm_fields = set(crm_schema.get_type_map()[root].fields)
        saleor_fields = set(saleor_schema.get_type_map()[root].fields)
        assert crm_fields.isdisjoint(saleor_fields), crm_fields & saleor_fields


def test_order_enums_hold_every_saleor_value():
    # given Saleor's own order statuses and charge statuses
    from saleor.order import OrderChargeStatus, OrderStatus

    from saleor_crm_plugin.graphql.profiles.enums import (
        CrmOrderChargeStatusEnum,
        OrderStatusEnum,
    )

    # then the CRM's enums name every one of them, spelled as Saleor stores it
    # ("partially fulfilled" has a space; an unknown value fails the profile page)
    saleor_statuses = {value for value, _ in OrderStatus.CHOICES}
    saleor_charges = {value for value, _ in OrderChargeStatus.CHOICES}
    assert saleor_statuses == {member.value for member in OrderStatusEnum._meta.enum}
    assert saleor_charges == {member.value for member in CrmOrderChargeStatusEnum._meta.enum}


def clone_checkout(checkout):
    """Another checkout like this one (same channel, email, lines), so that
    the same completion can be measured with and without the plugin.
    """
    from saleor.checkout.models import Checkout

    lines = list(checkout.lines.all())
    clone = Checkout.objects.create(
        channel=checkout.channel,
        currency=checkout.currency,
        email=checkout.email,
        user=checkout.user,
    )
    for line in lines:
        clone.lines.create(variant=line.variant, quantity=line.quantity, currency=line.currency)
    return clone


# Committed for real, as in production: the order hooks then run when
# Saleor's transaction commits, inside the request, not after it.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("consent_key", ["", "marketing_consent"])
def test_plugin_adds_at_most_three_queries_to_checkout_complete(
    crm_plugin,
    settings,
    monkeypatch,
    user_api_client,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    consent_key,
):
    # given: three alike checkouts; the broker ask is not a query, leave it out
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if consent_key:  # the consent import on: the hooks still read nothing
        get_plugins_manager(allow_replica=False).save_plugin_configuration(
            "saleor.crm",
            None,
            {"configuration": [{"name": "consent_metadata_key", "value": consent_key}]},
        )

    asks = []
    monkeypatch.setattr(
        "saleor_crm_plugin.ingestion.recorder.request_event_processing",
        lambda: asks.append(1),
    )
    checkouts = [checkout_with_item, clone_checkout(checkout_with_item)]
    checkouts.append(clone_checkout(checkout_with_item))
    with_plugin = list(settings.PLUGINS)
    without_plugin = [p for p in with_plugin if "saleor_crm_plugin" not in p]

    def measure(checkout, plugins):
        settings.PLUGINS = plugins
        payment = type(payment_dummy).objects.get(pk=payment_dummy.pk)
        payment.pk = None  # a payment of its own for each checkout
        payment.save()
        pay_checkout(checkout, payment, address, set_delivery)
        with CaptureQueriesContext(connection) as queries:
            post_checkout_complete(user_api_client, checkout)
        return queries

    # when: a warm-up, then with the plugin and without
    measure(checkouts[0], without_plugin)
    on = measure(checkouts[1], with_plugin)
    off = measure(checkouts[2], without_plugin)

    # then
    added = len(on) - len(off)
    crm_sql = [q["sql"] for q in on.captured_queries if "saleor_crm_" in q["sql"]]
    print(  # noqa: T201
        f"checkoutComplete (consent key {consent_key!r}): {len(off)} queries without the "
        f"CRM, {len(on)} with it"
    )
    print("CRM queries:", *crm_sql, sep="\n  ")  # noqa: T201
    assert added <= 3, (added, crm_sql)
    assert len(crm_sql) <= 3
    assert len(asks) == 1  # one ask for the whole request
    event = InboundEvent.objects.get(object_type="order")
    assert event.payload is None  # by reference: the worker builds the snapshot
    assert {"order_created", "order_fully_paid"} <= set(event.announced)


def test_periodic_tasks_are_in_saleors_database_scheduler():
    # given: what every migrate does (the test database was migrated before)
    from saleor.celeryconf import app as celery_app
    from saleor.schedulers.models import CustomPeriodicTask
    from saleor.schedulers.schedulers import DatabaseScheduler

    from saleor_crm_plugin.schedule import CRM_BEAT_SCHEDULE

    call_command("migrate", verbosity=0)

    # when: Saleor's beat reads its schedule
    schedule = DatabaseScheduler(app=celery_app, lazy=True).all_as_schedule()

    # then
    rows = CustomPeriodicTask.objects.filter(name__in=CRM_BEAT_SCHEDULE)
    assert {row.name for row in rows} == set(CRM_BEAT_SCHEDULE)
    # django-celery-beat loads crontab entries only near their hour; intervals always.
    assert {
        "saleor-crm-sweep-pending-events",
        "saleor-crm-mark-abandoned-checkouts",
        "saleor-crm-mark-sla-breaches",
    } <= set(schedule)
    assert schedule["saleor-crm-sweep-pending-events"].task == "saleor_crm.sweep_pending_events"
    assert rows.get(name="saleor-crm-recompute-profiles").crontab.hour == "3"


def test_order_snapshots_read_as_rows_what_saleor_holds(
    order_with_lines, customer_user, transaction_item_generator
):
    # given: an order with an account, two addresses (one with a phone), a refund
    from saleor_crm_plugin.saleor.snapshots import order_snapshots

    order = order_with_lines
    order.user, order.user_email = customer_user, ""
    order.save(update_fields=["user", "user_email"])
    order.billing_address.phone = "+48601234567"
    order.billing_address.save(update_fields=["phone"])
    transaction_item_generator(
        order_id=order.pk, refunded_value=Decimal("3.50"), currency=order.currency
    )

    # when
    (snapshot,) = order_snapshots(type(order).objects.filter(pk=order.pk)).values()

    # then: Saleor's own reading of the same order
    assert snapshot.order_id == str(order.pk)
    assert snapshot.number == str(order.number)
    assert snapshot.email == order.get_customer_email() == customer_user.email
    assert (snapshot.user_id, snapshot.user_is_confirmed) == (
        str(customer_user.pk),
        customer_user.is_confirmed,
    )
    assert (snapshot.channel, snapshot.currency, snapshot.total_gross) == (
        order.channel.slug,
        order.currency,
        order.total_gross_amount,
    )
    assert snapshot.total_refunded == Decimal("3.50")
    billing = order.billing_address
    assert snapshot.billing_address.country == billing.country.code
    assert snapshot.billing_address.city == billing.city
    assert snapshot.billing_address.phone == str(billing.phone) == "+48601234567"
    expected_lines = [
        (
            str(line.pk),
            line.product_name,
            line.quantity,
            line.total_price_gross_amount,
            str(line.variant.product_id) if line.variant else None,
            str(line.variant.product.category_id) if line.variant else None,
            line.variant.product.category.name if line.variant else "",
        )
        for line in order.lines.order_by("pk")
    ]
    assert [
        (
            line.line_id,
            line.product_name,
            line.quantity,
            line.total_price_gross,
            line.product_id,
            line.category_id,
            line.category_name,
        )
        for line in snapshot.lines
    ] == expected_lines
    assert len(expected_lines) >= 2
