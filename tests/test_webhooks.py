"""Outbound webhooks: registration, the outbox, delivery against a real
local HTTP server, signatures, retries, order, replay, turning off, SSRF
refusals and erased customers.
"""

import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from graphql_relay import from_global_id, to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.graphql.core.permissions import (
    MANAGE_APPS_AND_USERS,
    OPERATION_PERMISSIONS,
)
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.marketing.consent import record_consent
from saleor_crm_plugin.marketing.membership import refresh_members
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.models import (
    CustomerProfile,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from saleor_crm_plugin.snapshots import CustomerSnapshot
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketStatus
from saleor_crm_plugin.webhooks import services
from saleor_crm_plugin.webhooks.delivery import deliver_due
from saleor_crm_plugin.webhooks.destinations import AddressPolicy, refused_reason
from saleor_crm_plugin.webhooks.events import WebhookEventType
from tests import factories as f
from tests.conftest import REQUESTORS
from tests.factories import ingest
from tests.test_campaigns import make_profiles, new_campaign, run_to_end, smtp, vips  # noqa: F401

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[1] / "README.md"
SECRET = "webhook-secret-shared-with-the-receiver"
EVERY_EVENT = [event.name for event in WebhookEventType]

# Staff who may manage webhooks: MANAGE_APPS and MANAGE_USERS.
INTEGRATOR = Requestor(
    kind=RequestorKind.STAFF,
    user_id="7",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_APPS}),
)
WEBHOOK_REQUESTORS = {
    **REQUESTORS,
    "integrator": INTEGRATOR,
    "app_integrator": Requestor(
        kind=RequestorKind.APP,
        app_id="3",
        permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_APPS}),
    ),
    # MANAGE_APPS alone does not see customers.
    "staff_apps_only": Requestor(
        kind=RequestorKind.STAFF,
        user_id="8",
        permissions=frozenset({CRMPermission.MANAGE_APPS}),
    ),
}
ALLOWED = {"integrator", "app_integrator"}

CREATE = """
mutation Create($input: CrmWebhookCreateInput!) {
  crmWebhookCreate(input: $input) {
    errors { field code message }
    secret
    webhook { id url eventTypes isActive hasSecret }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: CrmWebhookUpdateInput!) {
  crmWebhookUpdate(id: $id, input: $input) {
    errors { field code message }
    webhook { id isActive disabledAt disabledReason consecutiveFailures }
  }
}
"""
WEBHOOK = """
query Webhook($id: ID!) {
  crmWebhook(id: $id) {
    isActive disabledAt disabledReason consecutiveFailures
    deliveries(first: 20) {
      totalCount
      edges { node { id eventType status attempts responseCode lastError deliveredAt } }
    }
  }
}
"""
REPLAY = """
mutation Replay($ids: [ID!], $webhook: ID) {
  crmWebhookDeliveryReplay(ids: $ids, webhook: $webhook) {
    errors { field code message }
    replayed
  }
}
"""


def run(query, variables=None, *, as_=INTEGRATOR):
    result = execute(query, requestor=as_, variables=variables)
    assert not result.errors, result.errors
    return result.data


# --- a real HTTP receiver ----------------------------------------------------


