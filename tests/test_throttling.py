"""Throttling of anonymous and customer operations: limits per client IP and
per email, shared by every process (one table, atomic upserts), THROTTLED
with a retry-after in GraphQL and 429 with Retry-After over HTTP.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from freezegun import freeze_time
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.checks import check_throttle_rates
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.models import CustomerProfile, ThrottleBucket, Ticket
from saleor_crm_plugin.tasks import purge_throttle_buckets_task
from saleor_crm_plugin.throttling import services as throttling
from saleor_crm_plugin.throttling.services import Rate, Throttled, check, client_ip
from saleor_crm_plugin.tickets import services as desk
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-mail-relay"
ROUTE = "/plugins/global/saleor.crm"
START = "2026-11-20 10:00:00"
ANONYMOUS = Requestor.anonymous()
STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id="3",
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)

OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) { ticket { number } errors { field code message retryAfter } }
}
"""
REPLY = """
mutation ($id: ID, $token: String, $body: String!) {
  myTicketReply(id: $id, accessToken: $token, body: $body) {
    errors { field code message retryAfter }
  }
}
"""
RATE = """
mutation ($token: String, $rating: Int!) {
  ticketRate(token: $token, rating: $rating) { errors { field code message retryAfter } }
}
"""


@pytest.fixture(autouse=True)
def desk_config(settings):
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example"
    # Where guests' ticket links point (verified guests).
    settings.SALEOR_CRM_ALLOWED_CLIENT_HOSTS = settings.ALLOWED_CLIENT_HOSTS = ["shop.example"]
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)


def from_ip(ip: str, **meta):
    return RequestFactory().post("/graphql/", REMOTE_ADDR=ip, **meta)


def run(query, variables, requestor=ANONYMOUS, ip="203.0.113.7", **meta):
    request = from_ip(ip, **meta)
    result = execute(query, requestor=requestor, variables=variables, request=request)
    assert result.errors is None, result.errors
    return result.data


def open_ticket(email, ip="203.0.113.7", requestor=ANONYMOUS, **meta):
    variables = {
        "input": {
            "email": email,
            "subject": "Hi",
            "body": "Do you ship to Oslo?",
            "redirectUrl": "https://shop.example/help",
        }
    }
    return run(OPEN, variables, requestor, ip, **meta)["ticketOpen"]


# --- rates, keys, the limiter --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("10/h", 10, 3600), ("5/15m", 5, 900), ("100/day", 100, 86400), (" 3 / s ", 3, 1)],
)
def test_rates_read_count_and_period(text, count, seconds):
    assert Rate.parse(text) == Rate(count, timedelta(seconds=seconds))


@pytest.mark.parametrize("text", ["10", "0/h", "ten/h", "10/week", "-1/h"])
def test_unreadable_rates_are_refused(text):
    with pytest.raises(ValueError, match="is not a rate"):
        Rate.parse(text)


def test_system_check_reports_unreadable_rates(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "lots"}}
    (error,) = check_throttle_rates()
    assert error.id == "saleor_crm.E001"
    assert "ticket_open" in error.msg
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"phone": "1/h"}}
    assert check_throttle_rates()[0].id == "saleor_crm.E001"
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": None}}
    assert check_throttle_rates() == []


def test_host_setting_overrides_defaults_limit_by_limit(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {
        "ticket_open": {"ip": "50/h"},
        "ticket_rate": {"ip": None},
    }
    assert throttling.rates("ticket_open") == {
        "ip": Rate(50, timedelta(hours=1)),
        "email": Rate(5, timedelta(hours=1)),  # the default stays
    }
    assert throttling.rates("ticket_rate") == {"email": Rate(10, timedelta(hours=1))}


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("198.51.100.4", "198.51.100.4"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("not an address", "unknown"),
        (None, "unknown"),
    ],
)
def test_ipv6_clients_count_by_their_64(ip, key):
    assert throttling.ip_key(ip) == key


@pytest.mark.parametrize(
    ("email", "key"),
    [
        (" Ann@Example.com ", "ann@example.com"),
        ("ann+spam7@example.com", "ann@example.com"),
        ("+only@example.com", "+only@example.com"),
        ("no-at-sign", None),
        ("", None),
    ],
)
def test_plus_addresses_share_their_inbox_limit(email, key):
    assert throttling.email_key(email) == key


