"""Erasure: a deleted customer's profile keeps its figures, not its identity.

What goes: the profile's email (replaced by ``erased-<id>@erased.invalid``),
name, city, language, account link, staff's tags and note; the email, store
user and city on its orders and carts; what the customer (and staff about
them) wrote in tickets and interactions, with the mail headers and external
IDs kept only as hashes; the store events about the person, payloads and
error texts (:mod:`saleor_crm_plugin.privacy.scrub`). What stays: the
figures (orders, spend, stage, RFM), product and channel facts, the
country, and who on the staff read the profile.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db.models import Q

from ..marketing.consent import erase_consent
from ..privacy.scrub import ErasedPerson, scrub_events, scrub_mail
from ..snapshots import CustomerSnapshot, normalize_email
from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import OutboxEvent, record_events
from .identity import email_hash, existing_user_pk, user_key
from .models import (
    CustomerProfile,
    CustomerPurchases,
    ErasedIdentity,
    TimelineEvent,
    TimelineEventType,
)
from .timeline import add_timeline_event

ERASED_EMAIL_DOMAIN = "erased.invalid"
ERASED_TEXT = "[erased]"
# Where tickets of a person the CRM has no profile of point once erased.
ERASED_ADDRESS = f"erased@{ERASED_EMAIL_DOMAIN}"


def is_erased_address(email: str | None) -> bool:
    """The placeholder an erased person's email was replaced by: nobody
    reads it, so nothing is mailed to it and no link to it works.
    """
    return bool(email) and email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


def _erase_conversations(profile: CustomerProfile | None, emails: set[str]) -> None:
    """Scrub what the customer (and staff about them) wrote: tickets (the
    profile's, and any opened with one of its emails without being attached
    to it), messages, interactions, and the subjects copied onto the timeline.
    Adds the tickets' requester addresses to ``emails``.
    """
    from ..interactions.models import Interaction
    from ..tickets.models import Ticket, TicketMessage

    if profile is not None:
        # Addresses the customer wrote from before the profile's email changed.
        emails |= {
            normalize_email(address)
            for address in Ticket.objects.filter(profile=profile).values_list(
                "requester_email", flat=True
            )
            if address and not address.endswith(f"@{ERASED_EMAIL_DOMAIN}")
        }
    mine = Q(requester_email__in=sorted(emails))
    if profile is not None:
        mine |= Q(profile=profile)
    tickets = list(Ticket.objects.filter(mine).only("pk"))
    for ticket in tickets:
        # A new reference: the old reply address (support+t<token>@…) and
        # links name no ticket any more.
        ticket.reply_token = secrets.token_hex(12)
    Ticket.objects.bulk_update(tickets, ["reply_token"])
    ticket_ids = [ticket.pk for ticket in tickets]
    Ticket.objects.filter(pk__in=ticket_ids).update(
        requester_email=profile.email if profile is not None else ERASED_ADDRESS,
        subject=ERASED_TEXT,
        satisfaction_comment="",
        tags=[],
    )
    TicketMessage.objects.filter(ticket_id__in=ticket_ids).update(
        body=f"<p>{ERASED_TEXT}</p>", author_name=""
    )
    interaction_ids = []
    if profile is not None:
        interactions = Interaction.objects.filter(profile=profile)
        interaction_ids = list(interactions.values_list("pk", flat=True))
        interactions.update(
            subject=ERASED_TEXT, body=f"<p>{ERASED_TEXT}</p>", metadata={}, author_name=""
        )
        TimelineEvent.objects.filter(
            profile=profile, object_type__in=["ticket", "interaction"]
        ).update(data={})
    scrub_mail(ticket_ids, interaction_ids)


def _erase_campaign_recipients(profile: CustomerProfile | None, emails: set[str]) -> None:
    """Campaign emails keep whom they went to (the reports count them), not
    the address: the profile's placeholder takes its place. A recipient still
    queued is never mailed there (the placeholder has no consent and its
    domain is ``.invalid``).
    """
    from ..marketing.models import CampaignRecipient

    match = Q(email__in=emails) if emails else Q(pk__in=[])
    if profile is not None:
        match |= Q(profile=profile)
    CampaignRecipient.objects.filter(match).update(
        email=profile.email if profile is not None else f"erased@{ERASED_EMAIL_DOMAIN}"
    )


def _remember(address: str, profile: CustomerProfile | None, erased_at: datetime) -> None:
    """Remember the erasure of ``address``; a replayed older deletion never
    moves the moment back.
    """
    known = ErasedIdentity.objects.filter(email_hash=email_hash(address)).first()
    if known is not None:
        known.profile = profile
        known.erased_at = max(known.erased_at, erased_at)
        known.save(update_fields=["profile", "erased_at"])
    else:
        ErasedIdentity.objects.create(
            email_hash=email_hash(address), profile=profile, erased_at=erased_at
        )


def erase_customer(snapshot: CustomerSnapshot, occurred_at: datetime) -> CustomerProfile | None:
    """Anonymise a deleted customer's profile; aggregates stay without identity.

    Safe to run before the account's other events arrive: the erasure is
    remembered by email hash and older events will not restore the data.
    """
    from ..commerce.models import CheckoutFact, OrderFact

    email = normalize_email(snapshot.email)
    erased_at = max(occurred_at, snapshot.updated_at)
    user_pk = existing_user_pk(snapshot.user_id)
    profile = None
    if user_pk is not None:
        profile = CustomerProfile.objects.select_for_update().filter(user_id=user_pk).first()
    if profile is None and email:
        profile = CustomerProfile.objects.select_for_update().filter(email=email).first()

    emails = {email} if email else set()
    person = ErasedPerson(
        erased_at=erased_at,
        user_ids={snapshot.user_id} if snapshot.user_id else set(),
        names={snapshot.first_name, snapshot.last_name},
    )
    if profile is not None:
        if not profile.is_erased:
            emails.add(profile.email)
        orders = OrderFact.objects.filter(profile=profile)
        checkouts = CheckoutFact.objects.filter(profile=profile)
        for facts, key, tokens in (
            (orders, "order_id", person.order_ids),
            (checkouts, "token", person.checkout_tokens),
        ):
            for pk, address, user_id in facts.values_list(key, "email", "user_id"):
                tokens.add(pk)
                if address:
                    emails.add(address)
                if user_id:
                    person.user_ids.add(user_id)
        if profile.user_id is not None:
            person.user_ids.add(str(profile.user_id))
        person.names |= {profile.first_name, profile.last_name, profile.city}
        orders.update(email="", city="", user_id=None)
        checkouts.update(email="", user_id=None)
        TimelineEvent.objects.filter(
            profile=profile, type=TimelineEventType.PROFILES_MERGED
        ).update(data={})
        # The account is usually gone already (the link was set null with it).
        saleor_user_id = profile.user_id or user_key(snapshot.user_id)
        profile.email = f"erased-{profile.pk}@{ERASED_EMAIL_DOMAIN}"
        profile.user = None
        profile.first_name = profile.last_name = profile.city = ""
        profile.language_code = profile.note = profile.search_document = ""
        profile.tags = []
        profile.erased_at = erased_at
        profile.save()
        # Segments never count an erased profile: no purchases are kept for one.
        CustomerPurchases.objects.filter(profile=profile).delete()
        add_timeline_event(
            profile,
            TimelineEventType.ACCOUNT_DELETED,
            erased_at,
            dedupe_key=f"account_deleted:{profile.pk}",
        )
        # Subscribers delete their copy; the account's ID tells them which.
        record_events(
            [
                OutboxEvent(
                    type=WebhookEventType.PROFILE_ERASED,
                    profile_id=profile.pk,
                    occurred_at=erased_at,
                    data={"saleor_user_id": str(saleor_user_id)} if saleor_user_id else {},
                    dedupe_key=f"profile_erased:{profile.pk}",
                )
            ]
        )
        # Scrubbed events carry this address instead of the real one: it must
        # lead to the anonymised profile the way the real one does.
        person.placeholder = profile.email
        _remember(profile.email, profile, erased_at)
    _erase_campaign_recipients(profile, emails)
    _erase_conversations(profile, emails)
    for address in emails:
        _remember(address, profile, erased_at)
    person.emails = emails
    # The consent ledger keeps hashes only, and the addresses stay suppressed.
    erase_consent(emails, erased_at)
    scrub_events(person)
    return profile
