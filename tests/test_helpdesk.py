import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.models import CustomerProfile, Interaction, Ticket, TimelineEvent
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.mail import reply_address
from saleor_crm_plugin.tickets.models import SLAPolicy, TicketStatus
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-chat-tool"
ROUTE = "/plugins/global/saleor.crm"
STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id=None,
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)


@pytest.fixture(autouse=True)
def desk_config(settings):
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example"
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)


@pytest.fixture
def bob(user_factory):
    return user_factory("bob@example.com", first_name="Bob")


def as_customer(user):
    return Requestor(kind=RequestorKind.CUSTOMER, user_id=str(user.pk), email=user.email)


def run(query, variables=None, requestor=STAFF):
    result = execute(query, requestor=requestor, variables=variables or {})
    assert result.errors is None, result.errors
    return result.data


def email_ticket(subject="Grinder broken", body="It makes a noise.", email="ann@example.com"):
    return desk.open_ticket(
        desk.NewTicket(subject=subject, body=body, email=email, channel="email"),
        desk.Author(kind="customer", name=email),
    )


def staff():
    return desk.Author(kind="staff", name="Sam")


# --- lifecycle and SLA --------------------------------------------------------


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit work (mail tasks) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_ticket_lifecycle_from_new_to_solved_with_survey(on_commit):
    # given
    SLAPolicy.objects.create(priority="normal", first_response_minutes=60, resolution_minutes=480)
    ticket = email_ticket()
    assert ticket.status == TicketStatus.NEW
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=60)
    assert ticket.resolution_due_at == ticket.created_at + timedelta(minutes=480)

    # when: staff answer, the customer writes back, staff solve it
    with on_commit():
        desk.staff_reply(ticket, "<p>Sorry! Which model?</p>", staff())
    after_reply = Ticket.objects.get(pk=ticket.pk)
    desk.customer_reply(ticket, "The Mignon.", via="email")
    after_customer = Ticket.objects.get(pk=ticket.pk)
    with on_commit():
        desk.staff_reply(ticket, "<p>Replacement on its way.</p>", staff(), status="solved")

    # then
    ticket.refresh_from_db()
    assert after_reply.status == TicketStatus.PENDING
    assert after_reply.first_response_at is not None
    assert after_customer.status == TicketStatus.OPEN
    assert ticket.status == TicketStatus.SOLVED
    assert ticket.solved_at is not None
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Re: Grinder broken [#{ticket.number}] [ref:{ticket.reply_token}]") == 2
    survey = next(m for m in mail.outbox if m.subject.startswith("How did we do?"))
    assert "https://api.shop.example/plugins/global/saleor.crm/tickets/rate/?token=" in survey.body
    types = set(ticket.profile.timeline_events.values_list("type", flat=True))
    assert {"ticket_opened", "ticket_solved"} <= types


def test_sla_breaches_are_flagged_once_at_the_right_time():
    # given
    SLAPolicy.objects.create(priority="high", first_response_minutes=30, resolution_minutes=120)
    start = timezone.now()
    with freeze_time(start):
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject="Refund?", body="Please", email="ann@example.com", priority="high"
            ),
            desk.Author(kind="customer"),
        )

    # when / then
    with freeze_time(start + timedelta(minutes=29)):
        assert desk.mark_sla_breaches() == 0
    with freeze_time(start + timedelta(minutes=31)):
        assert desk.mark_sla_breaches() == 1
        assert desk.mark_sla_breaches() == 0
    with freeze_time(start + timedelta(minutes=40)):
        desk.staff_reply(ticket, "On it", staff())
    with freeze_time(start + timedelta(minutes=121)):
        assert desk.mark_sla_breaches() == 1
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == start + timedelta(minutes=31)
    assert ticket.resolution_breached_at == start + timedelta(minutes=121)
    breaches = TimelineEvent.objects.filter(type="ticket_sla_breached")
    assert sorted(b.data["target"] for b in breaches) == ["first_response", "resolution"]


TICKETS = """
query ($filter: TicketFilterInput, $sortBy: TicketSortingInput) {
  tickets(first: 20, filter: $filter, sortBy: $sortBy) {
    totalCount edges { node { number status isBreached customer { email } } }
  }
}
"""