def test_burst_then_one_per_interval_with_exact_retry_after(settings):
    # given: 3 an hour, so a burst of 3, then one every 20 minutes
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "3/h", "email": None}}
    start = timezone.now()

    # when / then
    for _ in range(3):
        check("ticket_open", ip="198.51.100.4", now=start)
    with pytest.raises(Throttled) as refused:
        check("ticket_open", ip="198.51.100.4", now=start + timedelta(seconds=1))
    assert refused.value.retry_after == 20 * 60 - 1
    assert str(refused.value) == "Too many attempts. Try again in 1199 seconds."
    with pytest.raises(Throttled):
        check("ticket_open", ip="198.51.100.4", now=start + timedelta(minutes=19, seconds=59))
    check("ticket_open", ip="198.51.100.4", now=start + timedelta(minutes=20))
    with pytest.raises(Throttled) as again:
        check("ticket_open", ip="198.51.100.4", now=start + timedelta(minutes=20))
    assert again.value.retry_after == 20 * 60
    # another client is not affected
    check("ticket_open", ip="198.51.100.5", now=start)


def test_a_refused_attempt_uses_none_of_its_limits(settings):
    # given: the email is at its limit, the IP is not
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "2/h", "email": "1/h"}}
    now = timezone.now()
    check("ticket_open", ip="198.51.100.4", email="ann@example.com", now=now)

    # when: refused by the email's limit, twice
    for _ in range(2):
        with pytest.raises(Throttled):
            check("ticket_open", ip="198.51.100.4", email="ann@example.com", now=now)

    # then: the IP still has its second attempt
    check("ticket_open", ip="198.51.100.4", email="bob@example.com", now=now)
    with pytest.raises(Throttled):
        check("ticket_open", ip="198.51.100.4", email="cid@example.com", now=now)


def test_buckets_store_no_email_or_address_and_are_purged_once_empty(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "2/h", "email": "1/h"}}
    now = timezone.now()
    check("ticket_open", ip="198.51.100.4", email="ann@example.com", now=now)
    stored = list(ThrottleBucket.objects.values_list("key", "scope"))
    assert len(stored) == 2
    assert all(len(key) == 64 and scope == "ticket_open" for key, scope in stored)
    assert not any("ann" in key or "198" in key for key, _ in stored)

    # the email's bucket is empty after an hour, the IP's after half an hour
    assert throttling.purge_expired(now + timedelta(minutes=31)) == 1
    with freeze_time(now + timedelta(hours=1, seconds=1)):
        assert purge_throttle_buckets_task() == 1
    assert not ThrottleBucket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_processes_share_one_exact_limit(settings):
    """Eight workers with their own database connections (as Saleor's app
    server processes have) hammer one IP: exactly the limit gets through.
    """
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "10/h", "email": None}}
    now = timezone.now()
    allowed, refused = [], []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        try:
            for _ in range(5):
                try:
                    check("ticket_open", ip="198.51.100.4", now=now)
                    allowed.append(1)
                except Throttled:
                    refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(allowed), len(refused)) == (10, 30)


# --- the client's IP -------------------------------------------------------------


