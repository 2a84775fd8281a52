"""Bad input gets a typed error and writes nothing; filters, money and enums
say exactly what they mean (issue 8, "Validation gaps").
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from graphql_relay import to_global_id

from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.currency import round_amount
from saleor_crm_plugin.graphql.profiles.enums import OrderStatusEnum
from saleor_crm_plugin.graphql.schema import execute, schema
from saleor_crm_plugin.interactions.services import (
    MAX_METADATA_BYTES,
    InteractionError,
    InteractionInput,
    log_interaction,
)
from saleor_crm_plugin.models import (
    CustomerProfile,
    Interaction,
    Ticket,
    TicketMessage,
    TimelineEvent,
)
from saleor_crm_plugin.text import PLAIN_TEXT
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.mail import receive_email
from saleor_crm_plugin.tickets.models import SLAPolicy
from saleor_crm_plugin.validation import MAX_BODY, MAX_FUTURE_SKEW
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id=None,
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)


def run(query, variables=None, requestor=STAFF):
    result = execute(query, requestor=requestor, variables=variables or {})
    assert result.errors is None, result.errors
    return result.data


def email_ticket(subject="Grinder broken", email="ann@example.com"):
    return desk.open_ticket(
        desk.NewTicket(subject=subject, body="It makes a noise.", email=email, channel="email"),
        desk.Author(kind="customer", name=email),
    )


# --- every filter honoured --------------------------------------------------------

TICKETS = """
query ($filter: TicketFilterInput) {
  tickets(first: 20, filter: $filter) { edges { node { number } } }
}
"""


def test_ticket_filters_false_selects_the_other_half(user_factory):
    # given
    SLAPolicy.objects.create(priority="normal", first_response_minutes=60, resolution_minutes=600)
    agent = user_factory("agent@shop.example", is_staff=True)
    with freeze_time(timezone.now() - timedelta(hours=3)):
        late = email_ticket("Late one")
    soon = email_ticket("Due soon", email="bob@example.com")
    assigned = email_ticket("Assigned", email="cid@example.com")
    desk.assign(assigned, agent.pk)

    def numbers(filter_):
        data = run(TICKETS, {"filter": filter_})
        return sorted(edge["node"]["number"] for edge in data["tickets"]["edges"])

    # when
    unassigned = numbers({"unassigned": True})
    assigned_only = numbers({"unassigned": False})
    either = numbers({"unassigned": None})
    not_due_soon = numbers({"dueSoon": False})

    # then
    assert unassigned == sorted([late.number, soon.number])
    assert assigned_only == [assigned.number]
    assert either == sorted([late.number, soon.number, assigned.number])
    assert not_due_soon == [late.number]


# --- a guest rates with the ticket's access token ---------------------------------

OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) { requiresConfirmation errors { field code } }
}
"""
GUEST_INPUT = {
    "email": "gus@example.com",
    "subject": "Decaf?",
    "body": "?",
    "redirectUrl": "https://shop.example/support",
}
GUEST_TICKET = """
query ($token: String!) { ticketByAccessToken(token: $token) { canRate } }
"""
RATE = """
mutation ($accessToken: String, $rating: Int!) {
  ticketRate(accessToken: $accessToken, rating: $rating, comment: "Fast.") {
    ticket { canRate satisfaction { rating comment } }
    errors { field code }
  }
}
"""


