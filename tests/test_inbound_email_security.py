"""Inbound email posts into a ticket only from its requester or a participant
(anyone else's mail opens a new ticket flagged for staff), and the inbound
endpoints accept a previous secret next to the current one during a rotation.
"""

import json
import logging

import pytest
from django.core.exceptions import ValidationError
from graphql_relay import to_global_id

from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.models import CustomerProfile, Interaction, Ticket
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.mail import participants, reply_address

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-mail-relay"
NEW_SECRET = "n3w-secret-after-the-rotation-2026"
ROUTE = "/plugins/global/saleor.crm"
TICKET = """
query ($id: ID!) {
  ticket(id: $id) { number subject requesterEmail fromUnknownSender senderRepliedTo }
}
"""


@pytest.fixture(autouse=True)
def desk_config():
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)


def email_ticket(email="ann@example.com"):
    ticket = desk.open_ticket(
        desk.NewTicket(
            subject="Grinder broken", body="It makes a noise.", email=email, channel="email"
        ),
        desk.Author(kind="customer", name=email),
    )
    desk.staff_reply(ticket, "Which model?", desk.Author(kind="staff", name="Sam"))
    return ticket


def rfc822(sender, to, subject="Re: Grinder broken", message_id="<m1@mail.example>"):
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe Mignon.\r\n"
    ).encode()


def post_email(client, raw, secret=SECRET):
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(secret, raw).items()}
    return client.post(
        f"{ROUTE}/tickets/inbound-email/", raw, content_type="message/rfc822", **headers
    )


def staff_view(gql, ticket):
    data, errors = gql(TICKET, {"id": to_global_id("Ticket", ticket.pk)})
    assert errors is None, errors
    return data["ticket"]


# --- who may post into a ticket ------------------------------------------------


def test_mail_from_someone_else_opens_a_flagged_ticket_instead_of_posting(client, gql):
    # given: Ann's ticket; Bob was on CC of the reply and answers it
    ticket = email_ticket()
    raw = rfc822(
        "Bob Cc <bob@example.com>",
        reply_address(ticket),
        subject=f"Re: Grinder broken [#{ticket.number}] [ref:{ticket.reply_token}]",
    )

    # when
    response = post_email(client, raw)
    again = post_email(client, raw)

    # then: nothing was posted as Ann
    assert response.status_code == 201
    assert response.json()["createdTicket"] is True
    assert response.json()["fromUnknownSender"] is True
    assert again.json()["duplicate"] is True
    ticket.refresh_from_db()
    assert ticket.messages.count() == 2
    assert ticket.from_unknown_sender is False
    flagged = Ticket.objects.exclude(pk=ticket.pk).get()
    assert flagged.messages.get().body == "<p>The Mignon.</p>"
    # staff see the flag and the ticket the mail answered
    assert staff_view(gql, flagged) == {
        "number": flagged.number,
        "subject": f"Re: Grinder broken [#{ticket.number}]",  # the other ticket's ref removed
        "requesterEmail": "bob@example.com",
        "fromUnknownSender": True,
        "senderRepliedTo": to_global_id("Ticket", ticket.pk),
    }
    original = staff_view(gql, ticket)
    assert (original["fromUnknownSender"], original["senderRepliedTo"]) == (False, None)


def test_the_requester_posts_whatever_the_case_of_the_address(client):
    ticket = email_ticket()
    response = post_email(client, rfc822("Ann Lee <ANN@Example.com>", reply_address(ticket)))
    assert response.status_code == 200
    assert response.json()["fromUnknownSender"] is False
    assert ticket.messages.count() == 3
    assert Ticket.objects.count() == 1


def test_the_customers_current_address_and_merged_requesters_are_participants(client):
    # given: Ann wrote from her old address, then changed it and wrote again
    old = email_ticket("ann@example.com")
    CustomerProfile.objects.filter(pk=old.profile_id).update(email="ann.lee@example.com")
    new = email_ticket("ann.lee@example.com")
    assert new.profile_id == old.profile_id
    desk.merge(old, new, desk.Author(kind="staff", name="Sam"))
    new.refresh_from_db()
    old.refresh_from_db()

    # then
    assert participants(new) == {"ann.lee@example.com", "ann@example.com"}
    assert participants(old) == {"ann.lee@example.com", "ann@example.com"}
    before = new.messages.count()
    response = post_email(client, rfc822("ann@example.com", reply_address(new)))
    assert response.status_code == 200
    assert new.messages.count() == before + 1
    assert not Ticket.objects.filter(from_unknown_sender=True).exists()


