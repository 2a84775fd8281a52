"""The demo's pieces in the host project: its Dashboard stand-in page, the
stand-in token the page hands the extension, Saleor's API as far as the
extension asks it, and crm_token taking the IDs the API shows.
"""

import base64
import html
import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.test import Client

from saleor_crm_plugin.auth import AuthenticationError
from tests import factories as f
from tests.host.auth import SALT, authenticate, issue_token, wrap_in_dashboard_token

GRAPHQL = "/plugins/global/saleor.crm/graphql/"


class FakeRequest:
    def __init__(self, token: str):
        self.headers = {"Authorization": f"Bearer {token}"}
        self.META = {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def claims_of(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def demo_config(client: Client) -> dict:
    response = client.get("/demo/")
    assert response.status_code == 200
    attribute = re.search(r'data-config="([^"]*)"', response.content.decode()).group(1)
    return json.loads(html.unescape(attribute))


@pytest.fixture
def demo_store(db):
    staff = get_user_model().objects.create(
        username="lead", email="lead@shop.example", first_name="Maya", is_staff=True
    )
    buyer = get_user_model().objects.create(username="ann", email="ann@example.com")
    f.ingest("customer_created", f.customer(buyer))
    f.ingest("order_created", f.order("o1", email="ann@example.com", user_id=str(buyer.pk)))
    return staff, buyer


def test_stand_in_dashboard_token_signs_in_with_the_host_token_inside():
    inner = issue_token(
        kind="staff", user_id="7", email="s@shop.example", permissions=("MANAGE_USERS",)
    )
    jwt = wrap_in_dashboard_token(
        inner, email="s@shop.example", user_id="VXNlcjo3", permissions=("MANAGE_USERS",)
    )

    requestor = authenticate(FakeRequest(jwt))

    # AppBridge reads the claims; the host trusts only the signed token inside.
    assert claims_of(jwt)["email"] == "s@shop.example"
    assert requestor.kind == "staff"
    assert requestor.user_id == "7"
    assert requestor.permissions == frozenset({"MANAGE_USERS"})


def test_stand_in_token_with_a_forged_inner_token_is_refused():
    forged = signing.dumps({"kind": "staff", "permissions": ["MANAGE_USERS"]}, salt="other")
    jwt = wrap_in_dashboard_token(forged, email="x@y.z", user_id="1", permissions=())

    with pytest.raises(AuthenticationError):
        authenticate(FakeRequest(jwt))
    with pytest.raises(AuthenticationError):
        authenticate(FakeRequest("a.b.c"))


def test_demo_page_hands_the_extension_a_staff_token_and_names_a_customer_and_order(demo_store):
    staff, buyer = demo_store
    client = Client()

    config = demo_config(client)

    assert config["staff"]["email"] == staff.email
    assert claims_of(config["token"])["email"] == staff.email
    assert config["customer"]["email"] == "ann@example.com"
    assert config["customer"]["id"] == base64.b64encode(f"User:{buyer.pk}".encode()).decode()
    assert config["order"]["id"] == base64.b64encode(b"Order:o1").decode()
    assert config["appUrl"].endswith("/plugins/global/saleor.crm/dashboard#/app")
    # The token works on the CRM's API, as staff.
    response = client.post(
        GRAPHQL,
        {"query": "{ customerProfiles(first: 5) { totalCount } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {config['token']}",
    )
    assert response.json() == {"data": {"customerProfiles": {"totalCount": 1}}}


def test_demo_page_without_a_store_yet_still_renders(db):
    config = demo_config(Client())

    assert config["customer"] is None
    assert config["order"] is None


def test_demo_serves_only_its_own_files(db):
    client = Client()

    assert client.get("/demo/demo.js").status_code == 200
    assert client.get("/demo/demo.css").status_code == 200
    assert client.get("/demo/index.html").status_code == 404
    assert client.get("/demo/..%2Fdemo_host.py").status_code == 404


def test_saleor_api_stand_in_answers_staff_users_only(demo_store):
    staff, _ = demo_store
    client = Client()

    users = client.post(
        "/demo/saleor-api/graphql/",
        {"query": "{ staffUsers(first: 100) { edges { node { id email } } } }"},
        content_type="application/json",
    ).json()
    other = client.post(
        "/demo/saleor-api/graphql/",
        {"query": "{ orders { totalCount } }"},
        content_type="application/json",
    ).json()

    assert [edge["node"]["email"] for edge in users["data"]["staffUsers"]["edges"]] == [staff.email]
    assert other["data"] is None
    assert "staffUsers" in other["errors"][0]["message"]


def test_crm_token_takes_the_user_id_the_api_shows(demo_store):
    _, buyer = demo_store
    out = StringIO()
    global_id = base64.b64encode(f"User:{buyer.pk}".encode()).decode()

    call_command("crm_token", "--kind", "customer", "--user-id", global_id, stdout=out)

    claims = signing.loads(out.getvalue().strip(), salt=SALT)
    assert claims["kind"] == "customer"
    assert claims["user_id"] == str(buyer.pk)
    assert claims["email"] == "ann@example.com"
    assert claims["is_confirmed"] is True


def test_crm_token_for_a_customer_needs_a_user(db):
    with pytest.raises(Exception, match="--user-id"):
        call_command("crm_token", "--kind", "customer", stdout=StringIO())


def test_demo_reset_empties_every_crm_table_but_the_settings():
    # --fresh must start from nothing: a table left behind (what consent
    # metadata was already seen, say) changes what the new store records.
    from django.apps import apps

    from tests.host.management.commands.crm_demo_data import RESET_MODELS

    kept = {"CRMConfiguration", "ThrottleBucket"}
    reset = set(RESET_MODELS)
    for model in apps.get_app_config("saleor_crm").get_models():
        if model.__name__ in kept or model in reset:
            continue
        cascades = any(
            # A foreign key, or a one-to-one one (CustomerPurchases' profile).
            (field.many_to_one or field.one_to_one and field.concrete)
            and field.related_model in reset
            for field in model._meta.get_fields()
            if getattr(field, "related_model", None)
        )
        assert cascades, f"{model.__name__} is neither reset nor removed with a reset table"
