"""What the browser gets: a Content-Security-Policy on every response, GraphiQL
from the package's own files, message HTML sanitised again on the way out,
and a bad Host header answered in JSON.

The built pages are stood in for by small files in a temporary folder (the
real build is checked in tests/test_packaging.py and, in Chromium, by
dashboard-extension/e2e/csp.test.mjs).
"""

import base64
import hashlib
import re

import pytest
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import Requestor, RequestorKind
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.http import security
from saleor_crm_plugin.http.pages import RATE_STYLE
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.models import Interaction, Ticket
from saleor_crm_plugin.text import sanitize_html
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketMessage
from tests import factories as f
from tests.conftest import GRAPHQL_URL, REQUESTORS
from tests.factories import ingest

pytestmark = pytest.mark.django_db

ROUTE = "/plugins/global/saleor.crm"
PAGE = (
    '<!doctype html><html><head><meta property="csp-nonce" nonce="CRM_CSP_NONCE">'
    '<script type="module" src="{base}assets/app-1a2b.js" nonce="CRM_CSP_NONCE"></script>'
    '</head><body><div id="{root}"></div></body></html>'
)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def page_nonce(content: bytes) -> str:
    return re.search(rb'<meta property="csp-nonce" nonce="([^"]+)">', content).group(1).decode()


@pytest.fixture
def built(tmp_path, monkeypatch):
    """The extension and GraphiQL as the Vite build lays them out."""
    from saleor_crm_plugin.http import static

    base = f"{ROUTE}/dashboard/"
    (tmp_path / "assets").mkdir()
    (tmp_path / "graphiql").mkdir()
    (tmp_path / "index.html").write_text(PAGE.format(base=base, root="root"))
    (tmp_path / "graphiql" / "index.html").write_text(PAGE.format(base=base, root="graphiql"))
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log(1)")
    monkeypatch.setattr(static, "DASHBOARD_DIR", tmp_path)
    return tmp_path


# --- the extension's page --------------------------------------------------------


def test_extension_page_has_a_strict_policy_with_a_fresh_nonce(client, built, settings):
    # given
    settings.SALEOR_CRM_DASHBOARD_ORIGINS = ["https://dashboard.shop.example"]
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example/graphql/"

    # when
    first = client.get(f"{ROUTE}/dashboard/")
    second = client.get(f"{ROUTE}/dashboard/index.html")

    # then
    assert first.status_code == 200
    policy = directives(first[security.HEADER])
    nonce = page_nonce(first.content)
    assert b"CRM_CSP_NONCE" not in first.content
    assert first.content.count(nonce.encode()) == 2
    assert policy == {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "https://api.shop.example"],
        "frame-ancestors": ["'self'", "https://dashboard.shop.example"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    assert page_nonce(second.content) != nonce
    assert first["Cache-Control"] == "no-cache"


def test_built_files_and_json_errors_get_the_policy_that_allows_nothing(client, built):
    # when
    asset = client.get(f"{ROUTE}/dashboard/assets/app-1a2b.js")
    missing = client.get(f"{ROUTE}/dashboard/assets/missing.js")
    graphql = client.post(GRAPHQL_URL, "{", content_type="application/json")

    # then
    for response in (asset, missing, graphql):
        assert response[security.HEADER] == (
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        assert response["X-Content-Type-Options"] == "nosniff"


def test_graphiql_page_is_not_served_under_the_dashboard(client, built):
    response = client.get(f"{ROUTE}/dashboard/graphiql/index.html")
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "NotFound"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (
            ["https://dashboard.shop.example/", "https://*.shop.example"],
            ["https://dashboard.shop.example", "https://*.shop.example"],
        ),
        (
            "https://dashboard.shop.example, http://localhost:9000",
            ["https://dashboard.shop.example", "http://localhost:9000"],
        ),
        (["https://ok.example", "https://x.example; script-src *", "'unsafe-inline'"], None),
        ([], []),
    ],
)
def test_dashboard_origins_are_the_configured_origins_only(settings, configured, expected):
    # given
    settings.SALEOR_CRM_DASHBOARD_ORIGINS = configured
    settings.ALLOWED_GRAPHQL_ORIGINS = ["https://not-used.example"]

    # when
    origins = security.dashboard_origins()

    # then: what is not an origin never reaches the header
    assert origins == (["https://ok.example"] if expected is None else expected)