def test_client_ip_is_the_address_the_nearest_trusted_proxy_saw(settings):
    # the default, one proxy: the address it appended, never what the client sent
    chain = "10.9.9.9, 203.0.113.7"  # the client's own entry, then the proxy's
    assert client_ip(from_ip("198.51.100.4", HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.7"
    assert client_ip(from_ip("198.51.100.4")) == "198.51.100.4"  # no header: the peer
    assert client_ip(from_ip("198.51.100.4", HTTP_X_FORWARDED_FOR="[2001:db8::1]:443")) == (
        "2001:db8::1"
    )
    # no proxy: the header is the client's to write, so it is not read at all
    settings.SALEOR_CRM_TRUSTED_PROXIES = 0
    assert client_ip(from_ip("198.51.100.4", HTTP_X_FORWARDED_FOR=chain)) == "198.51.100.4"
    # a CDN and a load balancer: two hops from the right
    settings.SALEOR_CRM_TRUSTED_PROXIES = 2
    assert client_ip(from_ip("198.51.100.4", HTTP_X_FORWARDED_FOR=chain)) == "10.9.9.9"
    assert client_ip(None) is None
    settings.SALEOR_CRM_CLIENT_IP = "tests.test_throttling.cloudflare_ip"
    assert client_ip(from_ip("10.0.0.1", HTTP_CF_CONNECTING_IP="192.0.2.8")) == "192.0.2.8"


def test_spoofed_forwarded_for_does_not_escape_the_ip_limit():
    # given: a client behind the store's proxy, putting a new address in front each time
    with freeze_time(START):
        answers = [
            open_ticket(
                f"spoof{n}@example.com",
                ip="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50",
            )
            for n in range(11)
        ]

    # then: the eleventh within the hour is refused, 10 an hour per IP
    assert [a["errors"] for a in answers[:10]] == [[]] * 10
    assert answers[10]["errors"][0]["code"] == "THROTTLED"


def test_a_proxy_count_that_is_not_a_whole_number_stops_the_checks(settings):
    from saleor_crm_plugin.checks import check_trusted_proxies

    settings.SALEOR_CRM_TRUSTED_PROXIES = "1"
    assert [e.id for e in check_trusted_proxies()] == ["saleor_crm.E002"]
    settings.SALEOR_CRM_TRUSTED_PROXIES = 2
    assert check_trusted_proxies() == []


def cloudflare_ip(request):
    return request.META.get("HTTP_CF_CONNECTING_IP")


# --- GraphQL ---------------------------------------------------------------------


def test_guest_spam_is_throttled_per_email_and_creates_nothing_once_refused():
    # given: the default limits, 5 an hour per email
    with freeze_time(START):
        for n in range(5):
            assert open_ticket("spam@example.com", ip=f"198.51.100.{n}")["errors"] == []
        tickets, profiles = Ticket.objects.count(), CustomerProfile.objects.count()

        # when: the same address from a sixth IP, and as a plus-address
        refused = open_ticket("spam@example.com", ip="198.51.100.99")
        plus = open_ticket("Spam+7@example.com", ip="198.51.100.98")

    # then
    assert refused == {
        "ticket": None,
        "errors": [
            {
                "field": None,
                "code": "THROTTLED",
                "message": "Too many attempts. Try again in 720 seconds.",
                "retryAfter": 720,
            }
        ],
    }
    assert plus["errors"][0]["code"] == "THROTTLED"
    assert (Ticket.objects.count(), CustomerProfile.objects.count()) == (tickets, profiles)
    # an hour's fifth later the address may write once more
    with freeze_time("2026-11-20 10:12:00"):
        assert open_ticket("spam@example.com", ip="198.51.100.99")["errors"] == []


def test_guest_spam_is_throttled_per_ip_whatever_the_email():
    with freeze_time(START):
        results = [open_ticket(f"bot{n}@example.com") for n in range(12)]
    codes = [r["errors"][0]["code"] if r["errors"] else "OK" for r in results]
    assert codes == ["OK"] * 10 + ["THROTTLED"] * 2
    assert results[10]["errors"][0]["retryAfter"] == 360  # 10 an hour: one every 6 minutes
    assert Ticket.objects.count() == 10


def test_invalid_attempts_count_too(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "2/h"}}
    with freeze_time(START):
        first = open_ticket("not-an-email")
        second = open_ticket("")
        third = open_ticket("ann@example.com")
    assert [first["errors"][0]["code"], second["errors"][0]["code"]] == ["INVALID", "REQUIRED"]
    assert third["errors"][0]["code"] == "THROTTLED"
    assert not Ticket.objects.exists()


def test_signed_in_customers_count_against_their_own_email(settings, ann):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": None, "email": "1/h"}}
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)
    with freeze_time(START):
        assert open_ticket("ignored@example.com", requestor=customer)["errors"] == []
        # the input's email is not theirs to spend: their own limit is used up
        again = open_ticket("other@example.com", requestor=customer)
        guest = open_ticket("other@example.com")
    assert again["errors"][0]["code"] == "THROTTLED"
    assert guest["errors"] == []


