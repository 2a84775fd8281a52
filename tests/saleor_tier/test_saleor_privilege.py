"""Least privilege against a real Saleor: channels from real permission
groups, MANAGE_ORDERS from real permissions, third-party tokens of real Apps.
"""

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from saleor.account.models import Group
from saleor.app.models import App
from saleor.app.types import AppType
from saleor.core.jwt import create_access_token, create_access_token_for_app
from test_saleor_plugin import crm

from saleor_crm_plugin.auth import authenticate
from saleor_crm_plugin.models import CRMConfiguration, CustomerProfile

PROFILE = """
query ($email: String) {
  customerProfile(email: $email) {
    email ordersCount channels
    orders(first: 10) { edges { node { channel } } }
  }
}
"""


def group(name, permissions, channels=None):
    """A permission group; ``channels`` restricts it to those."""
    made = Group.objects.create(name=name, restricted_access_to_channels=channels is not None)
    made.permissions.add(*permissions)
    if channels:
        made.channels.add(*channels)
    return made


def requestor_of(token):
    return authenticate(RequestFactory().post("/", HTTP_AUTHORIZATION=f"Bearer {token}"))


@pytest.fixture
def orders_in_two_channels(crm_plugin, order_list, channel_PLN):
    """Two of the customer's orders in channel-USD, one in channel-PLN, in the CRM."""
    pln = order_list[2]
    pln.channel = channel_PLN
    pln.currency = channel_PLN.currency_code
    pln.save(update_fields=["channel", "currency"])
    call_command("crm_backfill")
    assert CustomerProfile.objects.get(email=order_list[0].user_email).orders_count == 3
    return order_list


def test_staff_restricted_to_a_channel_see_its_orders_only(
    orders_in_two_channels,
    staff_users,
    channel_USD,
    channel_PLN,
    permission_manage_users,
    permission_manage_orders,
):
    # given: Saleor permission groups, one restricted to channel-USD
    restricted, unrestricted, ungrouped = staff_users
    perms = [permission_manage_users, permission_manage_orders]
    group("USD desk", perms, channels=[channel_USD]).user_set.add(restricted)
    group("Everywhere", perms).user_set.add(unrestricted)
    ungrouped.user_permissions.add(*perms)
    email = orders_in_two_channels[0].user_email

    # when
    tokens = {user: create_access_token(user) for user in staff_users}
    requestors = {user: requestor_of(token) for user, token in tokens.items()}
    seen = {
        user: crm(PROFILE, {"email": email}, token=token).json()["data"]["customerProfile"]
        for user, token in tokens.items()
    }

    # then: the channels are Saleor's accessible channels
    assert requestors[restricted].channels == {channel_USD.slug}
    assert requestors[unrestricted].channels is None
    assert requestors[ungrouped].channels == frozenset()  # as Saleor's User.orders: none
    assert seen[restricted]["ordersCount"] == 2
    assert seen[restricted]["channels"] == [channel_USD.slug]
    assert {e["node"]["channel"] for e in seen[restricted]["orders"]["edges"]} == {channel_USD.slug}
    assert seen[unrestricted]["ordersCount"] == 3
    assert seen[unrestricted]["channels"] == sorted([channel_USD.slug, channel_PLN.slug])
    assert seen[ungrouped]["ordersCount"] == 0
    assert seen[ungrouped]["orders"]["edges"] == []


def test_staff_without_manage_orders_get_the_customer_without_orders(
    orders_in_two_channels, staff_user, permission_manage_users
):
    # given
    group("Customer service", [permission_manage_users]).user_set.add(staff_user)

    # when
    body = crm(
        PROFILE,
        {"email": orders_in_two_channels[0].user_email},
        token=create_access_token(staff_user),
    ).json()

    # then
    profile = body["data"]["customerProfile"]
    assert profile["email"] == orders_in_two_channels[0].user_email
    assert (profile["ordersCount"], profile["channels"], profile["orders"]) == (None, None, None)
    codes = {e["extensions"]["exception"]["code"] for e in body["errors"]}
    assert codes == {"PermissionDenied"}


def test_third_party_tokens_are_accepted_for_the_crms_own_app_only(
    crm_plugin, staff_user, permission_manage_users, permission_manage_orders
):
    # given: the CRM's App and another third-party App with the same permissions
    group("CRM managers", [permission_manage_users, permission_manage_orders]).user_set.add(
        staff_user
    )
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")
    crm_app = App.objects.get(identifier="saleor.crm.dashboard")
    assert CRMConfiguration.objects.get().dashboard_app_id == str(crm_app.pk)
    other = App.objects.create(
        name="Another app", identifier="com.example.other", type=AppType.THIRDPARTY, is_active=True
    )
    other.permissions.add(permission_manage_users, permission_manage_orders)
    # Saleor's appCreate/appUpdate let any App take the CRM's identifier.
    impostor = App.objects.create(
        name="Impostor", identifier="saleor.crm.dashboard", type=AppType.LOCAL, is_active=True
    )
    impostor.permissions.add(permission_manage_users, permission_manage_orders)
    query = "{ customerProfiles(first: 1) { totalCount } }"

    # when
    own = crm(query, token=create_access_token_for_app(crm_app, staff_user), scheme="Bearer")
    foreign = crm(query, token=create_access_token_for_app(other, staff_user), scheme="Bearer")
    posing = crm(query, token=create_access_token_for_app(impostor, staff_user), scheme="Bearer")
    crm_app.is_active = False
    crm_app.save(update_fields=["is_active"])
    deactivated = crm(
        query, token=create_access_token_for_app(crm_app, staff_user), scheme="Bearer"
    )

    # then
    assert own.json() == {"data": {"customerProfiles": {"totalCount": 0}}}
    for refused in (foreign, posing, deactivated):
        assert refused.status_code == 401
        error = refused.json()["errors"][0]
        assert error["extensions"]["exception"]["code"] == "InvalidTokenError"
        assert "another app" in error["message"]
    # The staff member's own token is theirs, not an App's.
    assert requestor_of(create_access_token(staff_user)).token_app is None


def test_install_and_uninstall_touch_the_crms_own_app_never_one_with_its_identifier():
    # given: an App that took the CRM's identifier before the CRM was installed
    impostor = App.objects.create(
        name="Impostor", identifier="saleor.crm.dashboard", type=AppType.LOCAL, is_active=True
    )

    # when
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")  # again

    # then: a new App of the CRM's, kept; the impostor got neither permissions nor extensions
    ours = App.objects.exclude(pk=impostor.pk).get(identifier="saleor.crm.dashboard")
    assert CRMConfiguration.objects.get().dashboard_app_id == str(ours.pk)
    impostor.refresh_from_db()
    assert (impostor.name, impostor.permissions.count(), impostor.extensions.count()) == (
        "Impostor",
        0,
        0,
    )
    assert ours.extensions.exists()

    # when
    call_command("crm_install_dashboard", "--uninstall")

    # then
    assert list(App.objects.values_list("pk", flat=True)) == [impostor.pk]
    assert CRMConfiguration.objects.get().dashboard_app_id == ""