def test_new_mail_from_anyone_opens_an_ordinary_ticket(client):
    email_ticket()
    response = post_email(
        client,
        rfc822(
            "bob@example.com", "support@shop.example", subject="Fwd: Grinder", message_id="<f@x>"
        ),
    )
    assert response.status_code == 201
    assert response.json()["fromUnknownSender"] is False
    assert not Ticket.objects.filter(from_unknown_sender=True).exists()


# --- two secrets during a rotation ---------------------------------------------


def test_a_rotation_accepts_both_secrets_until_the_previous_one_is_cleared(client, caplog):
    # given: the relay still signs with the old secret
    caplog.set_level(logging.INFO, logger="saleor_crm_plugin.http.inbound")
    ticket = email_ticket()

    def send(secret, n):
        raw = rfc822("ann@example.com", reply_address(ticket), message_id=f"<r{n}@x>")
        return post_email(client, raw, secret).status_code

    # when: a new secret, the old one kept as the previous
    update_configuration(inbound_secret=NEW_SECRET, inbound_secret_previous=SECRET)
    during = [send(NEW_SECRET, 1), send(SECRET, 2), send("x" * 30, 3)]
    previous_logged = [r.message for r in caplog.records if "previous inbound secret" in r.message]
    # and once every sender has switched
    update_configuration(inbound_secret_previous="")
    after = [send(NEW_SECRET, 4), send(SECRET, 5)]

    # then
    assert during == [200, 200, 401]
    assert previous_logged == [
        "Inbound request to /plugins/global/saleor.crm/tickets/inbound-email/ signed with "
        "the previous inbound secret"
    ]
    assert after == [200, 401]
    assert ticket.messages.count() == 2 + 3


def test_the_previous_secret_is_checked_like_the_current_one():
    with pytest.raises(ValidationError) as refused:
        update_configuration(inbound_secret_previous="too-short")
    assert refused.value.message_dict == {
        "inbound_secret_previous": ["Use at least 24 characters."]
    }


def test_an_interaction_signed_with_the_previous_secret_is_stored(client):
    update_configuration(inbound_secret=NEW_SECRET, inbound_secret_previous=SECRET)
    body = (
        b'{"channel": "chat", "email": "ann@example.com", "body": "Hi", '
        b'"source": "livechat", "externalId": "conv-1"}'
    )
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, body).items()}
    response = client.post(
        f"{ROUTE}/interactions/inbound/", body, content_type="application/json", **headers
    )
    assert response.status_code == 201


def test_staff_see_the_flag_only_through_the_staff_api(gql):
    # the storefront's ticket type has no such field: a customer never learns of it
    _, errors = gql(
        "{ myTickets(first: 1) { edges { node { fromUnknownSender } } } }", as_="customer"
    )
    assert "Cannot query field" in str(errors[0])


# --- malformed signature headers: 401, never a 500 -------------------------------


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١٧٠٠٠٠٠٠٠٠", None),  # Arabic-Indic digits: int() reads them
        ("1" * 400, None),  # int() reads it; time.time() - it overflows
        ("1" * 5000, None),  # past int()'s digit limit
        (None, "sha256=é"),  # compare_digest refuses a non-ASCII str
        (None, "sha256=" + "0" * 63),
        (None, "sha256=" + "A" * 64),
        (None, "sha256=" + "0" * 64 + "\n"),
    ],
    ids=[
        "superscript-digit",
        "arabic-indic-digits",
        "400-digits",
        "5000-digits",
        "non-ascii-signature",
        "short-signature",
        "upper-case-signature",
        "trailing-newline",
    ],
)
def test_malformed_signature_headers_are_refused_as_unsigned(client, timestamp, signature):
    # given: otherwise correctly signed
    body = (
        b'{"channel": "chat", "email": "ann@example.com", "body": "Hi", '
        b'"source": "livechat", "externalId": "conv-1"}'
    )
    headers = sign(SECRET, body)
    headers["X-CRM-Timestamp"] = timestamp or headers["X-CRM-Timestamp"]
    headers["X-CRM-Signature"] = signature or headers["X-CRM-Signature"]

    # when
    response = client.post(
        f"{ROUTE}/interactions/inbound/",
        body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )

    # then
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "field": None,
                "code": "INVALID_SIGNATURE",
                "message": "Sign the request (X-CRM-Signature).",
            }
        ]
    }
    assert not Interaction.objects.exists()