def test_staff_and_apps_with_manage_users_are_not_throttled(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "1/h", "email": "1/h"}}
    app = Requestor(
        kind=RequestorKind.APP, app_id="2", permissions=frozenset({CRMPermission.MANAGE_USERS})
    )
    with freeze_time(START):
        results = [open_ticket("ann@example.com", requestor=r) for r in (STAFF, STAFF, app, app)]
    assert all(r["errors"] == [] for r in results)
    assert not ThrottleBucket.objects.exists()


@pytest.mark.parametrize(
    "requestor",
    [
        Requestor(kind=RequestorKind.STAFF, user_id="2", email="temp@shop.example"),
        Requestor(kind=RequestorKind.APP, app_id="1"),
        Requestor(
            kind=RequestorKind.STAFF,
            user_id="6",
            permissions=frozenset({CRMPermission.MANAGE_ORDERS}),
        ),
    ],
    ids=["staff without permissions", "app without permissions", "staff with orders only"],
)
def test_staff_and_apps_without_manage_users_are_throttled_as_customers(settings, requestor):
    # given
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "1/h", "email": None}}

    # when: the second open from the same IP, each for another address
    with freeze_time(START):
        first = open_ticket("ann@example.com", requestor=requestor)
        second = open_ticket("bob@example.com", requestor=requestor)

    # then: no ticket link mailed to the second address
    assert first["errors"] == []
    assert [e["code"] for e in second["errors"]] == ["THROTTLED"]
    assert Ticket.objects.count() == 1


def guest_ticket(email="ann@example.com"):
    return desk.open_ticket(
        desk.NewTicket(subject="Grinder", body="Noisy", email=email, channel="email"),
        desk.Author(kind="customer", name=email),
    )


def test_customer_replies_are_throttled_and_token_guessing_counts(settings, ann):
    # given: a signed-in customer's ticket
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_reply": {"ip": "3/h", "email": "2/h"}}
    ingest("customer_created", f.customer(ann))
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)
    with freeze_time(START):
        opened = open_ticket("ann@example.com", requestor=customer)
    ticket = Ticket.objects.get(number=opened["ticket"]["number"])
    ticket_id = to_global_id("Ticket", ticket.pk)

    with freeze_time(START):
        # when: she answers three times, from three addresses
        replies = [
            run(REPLY, {"id": ticket_id, "body": f"again {n}"}, customer, ip=f"198.51.100.{n}")
            for n in range(3)
        ]
        # and someone tries tokens from one address
        guesses = [
            run(REPLY, {"token": f"guess-{n}", "body": "x"}, ip="192.0.2.66") for n in range(4)
        ]

    # then
    assert [r["myTicketReply"]["errors"] for r in replies[:2]] == [[], []]
    assert replies[2]["myTicketReply"]["errors"][0]["code"] == "THROTTLED"
    assert ticket.messages.count() == 3
    guess_codes = [g["myTicketReply"]["errors"][0]["code"] for g in guesses]
    assert guess_codes == ["INVALID", "INVALID", "INVALID", "THROTTLED"]


