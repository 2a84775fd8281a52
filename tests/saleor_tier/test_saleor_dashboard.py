"""The Dashboard extension's installation in a real Saleor, and its tokens."""

from django.core.management import call_command
from saleor.app.models import App
from saleor.graphql.tests.utils import get_graphql_content
from test_saleor_plugin import crm

EXTENSIONS = """
{
  appExtensions(first: 20) {
    edges { node { identifier label mountName targetName url accessToken } }
  }
}
"""


def test_install_dashboard_creates_app_and_extensions_whose_tokens_the_crm_accepts(
    crm_plugin, staff_api_client, permission_manage_users, permission_manage_orders
):
    # given
    staff_api_client.user.user_permissions.add(permission_manage_users, permission_manage_orders)

    # when: installed twice (idempotent)
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example/")
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")

    # then: Saleor lists the extensions with the right mounts and targets
    app = App.objects.get(identifier="saleor.crm.dashboard")
    assert app.type == "thirdparty"
    assert {p.codename for p in app.permissions.all()} == {"manage_users", "manage_orders"}
    nodes = {
        e["node"]["identifier"]: e["node"]
        for e in get_graphql_content(staff_api_client.post_graphql(EXTENSIONS))["data"][
            "appExtensions"
        ]["edges"]
    }
    assert {(n["mountName"], n["targetName"]) for n in nodes.values()} == {
        ("NAVIGATION_CUSTOMERS", "APP_PAGE"),
        ("CUSTOMER_DETAILS_WIDGETS", "WIDGET"),
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
        ("CUSTOMER_DETAILS_MORE_ACTIONS", "POPUP"),
        ("HOMEPAGE_WIDGETS", "WIDGET"),
    }
    card = nodes["crm-customer-card"]
    assert (
        card["url"]
        == "https://api.shop.example/plugins/global/saleor.crm/dashboard/#/widget/customer"
    )

    # and the token Saleor issues for the extension opens the CRM endpoint
    token = card["accessToken"]
    assert token
    response = crm("{ customerProfiles(first: 1) { totalCount } }", token=token, scheme="Bearer")
    assert response.json() == {"data": {"customerProfiles": {"totalCount": 0}}}

    # when: uninstalled
    call_command("crm_install_dashboard", "--uninstall")

    # then
    assert not App.objects.filter(identifier="saleor.crm.dashboard").exists()


def test_extension_token_of_staff_without_crm_permissions_is_refused(crm_plugin, staff_api_client):
    # given: the staff member lacks MANAGE_USERS, so Saleor issues no usable token
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")

    # when
    nodes = get_graphql_content(staff_api_client.post_graphql(EXTENSIONS))["data"]["appExtensions"][
        "edges"
    ]

    # then
    assert all(e["node"]["accessToken"] is None for e in nodes)
