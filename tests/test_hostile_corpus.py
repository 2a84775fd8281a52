"""The hostile requests of issue 8 as a regression corpus: each one, sent
through the host project's HTTP stack, gets exactly its typed outcome.

The requests and their outcomes are data, in ``tests/hostile_corpus.json``
(its ``about`` says how to read and add one). Requests already pinned by
another test are listed there with ``covered_by`` instead of being sent
twice; :func:`test_covered_requests_name_tests_that_exist` keeps those
pointers honest.
"""

import ast
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.marketing.consent import erase_consent
from saleor_crm_plugin.models import (
    CustomerProfile,
    Interaction,
    MarketingConsent,
    MarketingConsentChange,
    Offer,
    Ticket,
    TicketMessage,
    TicketRefund,
    TicketVoucher,
    TimelineEvent,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from saleor_crm_plugin.tickets import services as desk
from tests import factories as f
from tests.factories import ingest
from tests.host.auth import issue_token

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parent
CORPUS = json.loads((TESTS / "hostile_corpus.json").read_text())["requests"]
SENT = [entry for entry in CORPUS if "covered_by" not in entry]
COVERED = [entry for entry in CORPUS if "covered_by" in entry]
ROUTE = "/plugins/global/saleor.crm"
SECRET = "corpus-secret-shared-with-the-tools"
LEAKS = ("Traceback", "PostgreSQL", "psycopg", "django.", "<!DOCTYPE html", 'File "')

STAFF_PERMISSIONS = (
    CRMPermission.MANAGE_USERS.value,
    CRMPermission.MANAGE_ORDERS.value,
    CRMPermission.MANAGE_DISCOUNTS.value,
)
TOKENS = {
    "anonymous": None,
    "customer": lambda: issue_token(kind="customer", user_id="1", email="ann@example.com"),
    "staff": lambda: issue_token(kind="staff", user_id="3", permissions=STAFF_PERMISSIONS),
    "staff_without_permissions": lambda: issue_token(kind="staff", user_id="2"),
    "app": lambda: issue_token(
        kind="app", app_id="2", permissions=(CRMPermission.MANAGE_USERS.value,)
    ),
    # Outbound webhooks need MANAGE_APPS as well.
    "integrator": lambda: issue_token(
        kind="staff",
        user_id="7",
        permissions=(CRMPermission.MANAGE_USERS.value, CRMPermission.MANAGE_APPS.value),
    ),
    "forged_token": lambda: "forged.token",
}


def expand(value, names: dict[str, str]):
    """A corpus value with its ``$repeat`` objects spelled out and the
    ``$ticket``/``$profile`` placeholders replaced by real global IDs.
    """
    if isinstance(value, dict) and "$repeat" in value:
        repeated = "".join(value["$repeat"].replace("{i}", str(i)) for i in range(value["times"]))
        return expand(value.get("before", "") + repeated + value.get("after", ""), names)
    if isinstance(value, dict):
        return {key: expand(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item, names) for item in value]
    if isinstance(value, str):
        for placeholder, global_id in names.items():
            value = value.replace(placeholder, global_id)
    return value


def given(name: str | None) -> dict[str, str]:
    """The rows an entry's ``given`` asks for; the placeholders naming them."""
    if name is None:
        return {}
    if name == "an_erased_address":
        erase_consent(["gone@example.com"], datetime(2026, 3, 1, tzinfo=UTC))
        return {}
    ingest("order_created", f.order("o1", email="ann@example.com"))
    profile = CustomerProfile.objects.get(email="ann@example.com")
    names = {"$profile": to_global_id("CustomerProfile", profile.pk)}
    if name in ("a_ticket", "a_ticket_with_order"):
        ticket = desk.open_ticket(
            desk.NewTicket(subject="Grinder", body="Noisy.", email="ann@example.com"),
            desk.Author(kind="customer", name="Ann"),
        )
        if name == "a_ticket_with_order":
            ticket = desk.link_order(ticket, "o1")
        names["$ticket"] = to_global_id("Ticket", ticket.pk)
    return names


def send(client, request: dict, names: dict[str, str]):
    headers = {key: str(value) for key, value in request.get("headers", {}).items()}
    if make_token := TOKENS[request["as"]]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {make_token()}"
    path = ROUTE + request.get("path", "/graphql/")
    method = request.get("method", "POST")
    if method == "GET":
        return client.get(path, expand(request.get("query_string", {}), names), **headers)
    if "graphql" in request:
        body = json.dumps(expand(request["graphql"], names))
    elif "json" in request:
        body = json.dumps(expand(request["json"], names))
    elif "raw_json" in request:
        body = expand(request["raw_json"], names)
    else:
        body = expand(request.get("body", ""), names)
    content_type = request.get("content_type", "application/json")
    if request.get("signed"):
        signature = sign(SECRET, body.encode())
        headers.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signature.items()})
    return client.generic(method, path, body, content_type=content_type, **headers)


def rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            CustomerProfile,
            Ticket,
            Interaction,
            TimelineEvent,
            MarketingConsent,
            MarketingConsentChange,
            TicketMessage,
            TicketRefund,
            TicketVoucher,
            Offer,
            WebhookEndpoint,
            WebhookEvent,
            WebhookDelivery,
        )
    }


def errors_of(body: dict) -> list[dict]:
    """Top-level errors as ``{field, code, message}``, whichever shape they came in."""
    return [
        {
            "field": error.get("field"),
            "code": error.get("code")
            or error.get("extensions", {}).get("exception", {}).get("code"),
            "message": error.get("message"),
        }
        for error in body.get("errors") or []
    ]


def matches(expected: dict, actual: dict) -> bool:
    for key, value in expected.items():
        if key == "message_contains":
            if value not in (actual.get("message") or ""):
                return False
        elif actual.get(key) != value:
            return False
    return True


@pytest.mark.parametrize("entry", SENT, ids=[entry["id"] for entry in SENT])
def test_hostile_request_gets_its_typed_outcome(client, caplog, entry):
    # given
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)
    names = given(entry["request"].get("given"))
    before = rows()
    expect = entry["expect"]

    # when
    with caplog.at_level(logging.INFO):
        response = send(client, entry["request"], names)

    # then
    text = response.content.decode("utf-8", "replace")
    assert response.status_code == expect["status"], text[:2000]
    assert response["Content-Type"].startswith(expect.get("content_type", "application/json"))
    assert not [leak for leak in LEAKS if leak in text], text[:2000]
    if expect.get("content_type", "application/json") == "application/json":
        body = response.json()
        actual = errors_of(body)
        if "errors" in expect:
            assert len(actual) == expect.get("error_count", len(expect["errors"])), actual[:5]
            for wanted, got in zip(expect["errors"], actual, strict=False):
                assert matches(wanted, got), (wanted, got)
        if "data" in expect:
            assert body.get("data") == expect["data"]
    if expect.get("writes_nothing", True):
        assert rows() == before
    # Expected errors are logged without a traceback, and not as errors.
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_covered_requests_name_tests_that_exist():
    missing = []
    for entry in COVERED:
        path, _, name = entry["covered_by"].partition("::")
        tree = ast.parse((TESTS.parent / path).read_text())
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        if name not in functions:
            missing.append(entry["id"])
    assert not missing


def test_every_entry_has_an_id_an_issue_and_one_way_to_check_it():
    ids = [entry["id"] for entry in CORPUS]
    assert len(ids) == len(set(ids))
    for entry in CORPUS:
        assert entry["issue"]
        assert ("covered_by" in entry) != ("request" in entry), entry["id"]
        if "request" in entry:
            assert entry["request"]["as"] in TOKENS, entry["id"]
            assert "status" in entry["expect"], entry["id"]