# --- malformed or ambiguous From: refused, never a 500 or a guess -------------------


@pytest.mark.parametrize(
    ("header", "value", "field"),
    [
        ("From", b'a@[b"a"@', "from"),  # the parser raises AttributeError
        ("From", b'=?utf-8?b?\xe9,"a"@', "from"),  # ... and IndexError
        ("To", b'a@[b"a"@', "to"),
        ("Cc", b'=?utf-8?b?\xe9,"a"@', "cc"),
    ],
    ids=["from-attribute-error", "from-index-error", "to-attribute-error", "cc-index-error"],
)
def test_an_address_header_python_cannot_parse_is_refused(client, header, value, field):
    # given
    headers = {b"From": b"ann@example.com", b"To": b"support@shop.example", b"Cc": b""}
    headers[header.encode()] = value
    raw = (
        b"".join(name + b": " + text + b"\r\n" for name, text in headers.items())
        + b"Subject: Help\r\nMessage-ID: <m1@mail.example>\r\n\r\nHi\r\n"
    )

    # when
    response = post_email(client, raw)

    # then: refused once and for all (a 500 makes the relay send it again)
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, "INVALID")]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "sender",
    [
        "ann@example.com <mallory@evil.example>",  # Python reads ann@example.com
        "ann@example.com, mallory@evil.example",  # Python took the first
        "Mallory <mallory@evil.example>, Ann <ann@example.com>",
    ],
    ids=["address-as-display-name", "two-addresses", "two-named-addresses"],
)
def test_mail_from_more_or_other_than_one_address_posts_nothing(client, sender):
    # given: Ann's ticket; mallory names Ann in From
    ticket = email_ticket()

    # when
    response = post_email(client, rfc822(sender, reply_address(ticket)))

    # then
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("from", "INVALID")]
    assert ticket.messages.count() == 2
    assert Ticket.objects.count() == 1


def test_two_from_headers_post_nothing(client):
    ticket = email_ticket()
    raw = rfc822("mallory@evil.example", reply_address(ticket)).replace(
        b"From:", b"From: ann@example.com\r\nFrom:", 1
    )
    response = post_email(client, raw)
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("from", "INVALID")]
    assert ticket.messages.count() == 2


def test_a_display_name_with_a_full_stop_still_posts(client):
    # "Ann B. Lee" is obsolete syntax (a defect Python notes), not an invalid header.
    ticket = email_ticket()
    response = post_email(client, rfc822("Ann B. Lee <ann@example.com>", reply_address(ticket)))
    assert response.status_code == 200
    assert ticket.messages.count() == 3
    assert ticket.messages.order_by("created_at").last().author_name == "Ann B. Lee"


def test_a_charset_python_does_not_know_is_read_as_utf8(client):
    raw = rfc822("ann@example.com", "support@shop.example").replace(
        b"charset=utf-8", b"charset=x-unknown"
    )
    response = post_email(client, raw)
    assert response.status_code == 201
    assert Ticket.objects.get().messages.get().body == "<p>The Mignon.</p>"


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2024-02-30T10:00:00+00:00",
        "2024-13-01T10:00:00+00:00",
        "2024-02-01T25:00:00+00:00",
        "2024-02-01T10:00:00+99:00",
    ],
    ids=["february-30", "month-13", "hour-25", "offset-99-hours"],
)
def test_an_inbound_interaction_at_a_time_that_does_not_exist_is_refused(client, occurred_at):
    # given: ISO 8601 in form, but no such date, hour or offset
    body = json.dumps(
        {
            "channel": "chat",
            "email": "ann@example.com",
            "body": "Hi",
            "source": "livechat",
            "externalId": "conv-1",
            "occurredAt": occurred_at,
        }
    ).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, body).items()}

    # when
    response = client.post(
        f"{ROUTE}/interactions/inbound/", body, content_type="application/json", **headers
    )

    # then
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("occurredAt", "INVALID")
    ]
    assert not Interaction.objects.exists()