class Receiver:
    """An http.server in a thread that records every request and answers
    with the next of ``statuses`` (then 200).
    """

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.headers_out = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                for name, value in receiver.headers_out.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/crm"

    def payloads(self):
        return [json.loads(r["body"]) for r in self.requests]

    def types(self):
        return [p["type"] for p in self.payloads()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def allow_private(settings):
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = True


def register(url, event_types=None, **fields):
    endpoint, _ = services.create_endpoint(
        services.EndpointInput(
            url=url, secret=SECRET, event_types=event_types or [e.value for e in WebhookEventType]
        )
    )
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.save()
    return endpoint


def open_ticket(email="ann@example.com", subject="Grinder is noisy"):
    return desk.open_ticket(
        desk.NewTicket(subject=subject, body="It rattles.", email=email),
        desk.Author(kind="customer", name="Ann Lee"),
    )


def solve(ticket):
    with transaction.atomic():
        return desk.set_status(desk._locked(ticket), TicketStatus.SOLVED)


# --- the outbox ----------------------------------------------------------------


def test_nothing_is_written_without_an_endpoint():
    # when
    open_ticket()

    # then
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_each_announced_change_writes_an_event_per_subscribed_endpoint(allow_private, ann):
    # given
    every = register("http://127.0.0.1:9/every")
    tickets_only = register("http://127.0.0.1:9/tickets", ["ticket.created", "ticket.solved"])
    register("http://127.0.0.1:9/off", is_active=False)

    # when
    ingest("order_created", f.order("o1", email="ann@example.com"))
    ticket = open_ticket()
    solve(ticket)
    desk.rate(desk.survey_token(ticket), 5, "Thanks!")
    record_consent("ann@example.com", "subscribed", source="checkout")
    segment = create_segment(
        "Buyers", {"conditions": [{"field": "ORDERS_COUNT", "operator": "GTE", "value": "1"}]}
    )
    refresh_members(segment)
    ingest(
        "customer_deleted",
        CustomerSnapshot(user_id=str(ann.pk), email=ann.email, updated_at=timezone.now()),
    )

    # then
    types = list(WebhookEvent.objects.order_by("id").values_list("type", flat=True))
    assert types == [
        "profile.created",
        "profile.stage_changed",
        "ticket.created",
        "ticket.solved",
        "ticket.rated",
        "consent.changed",
        "segment.entered",
        "profile.erased",
    ]
    assert WebhookDelivery.objects.filter(endpoint=every).count() == len(types)
    assert sorted(
        WebhookDelivery.objects.filter(endpoint=tickets_only).values_list("event__type", flat=True)
    ) == ["ticket.created", "ticket.solved"]
    rated = WebhookEvent.objects.get(type="ticket.rated")
    assert rated.data == {"number": ticket.number, "rating": 5}  # no comment, no subject
    consent = WebhookEvent.objects.get(type="consent.changed")
    assert (consent.object_type, consent.data["status"]) == ("", "subscribed")
    stage = WebhookEvent.objects.get(type="profile.stage_changed")
    assert stage.data == {"from": "PROSPECT", "to": "NEW"}


def test_the_same_fact_recorded_again_is_one_event(allow_private):
    # given
    register("http://127.0.0.1:9/every")
    ticket = open_ticket()

    # when: the ticket's opening is put on the timeline again (verification does)
    desk._timeline(ticket, "ticket_opened", ticket.created_at, f"ticket_opened:{ticket.pk}")

    # then
    assert WebhookEvent.objects.filter(type="ticket.created").count() == 1


def test_a_rolled_back_change_sends_nothing(allow_private):
    # given
    register("http://127.0.0.1:9/every")

    def mutation_failing_later():
        with transaction.atomic():
            open_ticket()
            raise RuntimeError("the mutation failed later")

    # when
    with pytest.raises(RuntimeError):
        mutation_failing_later()

    # then
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_campaign_send_announces_each_recipient(allow_private, smtp, vips):  # noqa: F811
    # given
    profiles = make_profiles(2)
    endpoint = register("http://127.0.0.1:9/every", ["campaign.sent"])
    campaign = new_campaign(vips)

    # when
    run_to_end(campaign)

    # then
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    assert sorted(d.profile_id for d in deliveries) == sorted(p.pk for p in profiles)
    assert {(d.event.type, d.event.object_id) for d in deliveries} == {
        ("campaign.sent", str(campaign.pk))
    }


# --- delivery ------------------------------------------------------------------


def verification_snippet():
    """The README's verification snippet, as written there."""
    text = README.read_text()
    marker = text.index("<!-- webhook-verification-snippet -->")
    match = re.search(r"```python\n(.*?)```", text[marker:], re.DOTALL)
    namespace = {}
    exec(match.group(1), namespace)  # noqa: S102 - the documented code, run as documented
    return namespace["verify_crm_webhook"]


def test_deliveries_verify_with_the_readme_snippet(allow_private, receiver):
    # given
    register(receiver.url, ["ticket.created"])
    open_ticket()
    verify = verification_snippet()

    # when
    deliver_due()

    # then
    (request,) = receiver.requests
    assert request["path"] == "/hooks/crm"
    assert verify(SECRET, request["headers"], request["body"])
    assert not verify("another-secret-of-enough-length", request["headers"], request["body"])
    assert not verify(SECRET, request["headers"], request["body"] + b" ")
    payload = json.loads(request["body"])
    assert request["headers"]["Idempotency-Key"] == payload["id"]
    assert request["headers"]["X-CRM-Event"] == "ticket.created" == payload["type"]
    assert payload["version"] == 1
    profile = CustomerProfile.objects.get(email="ann@example.com")
    assert payload["profile"]["id"] == to_global_id("CustomerProfile", profile.pk)
    assert payload["profile"]["email"] == "ann@example.com"
    assert payload["object"]["type"] == "Ticket"
    assert from_global_id(payload["object"]["id"])[0] == "Ticket"


def test_recording_an_event_asks_a_worker_once_it_commits(
    allow_private, receiver, django_capture_on_commit_callbacks
):
    # given
    register(receiver.url, ["ticket.created"])

    # when: the task runs after the commit (eager Celery here, a worker in a store)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_ticket()
    assert receiver.requests == []
    for callback in callbacks:
        callback()

    # then
    assert receiver.types() == ["ticket.created"]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_retries_with_back_off_until_the_endpoint_answers(allow_private, receiver):
    # given
    created = run(
        CREATE,
        {"input": {"url": receiver.url, "eventTypes": ["TICKET_CREATED"], "secret": SECRET}},
    )["crmWebhookCreate"]
    assert created["errors"] == []
    webhook_id = created["webhook"]["id"]
    open_ticket()
    receiver.statuses = [500, 503]
    t0 = timezone.now()

    # when: the first attempt fails; the retry is due 10 s later, the next 20 s after that
    deliver_due(t0)
    deliver_due(t0 + timedelta(seconds=9))
    assert len(receiver.requests) == 1
    deliver_due(t0 + timedelta(seconds=10))
    deliver_due(t0 + timedelta(seconds=29))
    assert len(receiver.requests) == 2
    deliver_due(t0 + timedelta(seconds=30))

    # then
    assert len(receiver.requests) == 3
    keys = {r["headers"]["Idempotency-Key"] for r in receiver.requests}
    assert len(keys) == 1
    log = run(WEBHOOK, {"id": webhook_id})["crmWebhook"]
    (node,) = [edge["node"] for edge in log["deliveries"]["edges"]]
    assert node["status"] == "SUCCEEDED"
    assert node["attempts"] == 3
    assert node["responseCode"] == 200
    assert node["lastError"] == ""
    assert log["consecutiveFailures"] == 0


def test_one_profiles_events_arrive_in_order(allow_private, receiver):
    # given
    register(receiver.url, ["ticket.created", "ticket.solved"])
    ticket = open_ticket()
    solve(ticket)
    open_ticket(email="bob@example.com", subject="Bob's")
    receiver.statuses = [500]  # Ann's ticket.created fails once
    t0 = timezone.now()

    # when
    deliver_due(t0)

    # then: Ann's solved waits for her created; Bob's is not held up
    first = [(p["profile"]["email"], p["type"]) for p in receiver.payloads()]
    assert first == [("ann@example.com", "ticket.created"), ("bob@example.com", "ticket.created")]

    # when
    deliver_due(t0 + timedelta(seconds=10))

    # then
    later = [(p["profile"]["email"], p["type"]) for p in receiver.payloads()[2:]]
    assert later == [("ann@example.com", "ticket.created"), ("ann@example.com", "ticket.solved")]


def test_replay_of_failed_deliveries(allow_private, receiver, settings):
    # given
    settings.SALEOR_CRM_WEBHOOK_MAX_ATTEMPTS = 2
    endpoint = register(receiver.url, ["ticket.created"])
    open_ticket()
    receiver.statuses = [500, 500]
    t0 = timezone.now()
    deliver_due(t0)
    deliver_due(t0 + timedelta(seconds=10))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.last_error == "HTTP 500 Internal Server Error"
    delivery_id = to_global_id("CrmWebhookDelivery", delivery.pk)

    # when
    result = run(REPLAY, {"ids": [delivery_id]})["crmWebhookDeliveryReplay"]
    deliver_due(t0 + timedelta(seconds=11))

    # then
    assert result == {"errors": [], "replayed": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert len({r["headers"]["Idempotency-Key"] for r in receiver.requests}) == 1

    # when: only failed deliveries are replayed
    again = run(REPLAY, {"ids": [delivery_id]})["crmWebhookDeliveryReplay"]
    by_endpoint = run(REPLAY, {"webhook": to_global_id("CrmWebhook", endpoint.pk)})

    # then
    assert again["errors"] == [
        {"field": "ids", "code": "NOT_FAILED", "message": "Only failed deliveries can be replayed."}
    ]
    assert by_endpoint["crmWebhookDeliveryReplay"] == {"errors": [], "replayed": 0}
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_an_endpoint_is_turned_off_after_failures_in_a_row(allow_private, receiver, settings):
    # given
    settings.SALEOR_CRM_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    endpoint = register(receiver.url, ["ticket.created"])
    webhook_id = to_global_id("CrmWebhook", endpoint.pk)
    open_ticket()
    open_ticket(email="bob@example.com")
    receiver.statuses = [500] * 10
    t0 = timezone.now()

    # when
    for seconds in (0, 10, 30, 70, 150):
        deliver_due(t0 + timedelta(seconds=seconds))

    # then
    assert len(receiver.requests) == 3
    state = run(WEBHOOK, {"id": webhook_id})["crmWebhook"]
    assert state["isActive"] is False
    assert state["disabledAt"] is not None
    assert state["disabledReason"] == (
        "Turned off after 3 failed deliveries in a row; the last: HTTP 500 Internal Server Error"
    )
    # No events are recorded for it while it is off.
    open_ticket(email="cy@example.com")
    assert WebhookDelivery.objects.count() == 2

    # when: staff turn it on again
    receiver.statuses = []
    updated = run(UPDATE, {"id": webhook_id, "input": {"isActive": True}})["crmWebhookUpdate"]
    deliver_due(t0 + timedelta(hours=2))

    # then
    assert updated["webhook"]["disabledReason"] == ""
    assert updated["webhook"]["consecutiveFailures"] == 0
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_an_endpoint_that_does_not_answer_times_out(allow_private, settings):
    import socket

    # given: a port that accepts connections and never answers
    settings.SALEOR_CRM_WEBHOOK_TIMEOUT_SECONDS = 0.5
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        register(f"http://127.0.0.1:{silent.getsockname()[1]}/", ["ticket.created"])
        open_ticket()

        # when
        deliver_due()

    # then
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "The endpoint did not answer in time."


def test_redirects_are_not_followed(allow_private, receiver):
    # given
    register(receiver.url, ["ticket.created"])
    open_ticket()
    receiver.statuses = [302]
    receiver.headers_out = {"Location": receiver.url + "/elsewhere"}

    # when
    deliver_due()

    # then
    assert [r["path"] for r in receiver.requests] == ["/hooks/crm"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.response_code == 302
    assert delivery.last_error == "HTTP 302: redirects are not followed."


def test_erased_customers_events_carry_no_personal_data(allow_private, receiver, ann):
    # given: events queued before the erasure
    register(receiver.url)
    ingest("customer_created", f.customer(ann))
    ticket = open_ticket()
    solve(ticket)
    saleor_id = to_global_id("User", ann.pk)

    # when: the customer is deleted before anything was sent, then events go out
    ingest(
        "customer_deleted",
        CustomerSnapshot(user_id=str(ann.pk), email=ann.email, updated_at=timezone.now()),
    )
    deliver_due()

    # then
    assert receiver.types()[-1] == "profile.erased"
    assert "ticket.created" in receiver.types()
    for request in receiver.requests:
        body = request["body"].decode()
        for personal in ("ann@example.com", "Ann", "Lee", "Grinder", "Berlin"):
            assert personal not in body, (personal, body)
    payloads = receiver.payloads()
    assert all(p["profile"]["erased"] for p in payloads)
    assert [p["profile"]["saleorId"] for p in payloads if p["type"] != "profile.erased"] == [
        None
    ] * (len(payloads) - 1)
    assert payloads[-1]["profile"]["saleorId"] == saleor_id


# --- destinations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/", "a loopback address"),
        ("http://localhost/", "a loopback address"),
        ("http://[::1]/", "a loopback address"),
        ("http://10.1.2.3/", "a private address"),
        ("http://192.168.0.10/", "a private address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://[::ffff:10.0.0.1]/", "a private address"),
    ],
)
def test_private_destinations_are_refused(settings, url, reason):
    # given
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = None

    # when
    result = run(CREATE, {"input": {"url": url, "eventTypes": ["TICKET_CREATED"]}})

    # then
    (error,) = result["crmWebhookCreate"]["errors"]
    assert error["field"] == "url"
    assert error["code"] == "FORBIDDEN_DESTINATION"
    assert reason in error["message"]
    assert result["crmWebhookCreate"]["webhook"] is None
    assert not WebhookEndpoint.objects.exists()


def test_private_destinations_are_allowed_by_the_setting(settings):
    # given
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = True

    # when
    result = run(
        CREATE, {"input": {"url": "http://10.1.2.3/hook", "eventTypes": ["TICKET_CREATED"]}}
    )

    # then
    created = result["crmWebhookCreate"]
    assert created["errors"] == []
    assert created["webhook"]["hasSecret"] is True
    assert len(created["secret"]) >= 24  # generated, shown once
    assert WebhookEndpoint.objects.get().secret == created["secret"]


def test_a_public_address_is_accepted_without_the_setting(settings):
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = None
    result = run(
        CREATE,
        {
            "input": {
                "url": "https://93.184.215.14/hook",
                "eventTypes": ["TICKET_CREATED"],
                "secret": SECRET,
            }
        },
    )
    assert result["crmWebhookCreate"]["errors"] == []


def test_a_destination_refused_at_delivery_time_is_a_failed_attempt(receiver, settings):
    # given: allowed when registered, refused since
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = True
    register(receiver.url, ["ticket.created"])
    open_ticket()
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = False

    # when
    deliver_due()

    # then
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1
    assert delivery.response_code is None
    assert "resolves to a loopback address" in delivery.last_error


def test_saleors_ip_filter_decides_inside_saleor(settings, monkeypatch):
    from saleor_crm_plugin.webhooks import destinations

    monkeypatch.setattr(destinations, "running_in_saleor", lambda: True)
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = None
    settings.HTTP_IP_FILTER_ENABLED = True
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    assert destinations.address_policy() == AddressPolicy(allow_private=False, allow_loopback=True)
    settings.HTTP_IP_FILTER_ENABLED = False
    assert destinations.address_policy() == AddressPolicy(allow_private=True, allow_loopback=True)
    # The CRM's own setting wins.
    settings.SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE = False
    assert destinations.address_policy() == AddressPolicy(allow_private=False, allow_loopback=False)


def test_refused_reason_of_public_addresses():
    policy = AddressPolicy(allow_private=False, allow_loopback=False)
    assert refused_reason("93.184.215.14", policy) is None
    assert refused_reason("2606:4700::1111", policy) is None
    assert refused_reason("100.64.0.1", policy) == "an address that is not public"


# --- typed errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("input", "field", "code"),
    [
        ({"url": "ftp://example.com/x"}, "url", "INVALID_URL"),
        ({"url": "not a url"}, "url", "INVALID_URL"),
        ({"url": "http://user:secret@example.com/"}, "url", "INVALID_URL"),
        ({"url": "http://example.com:99999/"}, "url", "INVALID_URL"),
        ({"url": ""}, "url", "REQUIRED"),
        ({"eventTypes": []}, "eventTypes", "REQUIRED"),
        ({"secret": "too-short"}, "secret", "INVALID"),
    ],
)
def test_bad_input_is_a_typed_error(allow_private, input, field, code):
    # given
    variables = {"input": {"url": "http://127.0.0.1:9/", "eventTypes": ["TICKET_CREATED"], **input}}

    # when
    result = run(CREATE, variables)["crmWebhookCreate"]

    # then
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_refused(allow_private):
    # GraphQL refuses a value outside the enum before the mutation runs ...
    result = execute(
        CREATE,
        requestor=INTEGRATOR,
        variables={"input": {"url": "http://127.0.0.1:9/", "eventTypes": ["ORDER_CREATED"]}},
    )
    assert result.errors
    assert "ORDER_CREATED" in str(result.errors[0])
    # ... and the service, for its other callers, with a typed code.
    with pytest.raises(services.WebhookError) as refused:
        services.create_endpoint(
            services.EndpointInput(url="http://127.0.0.1:9/", event_types=["order.created"])
        )
    assert (refused.value.field, refused.value.code) == ("eventTypes", "invalid_event_type")
    assert not WebhookEndpoint.objects.exists()


