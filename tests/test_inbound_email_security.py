"""Inbound email posts into a ticket only from its requester or a participant
(anyone else's mail opens a new ticket flagged for staff), and the inbound
endpoints accept a previous secret next to the current one during a rotation.
"""

import logging

import pytest
from django.core.exceptions import ValidationError
from graphql_relay import to_global_id

from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.models import CustomerProfile, Ticket
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
