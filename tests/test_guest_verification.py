"""Verified guests (issue 8): a guest's ticket link goes out by email only;
until the guest uses it the ticket is unverified, on no profile (least of
all a registered customer's), and staff see that. Accounts link to profiles
only once confirmed.
"""

import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.graphql.schema import execute, schema
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
from saleor_crm_plugin.ingestion.services import process_event
from saleor_crm_plugin.models import CustomerProfile, Ticket, TimelineEvent
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.mail import reply_address, send_ticket_link
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id=None,
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)
GUEST = Requestor.anonymous()
STOREFRONT = "https://shop.example/support/ticket?lang=en"

OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) {
    ticket { id number }
    requiresConfirmation
    errors { field code message }
  }
}
"""
BY_TOKEN = "query ($token: String!) { ticketByAccessToken(token: $token) { number subject } }"
REPLY = """
mutation ($token: String!) {
  myTicketReply(accessToken: $token, body: "Still waiting") { errors { field code } }
}
"""
INBOX = """
query ($filter: TicketFilterInput) {
  tickets(first: 10, filter: $filter) {
    edges { node { number isVerified verifiedAt requesterEmail customer { email } } }
  }
}
"""
PROFILE = """
query ($email: String) {
  customerProfile(email: $email) {
    user
    tickets(first: 10) { totalCount edges { node { number } } }
    timeline(first: 20) { edges { node { type occurredAt objectId } } }
  }
}
"""
MINE = "{ myTickets(first: 10) { totalCount edges { node { number } } } }"


SECRET = "s3cret-shared-with-the-mail-relay"


@pytest.fixture(autouse=True)
def desk_config():
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit work (the link mail) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run(query, variables=None, requestor=STAFF):
    result = execute(query, requestor=requestor, variables=variables or {})
    assert result.errors is None, result.errors
    return result.data


def as_customer(user, *, is_confirmed=True):
    return Requestor(
        kind=RequestorKind.CUSTOMER,
        user_id=str(user.pk),
        email=user.email,
        is_confirmed=is_confirmed,
    )


def guest_input(email="ann@example.com", **overrides):
    return {
        "email": email,
        "subject": "Where is my order #1001?",
        "body": "Please send it to my new address instead.",
        "redirectUrl": STOREFRONT,
        **overrides,
    }


def link_of(message) -> str:
    return re.search(r"https://shop\.example/\S+", message.body).group(0)


def token_of(message) -> str:
    return unquote(re.search(r"[?&]token=([^&\s]+)", link_of(message)).group(1))


def open_as_guest(on_commit, email="ann@example.com", **overrides):
    with on_commit():
        data = run(OPEN, {"input": guest_input(email, **overrides)}, GUEST)["ticketOpen"]
    assert data["errors"] == []
    return data


def inbox(filter_=None):
    return [e["node"] for e in run(INBOX, {"filter": filter_})["tickets"]["edges"]]


@pytest.fixture
def registered_ann(ann):
    """Ann has a confirmed account and an order."""
    ingest("customer_created", f.customer(ann))
    ingest("order_created", f.order("o-ann", email="ann@example.com", user_id=str(ann.pk)))
    return ann


# --- the link goes out by email only -------------------------------------------


def test_ticket_open_has_no_token_in_its_payload():
    # when
    fields = schema.get_type("TicketOpen").fields

    # then
    assert "accessToken" not in fields
    assert "requiresConfirmation" in fields


def test_guest_gets_the_link_by_email_only(on_commit):
    # when
    data = open_as_guest(on_commit, "Gus@Example.com")

    # then
    assert data["requiresConfirmation"] is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gus@example.com"]
    assert message.from_email == "support@shop.example"
    link = urlsplit(link_of(message))
    assert (link.scheme, link.netloc, link.path) == ("https", "shop.example", "/support/ticket")
    assert link.query.startswith("lang=en&token=")
    # Anyone can open a ticket in anyone's name: the mail quotes none of it.
    assert "order #1001" not in message.body
    assert "new address" not in message.body
    assert f"#{data['ticket']['number']}" in message.body
    followed = run(BY_TOKEN, {"token": token_of(message)}, GUEST)["ticketByAccessToken"]
    assert followed == {"number": data["ticket"]["number"], "subject": "Where is my order #1001?"}


@pytest.mark.parametrize(
    ("redirect_url", "code"),
    [
        (None, "REQUIRED"),
        ("https://evil.example/steal", "INVALID"),
        ("https://shop.example@evil.example/steal", "INVALID"),
        ("javascript://shop.example/%0aalert(1)", "INVALID"),
        ("/support/ticket", "INVALID"),
        # Python reads the host as shop.example; a browser reads "\" as "/"
        # and opens evil.example, token and all.
        ("https://evil.example\\@shop.example/help", "INVALID"),
        ("https://evil.example%5C@shop.example/help", "INVALID"),
        ("https://evil.example\t@shop.example/help", "INVALID"),
        ("https://shop.example /help", "INVALID"),
        ("https://shop.example\x00/help", "INVALID"),
        ("https://user:secret@shop.example/help", "INVALID"),
        ("https://shop.example:99999/help", "INVALID"),
    ],
    ids=[
        "missing",
        "foreign-host",
        "userinfo-trick",
        "javascript",
        "relative",
        "backslash-userinfo",
        "encoded-backslash-userinfo",
        "tab-userinfo",
        "space",
        "nul",
        "userinfo-on-an-allowed-host",
        "port-out-of-range",
    ],
)
def test_the_link_only_opens_an_allowed_storefront(on_commit, redirect_url, code):
    # when
    with on_commit():
        data = run(OPEN, {"input": guest_input(redirectUrl=redirect_url)}, GUEST)["ticketOpen"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("redirectUrl", code)]
    assert data["ticket"] is None
    assert not Ticket.objects.exists()
    assert mail.outbox == []


def test_the_link_is_built_from_the_checked_parts_of_the_url(on_commit):
    # when
    open_as_guest(on_commit, redirectUrl="HTTPS://Shop.Example:8443/support/ticket?lang=en#top")

    # then
    link = re.search(r"https://\S+", mail.outbox[0].body).group(0)
    assert link.startswith("https://shop.example:8443/support/ticket?lang=en&token=")
    assert link.endswith("#top")


def test_a_queued_link_to_a_url_the_check_refuses_is_not_mailed(on_commit):
    # given: a ticket whose link was queued with a URL today's check refuses
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Help", body="Hi", email="ann@example.com", verified=False),
        desk.Author(kind="customer", name="ann@example.com"),
    )

    # when
    with pytest.raises(desk.TicketError) as refused:
        send_ticket_link(str(ticket.pk), "https://evil.example\\@shop.example/help")

    # then
    assert (refused.value.field, refused.value.code) == ("redirectUrl", "invalid")
    assert mail.outbox == []


def test_allowed_storefront_hosts_follow_saleors_setting(settings, on_commit):
    # given: no CRM setting, Saleor's ALLOWED_CLIENT_HOSTS allows a subdomain pattern
    settings.SALEOR_CRM_ALLOWED_CLIENT_HOSTS = None
    settings.ALLOWED_CLIENT_HOSTS = [".store.example"]

    # when
    allowed = open_as_guest(on_commit, redirectUrl="https://eu.store.example/help")
    with on_commit():
        refused = run(OPEN, {"input": guest_input()}, GUEST)["ticketOpen"]

    # then
    assert allowed["requiresConfirmation"] is True
    assert mail.outbox[0].body.count("https://eu.store.example/help?token=") == 1
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("redirectUrl", "INVALID")]


@pytest.mark.parametrize(
    "email",
    ['"ann"@example.com', '"\\a\\nn"@example.com', "ann@[192.0.2.1]", "ann@[IPv6:2001:db8::1]"],
    ids=["quoted", "quoted-with-escapes", "ipv4-literal", "ipv6-literal"],
)
def test_another_spelling_of_an_address_is_refused(on_commit, email):
    # Each spelling would be its own customer and its own throttling bucket.
    # when
    with on_commit():
        data = run(OPEN, {"input": guest_input(email)}, GUEST)["ticketOpen"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("email", "INVALID")]
    assert not Ticket.objects.exists()
    assert not CustomerProfile.objects.exists()
    assert mail.outbox == []


# --- unverified: on no profile, staff see it -----------------------------------


def test_guest_ticket_in_a_customers_name_stays_off_their_profile(registered_ann, on_commit):
    # when: someone who is not Ann writes as her
    data = open_as_guest(on_commit, "ann@example.com")

    # then: staff see an unverified ticket of nobody's, sent from Ann's address
    number = data["ticket"]["number"]
    assert inbox({"isVerified": False}) == [
        {
            "number": number,
            "isVerified": False,
            "verifiedAt": None,
            "requesterEmail": "ann@example.com",
            "customer": None,
        }
    ]
    assert inbox({"isVerified": True}) == []
    profile = run(PROFILE, {"email": "ann@example.com"})["customerProfile"]
    assert profile["tickets"]["totalCount"] == 0
    assert "TICKET_OPENED" not in {e["node"]["type"] for e in profile["timeline"]["edges"]}
    assert run(MINE, requestor=as_customer(registered_ann))["myTickets"]["totalCount"] == 0
    assert Ticket.objects.get().profile is None


def test_a_guest_ticket_creates_no_profile(on_commit):
    # when
    open_as_guest(on_commit, "new@example.com")

    # then
    assert not CustomerProfile.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_guest_cannot_name_an_order(registered_ann, on_commit):
    # when
    with on_commit():
        data = run(OPEN, {"input": guest_input(order=to_global_id("Order", "o-ann"))}, GUEST)[
            "ticketOpen"
        ]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("order", "INVALID")]
    assert not Ticket.objects.exists()


def test_staff_replies_to_an_unverified_ticket_go_to_the_address_only(on_commit):
    # given
    open_as_guest(on_commit, "ann@example.com")
    ticket = Ticket.objects.get()

    # when
    with on_commit():
        desk.staff_reply(ticket, "<p>Which address?</p>", desk.Author(kind="staff", name="Sam"))

    # then
    reply = mail.outbox[-1]
    assert reply.to == ["ann@example.com"]
    assert "Which address?" in reply.body
    ticket.refresh_from_db()
    assert (ticket.profile, ticket.verified_at) == (None, None)


def test_unverified_tickets_merge_only_with_unverified_tickets_of_their_address(
    registered_ann, on_commit
):
    # given
    open_as_guest(on_commit, "ann@example.com")
    open_as_guest(on_commit, "ann@example.com")
    open_as_guest(on_commit, "cid@example.com")
    first, second, cid = Ticket.objects.order_by("number")
    own = desk.open_ticket(
        desk.NewTicket(subject="Mine", body="Really me", email="ann@example.com"),
        desk.Author(kind="staff", name="Sam"),
    )
    staff = desk.Author(kind="staff", name="Sam")

    # when / then
    with pytest.raises(desk.TicketError, match="one customer"):
        desk.merge(first, own, staff)
    with pytest.raises(desk.TicketError, match="one customer"):
        desk.merge(first, cid, staff)
    desk.merge(first, second, staff)
    assert Ticket.objects.get(pk=first.pk).merged_into_id == second.pk
    assert Ticket.objects.get(pk=second.pk).profile is None


# --- verification ------------------------------------------------------------


@pytest.mark.parametrize("use", ["ticketByAccessToken", "myTicketReply"])
def test_using_the_emailed_link_verifies_the_ticket_onto_the_addresses_profile(
    registered_ann, on_commit, use
):
    # given
    open_as_guest(on_commit, "ann@example.com")
    token = token_of(mail.outbox[0])
    opened_at = Ticket.objects.get().created_at

    # when: the owner of the address opens the link (twice)
    for _ in range(2):
        if use == "ticketByAccessToken":
            assert run(BY_TOKEN, {"token": token}, GUEST)["ticketByAccessToken"] is not None
        else:
            assert run(REPLY, {"token": token}, GUEST)["myTicketReply"]["errors"] == []

    # then
    [node] = inbox()
    assert node["isVerified"] is True
    assert node["customer"] == {"email": "ann@example.com"}
    ticket = Ticket.objects.get()
    assert ticket.verified_at is not None
    profile = run(PROFILE, {"email": "ann@example.com"})["customerProfile"]
    assert profile["tickets"]["totalCount"] == 1
    opened = [
        e["node"] for e in profile["timeline"]["edges"] if e["node"]["type"] == "TICKET_OPENED"
    ]
    assert len(opened) == 1  # the second use changed nothing
    assert opened[0]["occurredAt"] == opened_at.isoformat()
    assert run(MINE, requestor=as_customer(registered_ann))["myTickets"]["totalCount"] == 1
    verified_at = ticket.verified_at
    run(BY_TOKEN, {"token": token}, GUEST)
    assert Ticket.objects.get().verified_at == verified_at


def test_a_forged_or_foreign_token_verifies_nothing(on_commit):
    # given
    open_as_guest(on_commit, "ann@example.com")
    token = token_of(mail.outbox[0])

    # when
    forged = run(BY_TOKEN, {"token": token[:-3] + "xyz"}, GUEST)["ticketByAccessToken"]
    refused = run(REPLY, {"token": token[:-3] + "xyz"}, GUEST)["myTicketReply"]

    # then
    assert forged is None
    assert refused["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    assert Ticket.objects.get().verified_at is None


def test_rating_through_the_survey_link_verifies_the_ticket(on_commit):
    # given: staff solve a guest's ticket; the survey goes to the address
    open_as_guest(on_commit, "gus@example.com")
    ticket = Ticket.objects.get()
    with on_commit():
        desk.staff_reply(ticket, "Done", desk.Author(kind="staff", name="Sam"), status="solved")

    # when
    desk.rate(desk.survey_token(ticket), 4)

    # then
    ticket.refresh_from_db()
    assert ticket.verified_at is not None
    assert ticket.profile.email == "gus@example.com"
    assert float(ticket.profile.satisfaction_average) == 4.0


# --- signed-in customers ---------------------------------------------------------


def test_signed_in_customer_with_a_confirmed_account_is_verified_at_once(registered_ann, on_commit):
    # when
    with on_commit():
        data = run(
            OPEN,
            {"input": {"subject": "Damaged", "body": "Box was wet"}},
            as_customer(registered_ann),
        )["ticketOpen"]

    # then
    assert data["errors"] == []
    assert data["requiresConfirmation"] is False
    assert mail.outbox == []
    [node] = inbox()
    assert (node["isVerified"], node["customer"]) == (True, {"email": "ann@example.com"})
    assert run(MINE, requestor=as_customer(registered_ann))["myTickets"]["totalCount"] == 1


def test_signed_in_customer_with_an_unconfirmed_account_is_treated_as_a_guest(
    user_factory, on_commit
):
    # given: a store that lets customers sign in before confirming
    someone = user_factory("bob@example.com")
    ingest("order_created", f.order("o-bob", email="bob@example.com"))

    # when
    with on_commit():
        missing_url = run(
            OPEN,
            {"input": {"subject": "Hi", "body": "x"}},
            as_customer(someone, is_confirmed=False),
        )["ticketOpen"]
        data = run(
            OPEN,
            {"input": {"subject": "Hi", "body": "x", "redirectUrl": STOREFRONT}},
            as_customer(someone, is_confirmed=False),
        )["ticketOpen"]

    # then
    assert [(e["field"], e["code"]) for e in missing_url["errors"]] == [("redirectUrl", "REQUIRED")]
    assert data["requiresConfirmation"] is True
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    [node] = inbox()
    assert (node["isVerified"], node["customer"]) == (False, None)


def test_staff_opened_tickets_are_verified():
    # when
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Call", body="Phoned in", email="ann@example.com"),
        desk.Author(kind="staff", name="Sam"),
    )

    # then
    assert ticket.verified_at == ticket.created_at
    assert ticket.profile.email == "ann@example.com"


# --- accounts link only once confirmed --------------------------------------------


def confirmed_guest_history(on_commit, email="bob@example.com"):
    """Bob, a guest so far: an order and a ticket whose link he used."""
    ingest("order_created", f.order("o-bob", email=email))
    open_as_guest(on_commit, email)
    run(BY_TOKEN, {"token": token_of(mail.outbox[-1])}, GUEST)


def test_an_unconfirmed_account_links_to_no_profile_until_it_is_confirmed(user_factory, on_commit):
    # given: Bob's guest history; someone registers with his email
    confirmed_guest_history(on_commit)
    bob = user_factory("bob@example.com", first_name="Mallory")
    registered = timezone.now()

    # when
    ingest("customer_created", f.customer(bob, updated_at=registered, is_confirmed=False))

    # then: the account sees nothing of the guest's, and changed nothing
    profile = CustomerProfile.objects.get()
    assert profile.user is None
    assert profile.first_name == ""
    assert run(MINE, requestor=as_customer(bob, is_confirmed=False))["myTickets"]["totalCount"] == 0

    # when: the owner of the address confirms the account
    ingest(
        "account_confirmed",
        f.customer(bob, updated_at=registered + timedelta(seconds=5), first_name="Bob"),
    )

    # then
    profile.refresh_from_db()
    assert profile.user == bob
    assert profile.first_name == "Bob"
    assert run(MINE, requestor=as_customer(bob))["myTickets"]["totalCount"] == 1
    assert run(PROFILE, {"email": "bob@example.com"})["customerProfile"]["user"] == to_global_id(
        "User", bob.pk
    )


def test_confirmation_events_out_of_order_and_replayed_link_once(user_factory, on_commit):
    # given
    confirmed_guest_history(on_commit)
    bob = user_factory("bob@example.com", first_name="Bob")
    registered = timezone.now()
    created = f.customer(bob, updated_at=registered, is_confirmed=False)
    confirmed = f.customer(bob, updated_at=registered + timedelta(seconds=5))

    # when: the confirmation is processed first, then the (older) registration,
    # then a worker delivers both again
    events = [ingest("account_confirmed", confirmed), ingest("customer_created", created)]
    for event in events:
        InboundEvent.objects.filter(pk=event.pk).update(status=InboundEventStatus.PENDING)
        process_event(event.pk)

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == bob
    assert profile.customer_version == confirmed.updated_at
    assert profile.timeline_events.filter(type="account_created").count() == 1
    assert run(MINE, requestor=as_customer(bob))["myTickets"]["totalCount"] == 1


def test_an_account_no_longer_confirmed_is_unlinked(ann):
    # given: linked (confirmed, or linked before the CRM checked)
    ingest("customer_created", f.customer(ann))
    assert CustomerProfile.objects.get().user == ann

    # when
    ingest(
        "customer_updated",
        f.customer(ann, updated_at=timezone.now() + timedelta(1), is_confirmed=False),
    )

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user is None
    assert run(MINE, requestor=as_customer(ann, is_confirmed=False))["myTickets"]["totalCount"] == 0
    assert CustomerProfile.objects.get().user is None


def test_orders_of_an_unconfirmed_account_do_not_link_it(user_factory, on_commit):
    # given: Bob's guest history; an unconfirmed account with his email orders
    confirmed_guest_history(on_commit)
    mallory = user_factory("bob@example.com")

    # when
    ingest("order_created", f.order("o-mallory", email="bob@example.com", user_id=str(mallory.pk)))

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user is None
    assert profile.orders_count == 2
    assert (
        run(MINE, requestor=as_customer(mallory, is_confirmed=False))["myTickets"]["totalCount"]
        == 0
    )


def test_an_order_of_a_confirmed_account_links_it(user_factory, on_commit):
    # given: Bob confirmed his account without an event the CRM heard of
    # (Saleor confirms at a password reset without telling plugins)
    confirmed_guest_history(on_commit)
    bob = user_factory("bob@example.com")

    # when
    ingest(
        "order_created",
        f.order("o-bob-2", email="bob@example.com", user_id=str(bob.pk), user_is_confirmed=True),
    )

    # then
    assert CustomerProfile.objects.get().user == bob
    assert run(MINE, requestor=as_customer(bob))["myTickets"]["totalCount"] == 1


def test_a_confirmed_customer_nobody_told_the_crm_about_is_linked_when_signed_in(
    user_factory, on_commit
):
    # given: Bob's guest history; his account registered unconfirmed, then was
    # confirmed without an event (Saleor's password reset)
    confirmed_guest_history(on_commit)
    bob = user_factory("bob@example.com")
    ingest("customer_created", f.customer(bob, is_confirmed=False))

    # when: signed in, unconfirmed, then confirmed
    before = run(MINE, requestor=as_customer(bob, is_confirmed=False))["myTickets"]
    after = run(MINE, requestor=as_customer(bob))["myTickets"]

    # then
    assert (before["totalCount"], after["totalCount"]) == (0, 1)
    assert CustomerProfile.objects.get().user == bob


def test_signing_in_creates_no_profile_and_takes_no_one_elses(user_factory, ann):
    # given: Ann's profile is linked to her account
    ingest("customer_created", f.customer(ann))
    stranger = user_factory("new@example.com")

    # when
    mine = run(MINE, requestor=as_customer(stranger))["myTickets"]

    # then
    assert mine["totalCount"] == 0
    assert list(CustomerProfile.objects.values_list("email", "user")) == [
        ("ann@example.com", ann.pk)
    ]


# --- tickets opened by email -------------------------------------------------------


def inbound_email(client, sender, to="support@shop.example", message_id="<m1@mail.example>"):
    raw = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: Where is my order?\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Please send it elsewhere.\r\n"
    ).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, raw).items()}
    return client.post(
        "/plugins/global/saleor.crm/tickets/inbound-email/",
        raw,
        content_type="message/rfc822",
        **headers,
    )


def test_a_ticket_opened_by_email_waits_until_its_sender_answers_from_the_address(
    client, registered_ann, on_commit
):
    # given: mail "from" Ann (any From can be forged) opens a ticket
    assert inbound_email(client, "Ann <ann@example.com>").status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.profile, ticket.verified_at) == (None, None)
    assert (
        run(PROFILE, {"email": "ann@example.com"})["customerProfile"]["tickets"]["totalCount"] == 0
    )

    # when: staff answer; the answer reaches the real Ann, who replies to it
    with on_commit():
        desk.staff_reply(ticket, "Which address?", desk.Author(kind="staff", name="Sam"))
    answered = inbound_email(
        client, "Ann <ann@example.com>", to=reply_address(ticket), message_id="<m2@mail.example>"
    )

    # then
    assert answered.status_code == 200
    ticket.refresh_from_db()
    assert ticket.verified_at is not None
    assert ticket.profile.email == "ann@example.com"
    assert (
        run(PROFILE, {"email": "ann@example.com"})["customerProfile"]["tickets"]["totalCount"] == 1
    )