def test_update_and_delete(allow_private):
    # given
    endpoint = register("http://127.0.0.1:9/")
    webhook_id = to_global_id("CrmWebhook", endpoint.pk)

    # when
    bad = run(UPDATE, {"id": webhook_id, "input": {"url": "gopher://x"}})["crmWebhookUpdate"]
    unknown = run(UPDATE, {"id": to_global_id("CrmWebhook", "x"), "input": {}})["crmWebhookUpdate"]
    deleted = run(
        "mutation($id: ID!) { crmWebhookDelete(id: $id) { errors { code } deletedId } }",
        {"id": webhook_id},
    )["crmWebhookDelete"]

    # then
    assert [e["code"] for e in bad["errors"]] == ["INVALID_URL"]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    assert deleted == {"errors": [], "deletedId": webhook_id}
    assert not WebhookEndpoint.objects.exists()


DELIVERIES = """
query Deliveries($webhook: ID, $status: CrmWebhookDeliveryStatusEnum) {
  crmWebhookDeliveries(first: 100, webhook: $webhook, status: $status) {
    totalCount
    edges { node { id eventId eventType occurredAt status webhook { id url } } }
  }
}
"""


def test_the_delivery_log_in_a_constant_number_of_queries(allow_private):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given
    first = register("http://127.0.0.1:9/a", ["ticket.created"])
    register("http://127.0.0.1:9/b", ["ticket.created"])
    open_ticket()

    def count(variables=None):
        with CaptureQueriesContext(connection) as queries:
            data = run(DELIVERIES, variables)
        return len(queries), data["crmWebhookDeliveries"]

    small, page = count()
    assert page["totalCount"] == 2
    for index in range(5):
        open_ticket(email=f"c{index}@example.com")

    # when
    large, page = count()
    mine, filtered = count({"webhook": to_global_id("CrmWebhook", first.pk), "status": "PENDING"})

    # then
    assert page["totalCount"] == 12
    assert large == small
    assert filtered["totalCount"] == 6
    assert {e["node"]["webhook"]["url"] for e in filtered["edges"]} == {"http://127.0.0.1:9/a"}
    assert {e["node"]["eventType"] for e in filtered["edges"]} == {"TICKET_CREATED"}