def test_dashboard_origins_default_to_what_saleor_knows_of_its_clients(settings):
    # given: no CRM setting; Saleor's CORS origins and client hosts
    settings.SALEOR_CRM_DASHBOARD_ORIGINS = None
    settings.ALLOWED_GRAPHQL_ORIGINS = ["https://dashboard.shop.example", "*", "https://a*b.x"]
    settings.ALLOWED_CLIENT_HOSTS = ["localhost", ".shop.example", "*"]

    # when
    origins = security.dashboard_origins()

    # then: "*" (Saleor's default) and patterns that are no origin add nothing
    assert origins == [
        "https://dashboard.shop.example",
        "localhost:*",
        "shop.example:*",
        "*.shop.example:*",
    ]


def test_without_saleor_settings_only_the_own_origin_frames_the_extension(settings):
    settings.SALEOR_CRM_DASHBOARD_ORIGINS = None
    for name in ("ALLOWED_GRAPHQL_ORIGINS", "ALLOWED_CLIENT_HOSTS"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert directives(security.dashboard_policy("n"))["frame-ancestors"] == ["'self'"]


# --- GraphiQL -----------------------------------------------------------------------


def test_graphiql_is_the_built_page_under_its_own_policy(client, built):
    # when
    response = client.get(GRAPHQL_URL)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    nonce = page_nonce(response.content)
    assert b'<div id="graphiql">' in response.content
    assert not re.search(rb"https?://", response.content)
    assert directives(response[security.HEADER]) == {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }


def test_graphiql_not_built_or_switched_off_is_a_json_404(client, tmp_path, monkeypatch, settings):
    from saleor_crm_plugin.http import static

    # given
    monkeypatch.setattr(static, "DASHBOARD_DIR", tmp_path)

    # when
    not_built = client.get(GRAPHQL_URL)
    settings.SALEOR_CRM_GRAPHIQL = False
    off = client.get(GRAPHQL_URL)

    # then
    assert not_built.status_code == off.status_code == 404
    assert not_built.json()["errors"][0]["message"] == "GraphiQL is not built into this package."
    assert off.json()["errors"][0]["message"] == "GraphiQL is disabled."


# --- the survey page ------------------------------------------------------------------


def test_survey_page_allows_its_own_stylesheet_by_hash_and_no_script(client):
    # when
    response = client.get(f"{ROUTE}/tickets/rate/", {"token": "not-a-token"})

    # then
    (style,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert style == RATE_STYLE
    assert directives(response[security.HEADER]) == {
        "default-src": ["'none'"],
        "style-src": [f"'sha256-{digest}'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
    assert response["Referrer-Policy"] == "no-referrer"


# --- message HTML, sanitised again on read ---------------------------------------------

# Stored before sanitising existed (or under a looser allow-list): every way
# of running script or loading something that the current one removes.
HOSTILE = (
    '<p onclick="alert(1)" style="background:url(https://evil.example/x)">Hello</p>'
    "<script>alert(document.cookie)</script>"
    '<img src="https://evil.example/pixel.gif" onerror="alert(2)">'
    '<a href="javascript:alert(3)">click</a>'
    '<iframe src="https://evil.example/"></iframe>'
    "<svg><animate onbegin=alert(4) attributeName=x dur=1s></svg>"
    '<form action="https://evil.example/"><input name="password"></form>'
    "<style>body { display: none }</style>"
    '<a href="https://shop.example/help" target="_blank">help</a>'
)
UNSAFE = ("<script", "onclick", "onerror", "onbegin", "javascript:", "<img", "<iframe", "<svg")
UNSAFE += ("<form", "<input", "<style", "style=", "evil.example", "target=")


def assert_safe(body: str) -> None:
    assert body == sanitize_html(HOSTILE)
    assert "<p>Hello</p>" in body
    assert '<a href="https://shop.example/help" rel="noopener noreferrer nofollow">help</a>' in body
    for marker in UNSAFE:
        assert marker not in body, marker


def run(query, variables=None, requestor=REQUESTORS["staff"]):
    result = execute(query, requestor=requestor, variables=variables or {})
    assert result.errors is None, result.errors
    return result.data


def test_ticket_messages_stored_unsanitised_are_sanitised_for_staff_and_customer(user_factory):
    # given: a signed-in customer's ticket whose message body predates sanitising
    ann = user_factory("ann@example.com", first_name="Ann")
    ingest("customer_created", f.customer(ann))
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)
    opened = run(
        "mutation ($input: TicketOpenInput!) { ticketOpen(input: $input) {"
        " ticket { id } errors { field code } } }",
        {"input": {"subject": "Broken", "body": "It broke."}},
        customer,
    )["ticketOpen"]
    assert opened["errors"] == []
    ticket = Ticket.objects.get()
    desk.add_note(ticket, "<p>fine</p>", desk.Author(kind="staff", name="Sam"))
    TicketMessage.objects.filter(ticket=ticket).update(body=HOSTILE)
    ticket_id = to_global_id("Ticket", ticket.pk)

    # when
    staff_view = run(
        "query ($id: ID!) { ticket(id: $id) { messages(first: 10) { edges { node { body } } } } }",
        {"id": ticket_id},
    )["ticket"]["messages"]["edges"]
    customer_view = run(
        "query ($id: ID!) { myTicket(id: $id) { messages { body } } }",
        {"id": opened["ticket"]["id"]},
        customer,
    )["myTicket"]["messages"]

    # then
    assert len(staff_view) == 2
    assert len(customer_view) == 1  # the note is staff's only
    for body in [edge["node"]["body"] for edge in staff_view] + [m["body"] for m in customer_view]:
        assert_safe(body)
    assert TicketMessage.objects.filter(body=HOSTILE).count() == 2  # reading changes nothing


def test_interaction_body_stored_unsanitised_is_sanitised_on_read():
    # given
    ingest("order_created", f.order())
    interaction, _ = log_interaction(
        InteractionInput(channel="chat", direction="inbound", email="ann@example.com", body="Hi")
    )
    Interaction.objects.filter(pk=interaction.pk).update(body=HOSTILE)

    # when
    edges = run("{ interactions(first: 5) { edges { node { body } } } }")["interactions"]["edges"]

    # then
    assert len(edges) == 1
    assert_safe(edges[0]["node"]["body"])


# --- a Host header Django refuses ----------------------------------------------------


@pytest.mark.parametrize("route", [ROUTE, "/plugins/saleor.crm"])
def test_bad_host_on_the_graphql_route_is_a_json_400(client, route):
    # when
    response = client.post(
        f"{route}/graphql/",
        '{"query": "{ __typename }"}',
        content_type="application/json",
        HTTP_HOST="evil.example",
    )

    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "The Host header is not allowed.",
                "extensions": {"exception": {"code": "BAD_REQUEST"}},
            }
        ]
    }
    assert response[security.HEADER] == security.DEFAULT_POLICY


@pytest.mark.parametrize("path", ["/interactions/inbound/", "/tickets/inbound-email/"])
def test_bad_host_on_an_inbound_endpoint_is_a_field_error(client, path):
    # when
    response = client.post(f"{ROUTE}{path}", b"{}", "application/json", HTTP_HOST="evil.example")

    # then
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"field": None, "code": "BAD_REQUEST", "message": "The Host header is not allowed."}
        ]
    }
    assert Interaction.objects.count() == Ticket.objects.count() == 0


def test_bad_host_elsewhere_is_left_to_the_host(client):
    response = client.get("/not-the-crm/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert security.HEADER not in response
    assert not response["Content-Type"].startswith("application/json")