def test_inbox_filters_breached_due_soon_status_and_assignee(user_factory):
    # given
    SLAPolicy.objects.create(priority="normal", first_response_minutes=60, resolution_minutes=600)
    agent = user_factory("agent@shop.example", is_staff=True)
    start = timezone.now()
    with freeze_time(start - timedelta(hours=2)):
        late = email_ticket("Late one")
    with freeze_time(start - timedelta(minutes=30)):
        soon = email_ticket("Due soon", email="bob@example.com")
    fresh = email_ticket("Fresh", email="cid@example.com")
    desk.assign(fresh, agent.pk)

    def numbers(filter_):
        data = run(TICKETS, {"filter": filter_})
        return sorted(e["node"]["number"] for e in data["tickets"]["edges"])

    # then
    assert numbers({"breached": True}) == [late.number]
    assert numbers({"dueSoon": True}) == sorted([soon.number, fresh.number])
    assert numbers({"assignee": to_global_id("User", agent.pk)}) == [fresh.number]
    assert numbers({"unassigned": True}) == sorted([late.number, soon.number])
    assert numbers({"search": f"#{soon.number}"}) == [soon.number]
    assert numbers({"search": "bob@"}) == [soon.number]
    assert numbers({"statuses": ["NEW"]}) == sorted([late.number, soon.number, fresh.number])


# --- mail ---------------------------------------------------------------------


def test_staff_reply_is_emailed_and_note_is_not(on_commit):
    # given
    ticket = email_ticket()

    # when
    with on_commit():
        desk.add_note(ticket, "<p>Customer is a VIP</p>", staff())
        desk.staff_reply(ticket, "<p>Hello <b>Ann</b></p>", staff())

    # then
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ann@example.com"]
    assert sent.from_email == "support@shop.example"
    assert sent.reply_to == [f"support+t{ticket.reply_token}@shop.example"]
    assert sent.body == "Hello Ann"
    assert sent.alternatives[0][0] == "<p>Hello <b>Ann</b></p>"
    assert "VIP" not in sent.body


def signed_post(client, path, body: bytes, content_type, secret=SECRET, timestamp=None):
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(secret, body, timestamp).items()
    }
    return client.post(f"{ROUTE}{path}", body, content_type=content_type, **headers)


def rfc822(to, subject="Re: Grinder broken", message_id="<m1@mail.example>", body="Thanks!"):
    return (
        f"From: Ann Lee <ann@example.com>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n\r\nOn Mon, 23 Nov 2026, Sam wrote:\r\n> Sorry! Which model?\r\n"
    ).encode()


def test_customer_email_reply_threads_into_the_ticket(client):
    # given
    ticket = email_ticket()
    desk.staff_reply(ticket, "Which model?", staff())

    # when
    raw = rfc822(reply_address(ticket), body="The <b>Mignon</b>, thanks")
    first = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")
    again = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")

    # then
    assert first.status_code == 200
    assert first.json() == {
        "ticket": ticket.number,
        "createdTicket": False,
        "duplicate": False,
        "fromUnknownSender": False,
    }
    assert again.json()["duplicate"] is True
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    last = ticket.messages.order_by("id").last()
    assert last.author_kind == "customer"
    assert last.body == "<p>The &lt;b&gt;Mignon&lt;/b&gt;, thanks</p>"  # quoted part cut off
    assert ticket.messages.count() == 3


def test_email_with_forged_reference_is_refused(client):
    # given
    email_ticket()

    # when
    raw = rfc822("support+t0123456789abcdef01234567@shop.example")
    response = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")

    # then
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"
    assert Ticket.objects.get().messages.count() == 1


def test_email_without_reference_opens_a_ticket(client):
    raw = rfc822("support@shop.example", subject="Do you ship to Norway?", message_id="<n@x>")
    response = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.channel) == ("Do you ship to Norway?", "email")
    # Anyone can write any From: unverified, on no profile, until Ann answers.
    assert (ticket.requester_email, ticket.profile, ticket.verified_at) == (
        "ann@example.com",
        None,
        None,
    )