def test_webhooks_list(allow_private):
    register("http://127.0.0.1:9/a")
    register("http://127.0.0.1:9/b")
    data = run("{ crmWebhooks(first: 10) { totalCount edges { node { url } } } }")
    assert [e["node"]["url"] for e in data["crmWebhooks"]["edges"]] == [
        "http://127.0.0.1:9/a",
        "http://127.0.0.1:9/b",
    ]


# --- permissions -------------------------------------------------------------------

OPERATIONS = {
    "crmWebhooks": "query { crmWebhooks(first: 1) { totalCount } }",
    "crmWebhook": 'query { crmWebhook(id: "x") { id } }',
    "crmWebhookDeliveries": "query { crmWebhookDeliveries(first: 1) { totalCount } }",
    "crmWebhookCreate": (
        'mutation { crmWebhookCreate(input: {url: "http://127.0.0.1:9/", '
        "eventTypes: [TICKET_CREATED]}) { errors { code } webhook { id } } }"
    ),
    "crmWebhookUpdate": (
        'mutation { crmWebhookUpdate(id: "x", input: {}) { errors { code } webhook { id } } }'
    ),
    "crmWebhookDelete": 'mutation { crmWebhookDelete(id: "x") { errors { code } deletedId } }',
    "crmWebhookDeliveryReplay": (
        'mutation { crmWebhookDeliveryReplay(webhook: "x") { errors { code } replayed } }'
    ),
}


def test_every_webhook_operation_is_in_the_table():
    webhook_operations = {
        name
        for rules in OPERATION_PERMISSIONS.values()
        for name, rule in rules.items()
        if rule is MANAGE_APPS_AND_USERS
    }
    assert webhook_operations == set(OPERATIONS)


@pytest.mark.parametrize("requestor", sorted(WEBHOOK_REQUESTORS))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_webhook_operation_access(allow_private, operation, requestor):
    # when
    result = execute(OPERATIONS[operation], requestor=WEBHOOK_REQUESTORS[requestor])

    # then
    denied = [
        e
        for e in result.errors or []
        if getattr(getattr(e, "original_error", None), "code", None) == "PermissionDenied"
    ]
    if requestor in ALLOWED:
        assert not result.errors, result.errors
    else:
        assert denied, f"{requestor} reached {operation}"
        assert not WebhookEndpoint.objects.exists()
