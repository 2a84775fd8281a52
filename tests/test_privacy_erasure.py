"""Erasure reaches everything: the event log (pending, processed and failed
events) and the copies of mail, and nothing of the person is left in any of
the CRM's tables, while the pipeline keeps working on the scrubbed events."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.ingestion.services import (
    process_event,
    process_pending_events,
    record_event,
)
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.models import (
    CheckoutFact,
    CustomerProfile,
    InboundEvent,
    Interaction,
    OrderFact,
    Ticket,
    TicketMessage,
)
from saleor_crm_plugin.privacy.scrub import erased_key, scrub_erased_events
from saleor_crm_plugin.snapshots import AddressSnapshot, CustomerSnapshot
from saleor_crm_plugin.tickets import mail
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.error_codes import TicketErrorCode
from saleor_crm_plugin.tickets.mail import receive_email, reply_address
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

EMAIL = "zebulon.q@example.com"
# Everything that names the person somewhere: email, names, city, phone,
# the mail host in their Message-IDs, the chat tool's conversation ID.
TRACES = (
    "zebulon",
    "quibbleworth",
    "quiddington",
    "48123456789",
    "zq-home.example",
    "conv-zq-7",
)
ADDRESS = AddressSnapshot(
    country="PL",
    city="Quiddington",
    first_name="Zebulon",
    last_name="Quibbleworth",
    phone="+48123456789",
)


def crm_rows_mentioning(*needles: str) -> dict[str, int]:
    """{table: rows} of every CRM table whose rows contain a needle anywhere
    (every column, JSON and arrays included: the row as text).
    """
    tables = sorted(
        {model._meta.db_table for model in apps.get_app_config("saleor_crm").get_models()}
    )
    assert len(tables) >= 14
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS t WHERE '
                + " OR ".join(["t::text ILIKE %s"] * len(needles)),
                [f"%{needle}%" for needle in needles],
            )
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def inbound(subject, body, *, message_id, to="support@shop.example"):
    return (
        f"From: Zebulon Quibbleworth <{EMAIL}>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def deletion(user, at):
    return CustomerSnapshot(
        user_id=str(user.pk),
        email=EMAIL,
        updated_at=at,
        first_name="Zebulon",
        last_name="Quibbleworth",
        default_shipping_address=ADDRESS,
    )


@pytest.fixture
def zebulon(user_factory):
    return user_factory(EMAIL, first_name="Zebulon", last_name="Quibbleworth")


@pytest.fixture
def history(zebulon, ann):
    """Zebulon's life in the CRM, and Ann's beside it."""
    update_configuration(support_email="support@shop.example")
    t0 = timezone.now() - timedelta(days=5)
    ingest(
        "customer_created",
        f.customer(zebulon, updated_at=t0, default_shipping_address=ADDRESS),
    )
    ingest("checkout_created", f.checkout("zq-cart", email=EMAIL, created_at=t0))
    ingest(
        "order_created",
        f.order(
            "zq-order",
            email=EMAIL,
            total="40.00",
            created_at=t0 + timedelta(hours=1),
            shipping_address=ADDRESS,
            billing_address=ADDRESS,
        ),
    )
    ingest("customer_created", f.customer(ann, updated_at=t0))
    ingest("order_created", f.order("ann-order", created_at=t0 + timedelta(hours=2)))
    CustomerProfile.objects.filter(email=EMAIL).update(
        tags=["zebulon-vip"], note="Zebulon prefers decaf"
    )
    # Mail in (a new ticket, then a reply to ours) and out.
    opened = receive_email(
        inbound("Grinder", "Hi, Zebulon here.", message_id="<a1@zq-home.example>")
    )
    ticket = opened.ticket
    desk.staff_reply(ticket, "<p>Dear Zebulon, which model?</p>", desk.Author(kind="staff"))
    receive_email(
        inbound(
            "Re: Grinder",
            "The Mignon. Zebulon",
            message_id="<a2@zq-home.example>",
            to=reply_address(ticket),
        )
    )
    TicketMessage.objects.filter(ticket=ticket, kind="reply", author_kind="staff").update(
        email_message_id="<staff-1@shop.example>", emailed_at=timezone.now()
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        satisfaction_rating=2, satisfaction_comment="Zebulon was unhappy", tags=["zebulon"]
    )
    log_interaction(
        InteractionInput(
            channel="chat",
            direction="inbound",
            email=EMAIL,
            subject="Chat with Zebulon",
            body="Zebulon Quibbleworth asks about shipping",
            source="livechat",
            external_id="conv-zq-7",
            metadata={"visitor": "Zebulon"},
            author_name="Zebulon",
        )
    )
    # A failed event, its error naming the person, and one still pending.
    failed = record_event(
        "checkout_updated",
        f.checkout("zq-cart-2", email=EMAIL, created_at=t0 + timedelta(days=1)),
        dispatch=False,
    )
    InboundEvent.objects.filter(pk=failed.pk).update(
        status="failed",
        attempts=8,
        last_error=f"IntegrityError: Key (email)=({EMAIL}) of Zebulon Quibbleworth",
    )
    pending = record_event(
        "checkout_updated",
        f.checkout(
            "zq-cart", email=EMAIL, created_at=t0, last_change=t0 + timedelta(days=2), quantity=3
        ),
        dispatch=False,
    )
    return {"ticket": ticket, "failed": failed, "pending": pending, "t0": t0}


def test_nothing_of_the_person_is_left_in_any_crm_table(history, zebulon):
    # given
    assert set(crm_rows_mentioning(*TRACES)) >= {
        "saleor_crm_customerprofile",
        "saleor_crm_orderfact",
        "saleor_crm_checkoutfact",
        "saleor_crm_inboundevent",
        "saleor_crm_ticket",
        "saleor_crm_ticketmessage",
        "saleor_crm_interaction",
        "saleor_crm_timelineevent",
    }

    # when
    ingest("customer_deleted", deletion(zebulon, timezone.now()))

    # then
    assert crm_rows_mentioning(*TRACES) == {}
    # Ann is untouched: only Zebulon's events and mail were scrubbed.
    assert crm_rows_mentioning("ann@example.com")["saleor_crm_inboundevent"] == 2
    assert CustomerProfile.objects.get(email="ann@example.com").orders_count == 1
    # The figures stay.
    erased = CustomerProfile.objects.get(erased_at__isnull=False)
    assert (erased.orders_count, erased.total_spent) == (1, Decimal("40.000"))


def test_scrubbed_events_keep_shape_dedupe_keys_and_idempotency(history, zebulon):
    # given
    keys = dict(InboundEvent.objects.values_list("pk", "dedupe_key"))
    cart = f.checkout(
        "zq-cart",
        email=EMAIL,
        created_at=history["t0"],
        last_change=history["t0"] + timedelta(days=2),
        quantity=3,
    )

    # when
    erasure = ingest("customer_deleted", deletion(zebulon, timezone.now()))
    again = record_event("checkout_updated", cart, dispatch=False)

    # then: the same event recorded again is still the one row
    assert again.pk == history["pending"].pk
    after = dict(InboundEvent.objects.values_list("pk", "dedupe_key"))
    assert after == {**keys, erasure.pk: erasure.dedupe_key}
    placeholder = CustomerProfile.objects.get(erased_at__isnull=False).email
    payload = InboundEvent.objects.get(pk=history["pending"].pk).payload
    assert payload["email"] == placeholder
    assert payload["token"] == "zq-cart"
    assert payload["lines"][0]["quantity"] == 3
    order = InboundEvent.objects.get(object_id="zq-order").payload
    assert order["shipping_address"] == {"country": "PL"}
    assert order["user_id"] is None
    failed = InboundEvent.objects.get(pk=history["failed"].pk)
    assert failed.last_error == "IntegrityError: Key (email)=([erased]) of [erased] [erased]"


def test_pending_and_replayed_events_of_the_person_process_into_the_anonymised_profile(
    history, zebulon
):
    # given
    ingest("customer_deleted", deletion(zebulon, timezone.now()))
    erased = CustomerProfile.objects.get(erased_at__isnull=False)

    # when: the pending event is processed, the failed one replayed, then the
    # whole log processed again (a redelivery)
    pending = process_pending_events()
    replayed = process_pending_events(include_failed=True)
    InboundEvent.objects.update(status="pending")
    again = process_pending_events()

    # then
    assert pending == {"processed": 1, "failed": 0, "skipped": 0}
    assert replayed["failed"] == 0
    assert again["failed"] == 0
    carts = CheckoutFact.objects.filter(token__startswith="zq-cart")
    assert {(c.token, c.profile_id, c.email, c.quantity) for c in carts} == {
        ("zq-cart", erased.pk, "", 3),
        ("zq-cart-2", erased.pk, "", 1),
    }
    assert OrderFact.objects.get(pk="zq-order").profile_id == erased.pk
    assert CustomerProfile.objects.filter(email__icontains="zebulon").count() == 0
    erased.refresh_from_db()
    assert erased.is_erased
    assert erased.first_name == ""
    assert erased.orders_count == 1
    assert crm_rows_mentioning(*TRACES) == {}


def test_mail_delivered_again_after_erasure_is_still_stored_once(history, zebulon):
    # given
    ticket = history["ticket"]
    old_reply_address = reply_address(ticket)
    ingest("customer_deleted", deletion(zebulon, timezone.now()))
    messages = TicketMessage.objects.count()

    # when: the relay delivers the customer's first mail again
    again = receive_email(
        inbound("Grinder", "Hi, Zebulon here.", message_id="<a1@zq-home.example>")
    )

    # then
    assert again.duplicate
    assert TicketMessage.objects.count() == messages
    assert TicketMessage.objects.filter(
        email_message_id=erased_key("<a1@zq-home.example>")
    ).exists()
    # The old reply address names no ticket any more.
    with pytest.raises(desk.TicketError) as refused:
        receive_email(
            inbound(
                "Re: Grinder", "Me again", message_id="<a3@zq-home.example>", to=old_reply_address
            )
        )
    assert refused.value.code == TicketErrorCode.NOT_FOUND.value
    assert crm_rows_mentioning(*TRACES) == {}


def test_interaction_sent_again_or_late_after_erasure_brings_nothing_back(history, zebulon):
    # given
    ingest("customer_deleted", deletion(zebulon, timezone.now()))
    before = Interaction.objects.count()

    # when: the chat tool re-sends the conversation, and sends an older one late
    same, created = log_interaction(
        InteractionInput(
            channel="chat",
            direction="inbound",
            email=EMAIL,
            body="Zebulon Quibbleworth asks about shipping",
            source="livechat",
            external_id="conv-zq-7",
        )
    )
    late, late_created = log_interaction(
        InteractionInput(
            channel="chat",
            direction="inbound",
            email=EMAIL,
            subject="Zebulon's earlier chat",
            body="Zebulon again",
            source="livechat",
            external_id="conv-zq-3",
            occurred_at=history["t0"],
            metadata={"visitor": "Zebulon"},
        )
    )

    # then
    assert not created
    assert Interaction.objects.count() == before + 1
    assert late_created
    assert late.profile.is_erased
    assert (late.subject, late.metadata) == ("[erased]", {})
    assert crm_rows_mentioning(*TRACES) == {}


def test_sweeper_scrubs_late_events_and_leaves_a_new_account_with_the_same_email(history, zebulon):
    # given: erased; then an old order's update arrives late, with its snapshot
    erased_at = timezone.now()
    ingest("customer_deleted", deletion(zebulon, erased_at))
    ingest(
        "order_updated",
        f.order(
            "zq-order",
            email=EMAIL,
            total="40.00",
            created_at=history["t0"] + timedelta(hours=1),
            updated_at=erased_at + timedelta(minutes=1),
            shipping_address=ADDRESS,
        ),
    )
    # ... and the person comes back later with a new account, same email
    comeback = erased_at + timedelta(hours=1)
    ingest(
        "customer_created",
        CustomerSnapshot(
            user_id="9999", email=EMAIL, updated_at=comeback, first_name="Zeb", date_joined=comeback
        ),
    )
    assert crm_rows_mentioning("quiddington") == {"saleor_crm_inboundevent": 1}

    # when
    changed = scrub_erased_events()

    # then: the late event is scrubbed; the new account's data is its own
    assert changed == 1
    assert crm_rows_mentioning("quiddington", "quibbleworth") == {}
    assert crm_rows_mentioning(EMAIL) == {
        "saleor_crm_customerprofile": 1,
        "saleor_crm_inboundevent": 1,
    }
    assert scrub_erased_events() == 0


def test_erasure_of_a_person_known_only_by_unattached_tickets(user_factory):
    # given: a guest's ticket (whether or not it is attached to a profile)
    ticket = desk.open_ticket(
        desk.NewTicket(subject="Zebulon's parcel", body="Zebulon here", email=EMAIL),
        desk.Author(kind="customer", name="Zebulon Quibbleworth"),
    )

    # when
    event = record_event(
        "customer_deleted",
        CustomerSnapshot(user_id="4242", email=EMAIL, updated_at=timezone.now()),
        dispatch=False,
    )
    process_event(event.pk)

    # then
    ticket.refresh_from_db()
    assert ticket.subject == "[erased]"
    assert crm_rows_mentioning(*TRACES) == {}


def test_after_erasure_nothing_is_mailed_to_the_person_and_their_links_end(
    history, zebulon, mailoutbox
):
    # given: a survey link Zebulon was sent before asking to be forgotten
    ticket = history["ticket"]
    survey = desk.survey_token(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(satisfaction_rating=None, rated_at=None)
    undelivered = TicketMessage.objects.filter(ticket=ticket).first()
    TicketMessage.objects.filter(pk=undelivered.pk).update(
        kind="reply", author_kind="staff", emailed_at=None
    )
    ingest("customer_deleted", deletion(zebulon, timezone.now()))
    ticket.refresh_from_db()
    mailoutbox.clear()

    # when: staff try to answer, a queued reply and survey go out, the link is used
    with pytest.raises(desk.TicketError) as refused:
        desk.staff_reply(ticket, "<p>Still there?</p>", desk.Author(kind="staff", name="Sam"))
    note = desk.add_note(ticket, "<p>Erased on request.</p>", desk.Author(kind="staff"))
    solved = desk.update_ticket(ticket, {"status": "solved"})
    queued = (
        mail.send_ticket_message(undelivered.pk),
        mail.send_satisfaction_survey(str(ticket.pk)),
    )
    with pytest.raises(desk.TicketError) as rating:
        desk.rate(survey, 5, "Zebulon again")

    # then: a typed refusal, notes still work, nothing is sent or stored
    assert (refused.value.field, refused.value.code) == ("ticket", TicketErrorCode.ERASED.value)
    assert note.kind == "note"
    assert solved.status == "solved"
    assert queued == (False, False)
    assert mailoutbox == []
    assert (rating.value.field, rating.value.code) == ("token", TicketErrorCode.NOT_FOUND.value)
    assert desk.ticket_from_survey_token(survey) is None
    ticket.refresh_from_db()
    assert (ticket.satisfaction_rating, ticket.satisfaction_comment) == (None, "")
    assert crm_rows_mentioning(*TRACES) == {}