def test_unsigned_or_wrongly_signed_email_is_refused(client):
    raw = rfc822("support@shop.example")
    unsigned = client.post(f"{ROUTE}/tickets/inbound-email/", raw, content_type="message/rfc822")
    wrong = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822", secret="x" * 30)
    assert unsigned.status_code == wrong.status_code == 401
    assert not Ticket.objects.exists()


# --- inbound interactions -----------------------------------------------------


def chat(external_id="conv-1", **overrides):
    payload = {
        "channel": "chat",
        "direction": "inbound",
        "email": "ann@example.com",
        "subject": "Chat with Ann",
        "body": '<p>Hi <img src=x onerror="alert(1)"><script>steal()</script></p>',
        "bodyIsHtml": True,
        "source": "livechat",
        "externalId": external_id,
        "occurredAt": "2026-11-20T10:00:00+00:00",
        **overrides,
    }
    return json.dumps(payload).encode()


def test_signed_interaction_is_stored_once_and_sanitised(client):
    # when
    first = signed_post(client, "/interactions/inbound/", chat(), "application/json")
    replay = signed_post(client, "/interactions/inbound/", chat(), "application/json")

    # then
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json() == {"id": first.json()["id"], "created": False}
    interaction = Interaction.objects.get()
    assert interaction.body == "<p>Hi </p>"
    assert interaction.profile.timeline_events.filter(type="interaction").count() == 1


@pytest.mark.parametrize(
    ("body", "secret", "age", "status", "code"),
    [
        (chat(), "y" * 30, 0, 401, "INVALID_SIGNATURE"),
        (chat(), SECRET, 3600, 401, "EXPIRED_SIGNATURE"),
        (b"{nope", SECRET, 0, 400, "INVALID_JSON"),
        (chat(channel="pigeon"), SECRET, 0, 400, "INVALID"),
        (chat(externalId=""), SECRET, 0, 400, "REQUIRED"),
        (chat(occurredAt="yesterday"), SECRET, 0, 400, "INVALID"),
    ],
)
def test_bad_inbound_interactions_get_typed_errors(client, body, secret, age, status, code):
    timestamp = int(timezone.now().timestamp()) - age
    response = signed_post(
        client, "/interactions/inbound/", body, "application/json", secret, timestamp
    )
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert not Interaction.objects.exists()


INTERACTION_CREATE = """
mutation ($input: InteractionCreateInput!) {
  interactionCreate(input: $input) {
    interaction { channel body customer { email } }
    created
    errors { field code message }
  }
}
"""


def test_staff_logs_a_phone_call_on_the_timeline():
    data = run(
        INTERACTION_CREATE,
        {
            "input": {
                "customerEmail": "ann@example.com",
                "channel": "PHONE",
                "direction": "OUTBOUND",
                "subject": "Follow-up",
                "body": "<p>Called about <a href='javascript:x'>beans</a></p>",
            }
        },
    )["interactionCreate"]
    assert data["errors"] == []
    assert (
        data["interaction"]["body"]
        == '<p>Called about <a rel="noopener noreferrer nofollow">beans</a></p>'
    )
    profile = CustomerProfile.objects.get(email="ann@example.com")
    assert profile.timeline_events.get().type == "interaction"


# --- staff GraphQL ------------------------------------------------------------

REPLY = """
mutation ($id: ID!, $body: String!) {
  ticketReply(id: $id, input: {body: $body}) {
    ticket { status firstResponseAt }
    message { kind body }
    errors { field code message }
  }
}
"""


def test_reply_through_graphql_and_typed_errors():
    ticket = email_ticket()
    ok = run(REPLY, {"id": to_global_id("Ticket", ticket.pk), "body": "<p>Hi</p>"})["ticketReply"]
    empty = run(REPLY, {"id": to_global_id("Ticket", ticket.pk), "body": "<script></script>"})
    unknown = run(
        REPLY, {"id": to_global_id("Ticket", "00000000-0000-0000-0000-000000000000"), "body": "x"}
    )
    assert ok["ticket"]["status"] == "PENDING"
    assert ok["message"] == {"kind": "REPLY", "body": "<p>Hi</p>"}
    assert empty["ticketReply"]["errors"] == [
        {"field": "body", "code": "REQUIRED", "message": "Write a message."}
    ]
    assert unknown["ticketReply"]["errors"][0]["code"] == "NOT_FOUND"
    assert ticket.messages.count() == 2  # nothing half-written by the failures