def test_ratings_are_throttled_per_ticket_requester(settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_rate": {"ip": None, "email": "2/h"}}
    ticket = guest_ticket()
    desk.staff_reply(ticket, "Done", desk.Author(kind="staff", name="Sam"), status="solved")
    token = desk.survey_token(ticket)
    with freeze_time(START):
        results = [
            run(RATE, {"token": token, "rating": 5}, ip=f"198.51.100.{n}")["ticketRate"]
            for n in range(3)
        ]
    assert [r["errors"] for r in results[:2]] == [[], []]
    assert results[2]["errors"][0]["code"] == "THROTTLED"
    assert results[2]["errors"][0]["retryAfter"] == 1800


def test_rate_page_answers_429_with_retry_after(client, settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_rate": {"ip": "1/h"}}
    ticket = guest_ticket()
    desk.staff_reply(ticket, "Done", desk.Author(kind="staff", name="Sam"), status="solved")
    token = desk.survey_token(ticket)
    with freeze_time(START):
        first = client.post(f"{ROUTE}/tickets/rate/", {"token": token, "rating": "4"})
        second = client.post(f"{ROUTE}/tickets/rate/", {"token": token, "rating": "1"})
    assert first.status_code == 200
    assert second.status_code == 429
    assert second["Retry-After"] == "3600"
    assert b"Too many attempts. Try again in 3600 seconds." in second.content
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == 4


def test_throttled_graphql_answers_200_with_a_retry_after_header(client, settings):
    # given: one ticket an hour per IP
    settings.SALEOR_CRM_THROTTLE_RATES = {"ticket_open": {"ip": "1/h"}}
    body = {
        "query": OPEN,
        "variables": {
            "input": {
                "email": "ann@example.com",
                "subject": "Hi",
                "body": "Do you ship to Oslo?",
                "redirectUrl": "https://shop.example/help",
            }
        },
    }

    # when
    with freeze_time(START):
        first, second = (
            client.post(f"{ROUTE}/graphql/", body, content_type="application/json")
            for _ in range(2)
        )

    # then: GraphQL answers 200 with the typed error, and says the wait in HTTP too
    assert first.status_code == 200
    assert "Retry-After" not in first
    assert first.json()["data"]["ticketOpen"]["errors"] == []
    assert second.status_code == 200
    assert second["Retry-After"] == "3600"
    (error,) = second.json()["data"]["ticketOpen"]["errors"]
    assert (error["code"], error["retryAfter"]) == ("THROTTLED", 3600)


# --- the signed inbound endpoints ------------------------------------------------


def signed_post(client, path, body: bytes, content_type, ip="192.0.2.10"):
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, body).items()}
    return client.post(f"{ROUTE}{path}", body, content_type=content_type, REMOTE_ADDR=ip, **headers)


def rfc822(sender, message_id):
    return (
        f"From: {sender}\r\nTo: support@shop.example\r\nSubject: Hello\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain\r\n\r\nAre you there?\r\n"
    ).encode()


def test_inbound_email_over_the_sender_limit_is_429_json_and_stores_nothing(client):
    # given: the default, 20 an hour per sender (an auto-responder loop)
    with freeze_time(START):
        for n in range(20):
            raw = rfc822("Loop <loop@example.com>", f"<m{n}@x>")
            assert (
                signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822").status_code
                == 201
            )

        # when
        refused = signed_post(
            client,
            "/tickets/inbound-email/",
            rfc822("loop@example.com", "<m99@x>"),
            "message/rfc822",
        )
        other = signed_post(
            client, "/tickets/inbound-email/", rfc822("ann@example.com", "<a1@x>"), "message/rfc822"
        )

    # then
    assert refused.status_code == 429
    assert refused["Retry-After"] == "180"
    assert refused.json() == {
        "errors": [
            {
                "field": None,
                "code": "THROTTLED",
                "message": "Too many attempts. Try again in 180 seconds.",
            }
        ]
    }
    assert other.status_code == 201
    assert Ticket.objects.count() == 21


def test_inbound_interactions_are_throttled_per_sender_ip(client, settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"inbound_interaction": {"ip": "2/m", "email": None}}

    def chat(n, ip):
        body = (
            '{"channel": "chat", "email": "ann@example.com", "body": "Hi", '
            f'"source": "livechat", "externalId": "conv-{n}"}}'
        ).encode()
        return signed_post(client, "/interactions/inbound/", body, "application/json", ip=ip)

    with freeze_time(START):
        statuses = [chat(n, "192.0.2.10").status_code for n in range(3)]
        other_tool = chat(9, "192.0.2.20")
    assert statuses == [201, 201, 429]
    assert other_tool.status_code == 201


def test_unsigned_requests_use_no_limit(client, settings):
    settings.SALEOR_CRM_THROTTLE_RATES = {"inbound_email": {"ip": "1/h"}}
    raw = rfc822("ann@example.com", "<u1@x>")
    for _ in range(3):
        response = client.post(
            f"{ROUTE}/tickets/inbound-email/", raw, content_type="message/rfc822"
        )
        assert response.status_code == 401
    assert not ThrottleBucket.objects.exists()