def test_guest_rates_a_solved_ticket_with_its_access_token():
    # given
    guest = Requestor.anonymous()
    run(OPEN, {"input": GUEST_INPUT}, guest)
    ticket = Ticket.objects.get()
    # What the emailed link carries (tests/test_guest_verification.py reads it from the mail).
    token = desk.access_token(ticket)
    desk.staff_reply(ticket, "Yes.", desk.Author(kind="staff", name="Sam"), status="solved")
    assert run(GUEST_TICKET, {"token": token}, guest)["ticketByAccessToken"]["canRate"]

    # when
    rated = run(RATE, {"accessToken": token, "rating": 5}, guest)["ticketRate"]
    forged = run(RATE, {"accessToken": token[:-2] + "xx", "rating": 1}, guest)["ticketRate"]

    # then
    assert rated["errors"] == []
    assert rated["ticket"]["satisfaction"] == {"rating": 5, "comment": "Fast."}
    assert forged["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == 5


def test_guest_cannot_rate_an_unsolved_ticket_with_its_access_token():
    # given
    guest = Requestor.anonymous()
    run(OPEN, {"input": GUEST_INPUT}, guest)

    # when
    refused = run(
        RATE, {"accessToken": desk.access_token(Ticket.objects.get()), "rating": 5}, guest
    )

    # then
    assert refused["ticketRate"]["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    assert Ticket.objects.get().satisfaction_rating is None


# --- interactions: real emails, sane dates, no truncation -------------------------

INTERACTION_CREATE = """
mutation ($input: InteractionCreateInput!) {
  interactionCreate(input: $input) {
    interaction { subject occurredAt customer { email } }
    errors { field code message }
  }
}
"""


def interaction(**overrides):
    return {
        "customerEmail": "ann@example.com",
        "channel": "PHONE",
        "direction": "INBOUND",
        "subject": "Called about beans",
        **overrides,
    }


def assert_nothing_written():
    assert not Interaction.objects.exists()
    assert not CustomerProfile.objects.exists()
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"customerEmail": "no-at-sign"}, "customerEmail"),
        ({"customerEmail": "ann@"}, "customerEmail"),
        ({"customerEmail": "a" * 250 + "@example.com"}, "customerEmail"),
        ({"customerEmail": '"ann"@example.com'}, "customerEmail"),
        ({"customerEmail": "ann@[192.0.2.1]"}, "customerEmail"),
        ({"occurredAt": "9999-01-01T00:00:00+00:00"}, "occurredAt"),
        ({"occurredAt": "1999-12-31T23:59:59+00:00"}, "occurredAt"),
        ({"occurredAt": "2026-01-01T10:00:00"}, "occurredAt"),
        ({"subject": "x" * 1_000_000}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"source": "s" * 65, "externalId": "1"}, "source"),
        ({"source": "pbx", "externalId": "e" * 256}, "externalId"),
    ],
    ids=[
        "no-at-sign",
        "no-domain",
        "too-long-email",
        "quoted-email",
        "ip-literal-email",
        "year-9999",
        "before-2000",
        "no-time-zone",
        "1mb-subject",
        "256-char-subject",
        "long-source",
        "long-external-id",
    ],
)
def test_interaction_create_refuses_bad_input_and_writes_nothing(overrides, field):
    # when
    data = run(INTERACTION_CREATE, {"input": interaction(**overrides)})["interactionCreate"]

    # then
    assert data["interaction"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, "INVALID")]
    assert_nothing_written()


def test_interaction_create_accepts_the_edges_of_the_ranges():
    # given
    tomorrow = timezone.now() + timedelta(hours=23)

    # when
    longest = run(
        INTERACTION_CREATE,
        {"input": interaction(customerEmail=" Ann@Example.COM ", subject="x" * 255)},
    )["interactionCreate"]
    earliest = run(
        INTERACTION_CREATE, {"input": interaction(occurredAt="2000-01-01T00:00:00+00:00")}
    )["interactionCreate"]
    ahead = run(INTERACTION_CREATE, {"input": interaction(occurredAt=tomorrow.isoformat())})[
        "interactionCreate"
    ]

    # then
    assert longest["errors"] == earliest["errors"] == ahead["errors"] == []
    assert longest["interaction"]["subject"] == "x" * 255
    assert longest["interaction"]["customer"]["email"] == "ann@example.com"
    assert Interaction.objects.count() == 3
    assert CustomerProfile.objects.get().email == "ann@example.com"


def test_log_interaction_refuses_out_of_range_times_from_any_caller():
    # given: what the signed inbound endpoint passes on
    data = InteractionInput(
        channel="chat",
        direction="inbound",
        email="ann@example.com",
        occurred_at=timezone.now() + MAX_FUTURE_SKEW + timedelta(minutes=1),
        source="livechat",
        external_id="conv-1",
    )

    # when
    with pytest.raises(InteractionError) as refused:
        log_interaction(data)

    # then
    assert (refused.value.field, refused.value.code) == ("occurredAt", "invalid")
    assert_nothing_written()


# --- tickets: length limits as typed errors ---------------------------------------

