"""The Dashboard extension's installation in a real Saleor, and its tokens."""

from django.core.management import call_command
from saleor.app.models import App, AppExtension
from saleor.graphql.tests.utils import get_graphql_content
from test_saleor_plugin import crm

# Saleor 3.23 names extensions and adds widget mounts; 3.21 has app pages
# and popups only, and its API calls mount and target by other names.
LINE_323 = "identifier" in {f.name for f in AppExtension._meta.get_fields()}
EXTENSIONS = """
{
  appExtensions(first: 20) {
    edges { node { %s url accessToken } }
  }
}
""" % ("identifier label mountName targetName" if LINE_323 else "label mount target")
EXPECTED = {
    ("NAVIGATION_CUSTOMERS", "APP_PAGE"),
    ("CUSTOMER_DETAILS_MORE_ACTIONS", "POPUP"),
}
if LINE_323:
    EXPECTED |= {
        ("CUSTOMER_DETAILS_WIDGETS", "WIDGET"),
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
        ("HOMEPAGE_WIDGETS", "WIDGET"),
    }


def listed_extensions(client):
    edges = get_graphql_content(client.post_graphql(EXTENSIONS))["data"]["appExtensions"]["edges"]
    nodes = {}
    for edge in edges:
        node = edge["node"]
        if not LINE_323:
            node["mountName"], node["targetName"] = node["mount"], node["target"]
        nodes[node.get("identifier") or node["label"]] = node
    return nodes


def test_install_dashboard_creates_app_and_extensions_whose_tokens_the_crm_accepts(
    crm_plugin, staff_api_client, permission_manage_users, permission_manage_orders
):
    # given
    staff_api_client.user.user_permissions.add(permission_manage_users, permission_manage_orders)

    # when: installed twice (idempotent)
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example/graphql/")
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")

    # then: Saleor lists the extensions with the right mounts and targets
    app = App.objects.get(identifier="saleor.crm.dashboard")
    assert app.type == "thirdparty"
    assert {p.codename for p in app.permissions.all()} == {
        "manage_users",
        "manage_orders",
        # Goodwill vouchers from a ticket (ticketIssueVoucher).
        "manage_discounts",
    }
    nodes = listed_extensions(staff_api_client)
    assert {(n["mountName"], n["targetName"]) for n in nodes.values()} == EXPECTED
    # The app page is a path relative to the App URL, which ends in its route.
    assert app.app_url == "https://api.shop.example/plugins/global/saleor.crm/dashboard/#/app"
    assert nodes["crm-app" if LINE_323 else "CRM"]["url"] == "/customers"
    if LINE_323:
        card = nodes["crm-customer-card"]
        assert (
            card["url"]
            == "https://api.shop.example/plugins/global/saleor.crm/dashboard/#/widget/customer"
        )
        home = AppExtension.objects.get(app=app, identifier="crm-home")
        assert home.settings == {"homeWidgetTarget": {"method": "GET"}}
    else:
        card = nodes["Log interaction / open ticket"]

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


READS = """
query($email: String!) { customerProfile(email: $email) { email reads(first: 5) { totalCount } } }
"""


APP_TOKEN = "query($id: ID!) { app(id: $id) { accessToken } }"


def app_page_token(client):
    """The token the Dashboard hands the App's page (``app.accessToken``: the
    App's permissions that the staff member has).
    """
    from graphql_relay import to_global_id

    app = App.objects.get(identifier="saleor.crm.dashboard")
    response = client.post_graphql(APP_TOKEN, {"id": to_global_id("App", app.pk)})
    return get_graphql_content(response)["data"]["app"]["accessToken"]


def test_read_audit_reaches_the_app_page_only_when_the_app_may_manage_staff(
    crm_plugin,
    staff_api_client,
    permission_manage_users,
    permission_manage_orders,
    permission_manage_staff,
):
    # given: a staff member with MANAGE_STAFF, and a customer profile
    from saleor_crm_plugin.models import CustomerProfile

    staff_api_client.user.user_permissions.add(
        permission_manage_users, permission_manage_orders, permission_manage_staff
    )
    CustomerProfile.objects.create(email="ann@example.com", first_seen_at="2026-01-01T00:00Z")

    # when: installed as by default, then with --grant-manage-staff
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")
    default = crm(READS, {"email": "ann@example.com"}, token=app_page_token(staff_api_client))
    call_command(
        "crm_install_dashboard", "--api-url", "https://api.shop.example", "--grant-manage-staff"
    )
    granted = crm(READS, {"email": "ann@example.com"}, token=app_page_token(staff_api_client))

    # then: by default the views' tokens lack it (the field is denied, the rest stays) ...
    body = default.json()
    assert body["data"]["customerProfile"] == {"email": "ann@example.com", "reads": None}
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    # ... granted, the staff member sees the reads (their own two openings: one window)
    app = App.objects.get(identifier="saleor.crm.dashboard")
    assert {p.codename for p in app.permissions.all()} == {
        "manage_users",
        "manage_orders",
        "manage_discounts",
        "manage_staff",
    }
    assert granted.json() == {
        "data": {"customerProfile": {"email": "ann@example.com", "reads": {"totalCount": 1}}}
    }


WEBHOOKS = "{ crmWebhooks(first: 5) { totalCount } }"


def test_webhooks_reach_the_app_page_only_when_the_app_may_manage_apps(
    crm_plugin,
    staff_api_client,
    permission_manage_users,
    permission_manage_orders,
    permission_manage_apps,
):
    # given: a staff member with MANAGE_APPS
    staff_api_client.user.user_permissions.add(
        permission_manage_users, permission_manage_orders, permission_manage_apps
    )

    # when: installed as by default, then with --grant-manage-apps
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")
    default = crm(WEBHOOKS, token=app_page_token(staff_api_client))
    call_command(
        "crm_install_dashboard", "--api-url", "https://api.shop.example", "--grant-manage-apps"
    )
    granted = crm(WEBHOOKS, token=app_page_token(staff_api_client))

    # then: by default the views' tokens lack it (the Webhooks tab explains why) ...
    body = default.json()
    assert body["data"] == {"crmWebhooks": None}
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    # ... granted, the staff member lists the endpoints
    app = App.objects.get(identifier="saleor.crm.dashboard")
    assert {p.codename for p in app.permissions.all()} == {
        "manage_users",
        "manage_orders",
        "manage_discounts",
        "manage_apps",
    }
    assert granted.json() == {"data": {"crmWebhooks": {"totalCount": 0}}}

    # when: installed again without the flag
    call_command("crm_install_dashboard", "--api-url", "https://api.shop.example")

    # then: it is taken away
    app.refresh_from_db()
    assert "manage_apps" not in {p.codename for p in app.permissions.all()}