MERGE = """
mutation ($source: ID!, $target: ID!) {
  ticketMerge(source: $source, target: $target) {
    ticket { number messages(first: 10) { totalCount } }
    errors { field code }
  }
}
"""


def test_merge_duplicates_of_one_customer_only():
    first = email_ticket("Where is my order")
    duplicate = email_ticket("Order status??")
    other = email_ticket("Hello", email="bob@example.com")

    merged = run(
        MERGE,
        {
            "source": to_global_id("Ticket", duplicate.pk),
            "target": to_global_id("Ticket", first.pk),
        },
    )["ticketMerge"]
    refused = run(
        MERGE,
        {"source": to_global_id("Ticket", other.pk), "target": to_global_id("Ticket", first.pk)},
    )["ticketMerge"]

    assert merged["errors"] == []
    assert merged["ticket"]["messages"]["totalCount"] == 3  # both + the merge note
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("closed", first.pk)
    assert refused["errors"] == [{"field": "source", "code": "INVALID"}]


LINK = """
mutation ($id: ID!, $order: ID) {
  ticketLinkOrder(id: $id, order: $order) { ticket { order } errors { field code } }
}
"""


def test_link_only_the_customers_own_order():
    ingest("order_created", f.order("o-ann", email="ann@example.com"))
    ingest("order_created", f.order("o-bob", email="bob@example.com"))
    ticket = email_ticket()
    own = run(
        LINK, {"id": to_global_id("Ticket", ticket.pk), "order": to_global_id("Order", "o-ann")}
    )
    other = run(
        LINK, {"id": to_global_id("Ticket", ticket.pk), "order": to_global_id("Order", "o-bob")}
    )
    assert own["ticketLinkOrder"] == {
        "ticket": {"order": to_global_id("Order", "o-ann")},
        "errors": [],
    }
    assert other["ticketLinkOrder"]["errors"] == [{"field": "order", "code": "NOT_FOUND"}]


def test_assign_only_to_staff(user_factory):
    ticket = email_ticket()
    shopper = user_factory("shopper@example.com")
    with pytest.raises(desk.TicketError):
        desk.assign(ticket, shopper.pk)


# --- storefront -----------------------------------------------------------------

OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) {
    ticket { id number status order messages { authorKind body } }
    requiresConfirmation
    errors { field code message }
  }
}
"""
STOREFRONT = "https://shop.example/support/ticket"


def link_token(message) -> str:
    """The access token in the link a guest was emailed."""
    return unquote(re.search(r"[?&]token=([^\s&\"]+)", message.body).group(1))


MINE = "{ myTickets(first: 10) { totalCount edges { node { id subject } } } }"
MY_TICKET = "query ($id: ID!) { myTicket(id: $id) { subject messages { authorKind body } } }"
MY_REPLY = """
mutation ($id: ID, $token: String, $body: String!) {
  myTicketReply(id: $id, accessToken: $token, body: $body) {
    ticket { status messages { body } } errors { field code }
  }
}
"""


def test_signed_in_customer_opens_ticket_about_own_order_and_nobody_else_sees_it(ann, bob):
    # given
    ingest("customer_created", f.customer(ann))
    ingest("customer_created", f.customer(bob))
    ingest("order_created", f.order("o-ann", email="ann@example.com", user_id=str(ann.pk)))
    ingest("order_created", f.order("o-bob", email="bob@example.com", user_id=str(bob.pk)))

    # when
    opened = run(
        OPEN,
        {
            "input": {
                "subject": "Damaged",
                "body": "Box was wet",
                "order": to_global_id("Order", "o-ann"),
            }
        },
        as_customer(ann),
    )
    not_hers = run(
        OPEN,
        {"input": {"subject": "x", "body": "y", "order": to_global_id("Order", "o-bob")}},
        as_customer(ann),
    )

    # then
    result = opened["ticketOpen"]
    assert result["errors"] == []
    assert result["requiresConfirmation"] is False
    assert result["ticket"]["order"] == to_global_id("Order", "o-ann")
    assert not_hers["ticketOpen"]["errors"][0]["field"] == "order"
    ticket_id = result["ticket"]["id"]
    desk.add_note(Ticket.objects.get(), "<p>internal: refund approved</p>", staff())
    assert run(MINE, requestor=as_customer(ann))["myTickets"]["totalCount"] == 1
    assert run(MINE, requestor=as_customer(bob))["myTickets"]["totalCount"] == 0
    mine = run(MY_TICKET, {"id": ticket_id}, as_customer(ann))["myTicket"]
    assert [m["authorKind"] for m in mine["messages"]] == ["CUSTOMER"]  # the note is hidden
    assert run(MY_TICKET, {"id": ticket_id}, as_customer(bob))["myTicket"] is None
    refused = run(MY_REPLY, {"id": ticket_id, "body": "mine now"}, as_customer(bob))
    assert refused["myTicketReply"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert Ticket.objects.get().messages.count() == 2


def test_guest_opens_a_ticket_and_follows_it_with_the_emailed_link(on_commit):
    # when
    with on_commit():
        opened = run(
            OPEN,
            {
                "input": {
                    "email": "Guest@Example.com",
                    "subject": "Hi",
                    "body": "<b>Is decaf in stock?</b>",
                    "redirectUrl": STOREFRONT,
                }
            },
            Requestor.anonymous(),
        )
    token = link_token(mail.outbox[-1])
    followed = run(
        "query ($t: String!) { ticketByAccessToken(token: $t) { subject } }",
        {"t": token},
        Requestor.anonymous(),
    )
    replied = run(MY_REPLY, {"token": token, "body": "Also oat milk?"}, Requestor.anonymous())
    forged = run(MY_REPLY, {"token": token[:-2] + "xx", "body": "x"}, Requestor.anonymous())
    no_email = run(OPEN, {"input": {"subject": "Hi", "body": "x"}}, Requestor.anonymous())

    # then
    assert opened["ticketOpen"]["ticket"]["messages"] == [
        {"authorKind": "CUSTOMER", "body": "<p>&lt;b&gt;Is decaf in stock?&lt;/b&gt;</p>"}
    ]
    assert followed["ticketByAccessToken"] == {"subject": "Hi"}
    assert replied["myTicketReply"]["errors"] == []
    assert forged["myTicketReply"]["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    assert no_email["ticketOpen"]["errors"][0]["code"] == "REQUIRED"
    assert Ticket.objects.get().profile.email == "guest@example.com"


RATE = """
mutation ($token: String, $id: ID, $rating: Int!) {
  ticketRate(token: $token, id: $id, rating: $rating, comment: "Quick!") {
    ticket { satisfaction { rating comment } } errors { field code }
  }
}
"""


def test_rating_by_survey_page_and_by_signed_in_customer(client, ann, on_commit):
    # given
    ingest("customer_created", f.customer(ann))
    first, second = email_ticket("One"), email_ticket("Two")
    for ticket in (first, second):
        with on_commit():
            desk.staff_reply(ticket, "Done", staff(), status="solved")
    link = re.search(
        r"(/plugins\S+)",
        next(m.body for m in mail.outbox if m.subject == f"How did we do? [#{first.number}]"),
    ).group(1)

    # when: the survey page, then the storefront
    page = client.get(link)
    posted = client.post(link.split("?")[0], {"token": link.split("token=")[1], "rating": "4"})
    by_customer = run(
        RATE, {"id": to_global_id("Ticket", second.pk), "rating": 2}, as_customer(ann)
    )
    out_of_range = run(
        RATE, {"id": to_global_id("Ticket", second.pk), "rating": 9}, as_customer(ann)
    )

    # then
    assert page.status_code == 200
    assert b'name="rating" value="5"' in page.content
    assert b"You rated request" in posted.content
    assert by_customer["ticketRate"]["ticket"]["satisfaction"] == {"rating": 2, "comment": "Quick!"}
    assert out_of_range["ticketRate"]["errors"] == [{"field": "rating", "code": "INVALID"}]
    profile = CustomerProfile.objects.get(email="ann@example.com")
    assert (float(profile.satisfaction_average), profile.satisfaction_count) == (3.0, 2)


def test_unsolved_ticket_cannot_be_rated():
    ticket = email_ticket()
    with pytest.raises(desk.TicketError, match="Only solved"):
        desk.rate(desk.survey_token(ticket), 5)


# --- remaining staff operations -------------------------------------------------

CREATE = """
mutation ($input: TicketCreateInput!) {
  ticketCreate(input: $input) {
    ticket { number status channel priority firstResponseAt customer { email } tags }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation ($id: ID!, $input: TicketUpdateInput!) {
  ticketUpdate(id: $id, input: $input) {
    ticket { status priority resolutionDueAt tags }
    errors { field code message }
  }
}
"""
SLA_SET = """
mutation ($priority: TicketPriorityEnum!, $first: Int!, $resolution: Int!) {
  slaPolicySet(priority: $priority, firstResponseMinutes: $first, resolutionMinutes: $resolution) {
    slaPolicy { priority firstResponseMinutes resolutionMinutes }
    errors { field code message }
  }
}
"""


def test_staff_open_a_ticket_for_a_caller():
    data = run(
        CREATE,
        {
            "input": {
                "customerEmail": "Caller@Example.com",
                "subject": "Called about beans",
                "body": "<p>Wants a coarser grind</p>",
                "tags": ["phone", "phone", " grind "],
            }
        },
    )["ticketCreate"]
    assert data["errors"] == []
    ticket = data["ticket"]
    assert (ticket["status"], ticket["channel"], ticket["priority"]) == ("OPEN", "PHONE", "NORMAL")
    assert ticket["firstResponseAt"] is not None  # staff opened it: nothing to answer
    assert ticket["customer"] == {"email": "caller@example.com"}
    assert ticket["tags"] == ["phone", "grind"]


def test_sla_policies_and_a_priority_change_moves_the_deadline():
    # given
    normal = run(SLA_SET, {"priority": "NORMAL", "first": 60, "resolution": 600})["slaPolicySet"]
    urgent = run(SLA_SET, {"priority": "URGENT", "first": 10, "resolution": 60})["slaPolicySet"]
    bad = run(SLA_SET, {"priority": "LOW", "first": 60, "resolution": 30})["slaPolicySet"]
    ticket = email_ticket()

    # when
    data = run(
        UPDATE,
        {
            "id": to_global_id("Ticket", ticket.pk),
            "input": {"priority": "URGENT", "status": "ON_HOLD", "tags": ["vip"]},
        },
    )

    # then
    assert normal["errors"] == urgent["errors"] == []
    assert bad["errors"] == [
        {
            "field": "resolutionMinutes",
            "code": "INVALID",
            "message": "Resolution cannot come before the first response.",
        }
    ]
    assert [p["priority"] for p in run("{ slaPolicies { priority } }")["slaPolicies"]] == [
        "NORMAL",
        "URGENT",
    ]
    updated = data["ticketUpdate"]["ticket"]
    assert (updated["status"], updated["priority"], updated["tags"]) == (
        "ON_HOLD",
        "URGENT",
        ["vip"],
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == ticket.created_at + timedelta(minutes=60)
    deleted = run("mutation { slaPolicyDelete(priority: URGENT) { deleted errors { code } } }")
    assert deleted["slaPolicyDelete"] == {"deleted": True, "errors": []}


def test_closed_ticket_stays_closed():
    ticket = email_ticket()
    desk.update_ticket(ticket, {"status": "closed"})
    reopen = run(UPDATE, {"id": to_global_id("Ticket", ticket.pk), "input": {"status": "OPEN"}})
    assert reopen["ticketUpdate"]["errors"][0]["code"] == "CLOSED"
    with pytest.raises(desk.TicketError):
        desk.customer_reply(ticket, "hello?", via="email")


INTERACTIONS = """
query ($filter: InteractionFilterInput) {
  interactions(first: 10, filter: $filter) { totalCount edges { node { channel subject } } }
}
"""


def test_interactions_query_filters_and_profile_connections(client):
    # given
    signed_post(client, "/interactions/inbound/", chat("c1"), "application/json")
    signed_post(
        client,
        "/interactions/inbound/",
        chat("c2", channel="social", email="bob@example.com"),
        "application/json",
    )
    email_ticket()
    ann = CustomerProfile.objects.get(email="ann@example.com")

    # when
    everything = run(INTERACTIONS)["interactions"]
    social = run(INTERACTIONS, {"filter": {"channels": ["SOCIAL"]}})["interactions"]
    of_ann = run(INTERACTIONS, {"filter": {"customer": to_global_id("CustomerProfile", ann.pk)}})
    profile = run(
        """query ($email: String) { customerProfile(email: $email) {
        tickets(first: 5) { totalCount } interactions(first: 5) { totalCount }
        satisfactionAverage satisfactionCount } }""",
        {"email": "ann@example.com"},
    )

    # then
    assert everything["totalCount"] == 2
    assert social["totalCount"] == 1
    assert of_ann["interactions"]["totalCount"] == 1
    assert profile["customerProfile"] == {
        "tickets": {"totalCount": 1},
        "interactions": {"totalCount": 1},
        "satisfactionAverage": None,
        "satisfactionCount": 0,
    }


# --- profiles merged or erased ----------------------------------------------------


def test_merging_profiles_keeps_the_help_desk_history(ann):
    # given: an account, and a guest profile under another email with a rated ticket
    ingest("customer_created", f.customer(ann))
    ticket = email_ticket(email="ann@work.example")
    desk.staff_reply(ticket, "Done", staff(), status="solved")
    desk.rate(desk.survey_token(ticket), 5)

    # when: the account switches to the guest's email
    ingest(
        "customer_updated",
        f.customer(ann, email="ann@work.example", updated_at=timezone.now() + timedelta(1)),
    )

    # then
    profile = CustomerProfile.objects.get()
    assert profile.user == ann
    assert Ticket.objects.get().profile == profile
    assert (float(profile.satisfaction_average), profile.satisfaction_count) == (5.0, 1)


def test_erasure_scrubs_tickets_interactions_and_their_timeline(ann, client):
    # given
    from saleor_crm_plugin.snapshots import CustomerSnapshot

    ingest("customer_created", f.customer(ann))
    ticket = email_ticket(subject="My address is 1 Secret Lane")
    desk.staff_reply(ticket, "Noted, Ann", staff(), status="solved")
    desk.rate(desk.survey_token(ticket), 4, "Ann was happy")
    signed_post(
        client, "/interactions/inbound/", chat(metadata={"instagram": "@ann"}), "application/json"
    )

    # when
    ingest(
        "customer_deleted",
        CustomerSnapshot(user_id=str(ann.pk), email=ann.email, updated_at=timezone.now()),
    )

    # then
    ticket.refresh_from_db()
    assert ticket.subject == "[erased]"
    assert ticket.requester_email.endswith("@erased.invalid")
    assert ticket.satisfaction_comment == ""
    assert set(ticket.messages.values_list("body", flat=True)) == {"<p>[erased]</p>"}
    interaction = Interaction.objects.get()
    assert (interaction.subject, interaction.metadata) == ("[erased]", {})
    assert (
        not TimelineEvent.objects.filter(object_type__in=["ticket", "interaction"])
        .exclude(data={})
        .exists()
    )
    assert ticket.satisfaction_rating == 4  # the figure stays, without identity


def test_closing_a_merged_duplicate_does_not_count_as_solved():
    first, duplicate = email_ticket("One"), email_ticket("Two")
    desk.merge(duplicate, first, staff())
    duplicate.refresh_from_db()
    assert duplicate.closed_at is not None
    assert duplicate.solved_at is None


def test_notifications_off_sends_nothing(on_commit):
    ticket = email_ticket()
    with on_commit(), desk.notifications_off():
        desk.staff_reply(ticket, "Quiet reply", staff(), status="solved")
    assert mail.outbox == []


TICKET_STATS = """
{
  crmTicketStats {
    openCount breachedCount byStatus { status count }
    volume(period: WEEK, last: 4) { periodStart opened solved }
    slaAttainment(period: WEEK, last: 4) { periodStart solved withinTarget rate }
  }
}
"""


def test_ticket_stats_for_charts():
    # given: one solved in time, one solved late, one open and breached
    SLAPolicy.objects.create(priority="normal", first_response_minutes=60, resolution_minutes=120)
    start = timezone.now() - timedelta(days=1)
    with freeze_time(start):
        on_time, late, _waiting = email_ticket("A"), email_ticket("B"), email_ticket("C")
    with freeze_time(start + timedelta(minutes=30)):
        desk.staff_reply(on_time, "Done", staff(), status="solved")
    with freeze_time(start + timedelta(hours=5)):
        desk.staff_reply(late, "Done", staff(), status="solved")

    # when
    stats = run(TICKET_STATS)["crmTicketStats"]

    # then
    assert (stats["openCount"], stats["breachedCount"]) == (1, 1)
    by_status = {row["status"]: row["count"] for row in stats["byStatus"]}
    assert len(by_status) == 6
    assert (by_status["SOLVED"], by_status["NEW"]) == (2, 1)
    assert sum(p["opened"] for p in stats["volume"]) == 3
    assert sum(p["solved"] for p in stats["volume"]) == 2
    attained = [p for p in stats["slaAttainment"] if p["solved"]]
    assert sum(p["solved"] for p in attained) == 2
    assert sum(p["withinTarget"] for p in attained) == 1
    assert all(p["rate"] is None for p in stats["slaAttainment"] if not p["solved"])
    assert len(stats["volume"]) == len(stats["slaAttainment"]) == 4


def test_ticket_stats_period_arguments_have_defaults():
    stats = run("{ crmTicketStats { volume { opened } slaAttainment { rate } } }")["crmTicketStats"]
    assert len(stats["volume"]) == len(stats["slaAttainment"]) == 12


@pytest.mark.parametrize(
    ("field", "value"),
    [("source", "s" * 65), ("externalId", "x" * 256), ("email", "no-at-sign")],
)
def test_inbound_interaction_refuses_what_it_cannot_store_whole(client, field, value):
    # given a signed interaction with a field the CRM cannot keep as sent
    body = chat(**{field: value})

    # when it is posted
    response = signed_post(client, "/interactions/inbound/", body, "application/json")

    # then it is a typed 400 on that field (never cut short), and nothing is stored
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["errors"][0]["code"] == "INVALID"
    assert not Interaction.objects.exists()


def test_ids_with_malformed_keys_are_typed_not_found_errors():
    # given IDs of the right type whose keys are not of the model's key type
    bad_ticket = to_global_id("Ticket", "not-a-uuid")
    email_ticket()

    # when they are used in a mutation and in the inbox filters
    reply = run(REPLY, {"id": bad_ticket, "body": "x"})["ticketReply"]
    inbox = [
        execute(TICKETS, requestor=STAFF, variables={"filter": {name: value}})
        for name, value in (
            ("customer", to_global_id("CustomerProfile", "nope")),
            ("assignee", to_global_id("User", "abc")),
        )
    ]

    # then the mutation gets a typed "not found" and the filters match nothing,
    # as for any ID that names nothing (before, the database refused the key)
    assert reply["errors"][0]["code"] == "NOT_FOUND"
    for result in inbox:
        assert result.errors is None
        assert result.data["tickets"]["totalCount"] == 0


@pytest.mark.django_db
def test_ticket_stats_refuse_a_boolean_period_count(gql):
    # graphene 2 lets a JSON true through an Int variable: it must not reach
    # the SQL as a boolean (the fuzz found "boolean - integer").
    query = (
        "query($l: Int!) { crmTicketStats { slaAttainment(period: MONTH, last: $l) { solved } } }"
    )
    data, errors = gql(query, {"l": True})
    assert data is None  # crmTicketStats is non-null: the error empties the response
    assert [error.message for error in errors] == ["Ask for 1 to 36 periods."]