TICKET_CREATE = """
mutation ($input: TicketCreateInput!) {
  ticketCreate(input: $input) { ticket { subject } errors { field code message } }
}
"""
TICKET_UPDATE = """
mutation ($id: ID!, $input: TicketUpdateInput!) {
  ticketUpdate(id: $id, input: $input) { ticket { subject } errors { field code message } }
}
"""
TICKET_OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) { ticket { subject } errors { field code message } }
}
"""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "x" * 1_000_000}, "subject"),
        ({"customerEmail": "no-at-sign"}, "customerEmail"),
        ({"tags": ["t" * 101]}, "tags"),
    ],
    ids=["1mb-subject", "bad-email", "long-tag"],
)
def test_ticket_create_refuses_bad_input_and_writes_nothing(overrides, field):
    # given
    ticket_input = {
        "customerEmail": "ann@example.com",
        "subject": "Call",
        "body": "Hi",
        **overrides,
    }

    # when
    data = run(TICKET_CREATE, {"input": ticket_input})["ticketCreate"]

    # then
    assert data["ticket"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(field, "INVALID")]
    assert not Ticket.objects.exists()
    assert not CustomerProfile.objects.exists()


def test_guest_ticket_with_a_1mb_subject_is_refused():
    # when
    data = run(
        TICKET_OPEN,
        {"input": {**GUEST_INPUT, "subject": "x" * 1_000_000, "body": "Hi"}},
        Requestor.anonymous(),
    )["ticketOpen"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("subject", "INVALID")]
    assert "255" in data["errors"][0]["message"]
    assert not Ticket.objects.exists()
    assert not CustomerProfile.objects.exists()


def test_ticket_update_refuses_a_long_subject_and_keeps_the_old_one():
    # given
    ticket = email_ticket("Grinder broken")

    # when
    data = run(
        TICKET_UPDATE,
        {"id": to_global_id("Ticket", ticket.pk), "input": {"subject": "x" * 256, "tags": ["vip"]}},
    )["ticketUpdate"]

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("subject", "INVALID")]
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.tags) == ("Grinder broken", [])


def test_rating_with_a_long_comment_is_refused_and_not_stored():
    # given
    ticket = email_ticket()
    desk.staff_reply(ticket, "Done.", desk.Author(kind="staff", name="Sam"), status="solved")

    # when
    with pytest.raises(desk.TicketError) as refused:
        desk.rate(desk.survey_token(ticket), 5, "y" * (desk.MAX_COMMENT + 1))
    kept = desk.rate(desk.survey_token(ticket), 4, "y" * desk.MAX_COMMENT)

    # then
    assert (refused.value.field, refused.value.code) == ("comment", "invalid")
    assert kept.satisfaction_comment == "y" * desk.MAX_COMMENT
    assert TimelineEvent.objects.filter(type="ticket_rated").count() == 1


# --- messages and metadata: length limits as typed errors ---------------------------

MY_TICKET_REPLY = """
mutation ($token: String!, $body: String!) {
  myTicketReply(accessToken: $token, body: $body) { errors { field code message } }
}
"""
TICKET_REPLY = """
mutation ($id: ID!, $body: String!) {
  ticketReply(id: $id, input: {body: $body}) { errors { field code message } }
}
"""
TOO_LONG = "x" * (MAX_BODY + 1)


def guest_ticket():
    return desk.open_ticket(
        desk.NewTicket(subject="Decaf?", body="?", email="gus@example.com", verified=False),
        desk.Author(kind="customer", name="gus@example.com"),
    )


@pytest.mark.parametrize(
    "send",
    [
        lambda: run(
            TICKET_OPEN, {"input": {**GUEST_INPUT, "body": TOO_LONG}}, Requestor.anonymous()
        )["ticketOpen"],
        lambda: run(
            MY_TICKET_REPLY,
            {"token": desk.access_token(guest_ticket()), "body": TOO_LONG},
            Requestor.anonymous(),
        )["myTicketReply"],
        lambda: run(
            TICKET_REPLY, {"id": to_global_id("Ticket", guest_ticket().pk), "body": TOO_LONG}
        )["ticketReply"],
        lambda: run(INTERACTION_CREATE, {"input": interaction(body=TOO_LONG)})["interactionCreate"],
        lambda: run(
            INTERACTION_CREATE,
            {"input": interaction(body="<p>" + "x" * MAX_BODY + "</p><script>x</script>")},
        )["interactionCreate"],
    ],
    ids=["ticket-open", "my-ticket-reply", "staff-reply", "interaction", "interaction-html"],
)
def test_a_message_over_the_limit_is_refused_and_not_stored(send):
    # when
    data = send()
    messages = TicketMessage.objects.count()

    # then
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("body", "INVALID")]
    assert data["errors"][0]["message"] == "Use at most 50,000 characters."
    assert messages == Ticket.objects.count()  # only the opening messages of given tickets
    assert not Interaction.objects.exists()


def test_a_message_of_the_limit_is_stored_whole():
    # when
    data = run(
        TICKET_OPEN, {"input": {**GUEST_INPUT, "body": "x" * MAX_BODY}}, Requestor.anonymous()
    )["ticketOpen"]

    # then
    assert data["errors"] == []
    assert TicketMessage.objects.get().body == "<p>" + "x" * MAX_BODY + "</p>"


def test_inbound_email_over_the_limit_is_refused():
    raw = (
        "From: ann@example.com\r\nTo: support@shop.example\r\nSubject: Long\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + TOO_LONG + "\r\n"
    ).encode()
    with pytest.raises(desk.TicketError) as refused:
        receive_email(raw)
    assert (refused.value.field, refused.value.code) == ("body", "invalid")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("metadata", "refused"),
    [
        ({"note": "x" * (MAX_METADATA_BYTES - 11)}, False),  # {"note":"…"} is 11 bytes more
        ({"note": "x" * (MAX_METADATA_BYTES - 10)}, True),
        ({"note": "é" * (MAX_METADATA_BYTES // 2)}, True),  # bytes of UTF-8, not characters
    ],
    ids=["at-the-limit", "one-byte-over", "multi-byte-characters"],
)
def test_interaction_metadata_over_the_limit_is_refused(metadata, refused):
    # when
    data = run(INTERACTION_CREATE, {"input": interaction(metadata=metadata)})["interactionCreate"]

    # then
    if refused:
        assert [(e["field"], e["code"]) for e in data["errors"]] == [("metadata", "INVALID")]
        assert "10,000 bytes" in data["errors"][0]["message"]
        assert_nothing_written()
    else:
        assert data["errors"] == []
        assert Interaction.objects.get().metadata == metadata


def test_inbound_email_with_an_overlong_subject_opens_a_ticket_shortened_visibly():
    # given
    raw = (
        f"From: {'N' * 300} <ann@example.com>\r\nTo: support@shop.example\r\n"
        f"Subject: {'Where is my order ' * 30}\r\nMessage-ID: <long@mail.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nStill waiting.\r\n"
    ).encode()

    # when
    result = receive_email(raw)

    # then
    subject = result.ticket.subject
    assert len(subject) <= desk.MAX_SUBJECT
    assert subject.startswith("Where is my order")
    assert subject.endswith("…")
    assert result.message.author_name.endswith("…")


# --- money in the currency's precision --------------------------------------------

PROFILE_MONEY = """
query ($email: String) {
  customerProfile(email: $email) {
    totalSpent { amount currency }
    averageOrderValue { amount currency }
    spendByCurrency { currency totalSpent { amount } averageOrderValue { amount } }
    orders(first: 10) { edges { node { number total { amount currency } } } }
  }
}
"""


def test_money_is_rounded_half_up_to_the_currency_precision():
    # given
    now = timezone.now()
    for number, total, currency in (
        ("1", "1346.047", "USD"),
        ("2", "10.000", "USD"),
        ("3", "1346.500", "JPY"),
        ("4", "2.125", "KWD"),
    ):
        ingest(
            "order_created",
            f.order(
                f"order-{number}",
                total=total,
                currency=currency,
                created_at=now - timedelta(days=int(number)),
            ),
        )
    recompute_all_profiles()

    # when
    profile = run(PROFILE_MONEY, {"email": "ann@example.com"})["customerProfile"]

    # then
    totals = {edge["node"]["number"]: edge["node"]["total"] for edge in profile["orders"]["edges"]}
    assert totals == {
        "1": {"amount": 1346.05, "currency": "USD"},
        "2": {"amount": 10.0, "currency": "USD"},
        "3": {"amount": 1347.0, "currency": "JPY"},
        "4": {"amount": 2.125, "currency": "KWD"},
    }
    assert profile["totalSpent"] == {"amount": 1356.05, "currency": "USD"}
    assert profile["averageOrderValue"] == {"amount": 678.02, "currency": "USD"}
    assert profile["spendByCurrency"] == [
        {
            "currency": "JPY",
            "totalSpent": {"amount": 1347.0},
            "averageOrderValue": {"amount": 1347.0},
        },
        {
            "currency": "KWD",
            "totalSpent": {"amount": 2.125},
            "averageOrderValue": {"amount": 2.125},
        },
        {
            "currency": "USD",
            "totalSpent": {"amount": 1356.05},
            "averageOrderValue": {"amount": 678.02},
        },
    ]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1346.047", "USD", "1346.05"),
        ("0.005", "EUR", "0.01"),
        ("0.004", "eur", "0.00"),
        ("1346.5", "JPY", "1347"),
        ("999.4", "KRW", "999"),
        ("1.0005", "KWD", "1.001"),
        ("1.00005", "CLF", "1.0001"),
        (1346.045, "USD", "1346.05"),
        ("7", "XXX", "7.00"),
    ],
)
def test_round_amount_uses_iso_4217_minor_units(amount, currency, expected):
    assert str(round_amount(amount, currency)) == expected


# --- order status is an enum --------------------------------------------------------

ORDER_STATUSES = """
query ($email: String) {
  customerProfile(email: $email) { orders(first: 20) { edges { node { number status } } } }
}
"""


def test_order_status_is_saleors_order_status_enum():
    # given
    statuses = [member.value for member in OrderStatusEnum._meta.enum]
    for number, status in enumerate(statuses, start=1):
        ingest("order_created", f.order(f"order-{number}", status=status))

    # when
    profile = run(ORDER_STATUSES, {"email": "ann@example.com"})["customerProfile"]

    # then
    returned = {
        edge["node"]["number"]: edge["node"]["status"] for edge in profile["orders"]["edges"]
    }
    assert returned == {
        str(n): status.upper().replace(" ", "_") for n, status in enumerate(statuses, start=1)
    }
    assert set(returned.values()) == {
        "DRAFT",
        "UNCONFIRMED",
        "UNFULFILLED",
        "PARTIALLY_FULFILLED",
        "PARTIALLY_RETURNED",
        "RETURNED",
        "FULFILLED",
        "CANCELED",
        "EXPIRED",
    }


CHARGE_STATUSES = """
query ($email: String) {
  customerProfile(email: $email) { orders(first: 20) { edges { node { number chargeStatus } } } }
}
"""


def test_order_charge_status_is_an_enum_and_null_when_unknown():
    # given
    for number, charge_status in enumerate(("none", "partial", "full", "overcharged", ""), 1):
        ingest("order_created", f.order(f"order-{number}", charge_status=charge_status))

    # when
    profile = run(CHARGE_STATUSES, {"email": "ann@example.com"})["customerProfile"]

    # then
    returned = {e["node"]["number"]: e["node"]["chargeStatus"] for e in profile["orders"]["edges"]}
    assert returned == {"1": "NONE", "2": "PARTIAL", "3": "FULL", "4": "OVERCHARGED", "5": None}


# --- plain-text fields say so -------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "field"),
    [
        ("Ticket", "subject"),
        ("Ticket", "tags"),
        ("CustomerTicket", "subject"),
        ("TicketMessage", "authorName"),
        ("CustomerTicketMessage", "authorName"),
        ("TicketSatisfaction", "comment"),
        ("Interaction", "subject"),
        ("Interaction", "authorName"),
        ("Interaction", "metadata"),
        ("CustomerProfile", "tags"),
        ("CustomerProfile", "note"),
        ("TicketCreateInput", "subject"),
        ("TicketOpenInput", "subject"),
        ("TicketUpdateInput", "subject"),
        ("InteractionCreateInput", "subject"),
        ("InteractionCreateInput", "metadata"),
        ("CustomerProfileUpdateInput", "note"),
    ],
)
def test_plain_text_fields_are_documented_as_such(type_name, field):
    graphql_type = schema.get_type(type_name)
    assert PLAIN_TEXT in graphql_type.fields[field].description
