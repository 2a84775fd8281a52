"""Erasure: a deleted customer's profile keeps its figures, not its identity."""

from __future__ import annotations

from datetime import datetime

from ..snapshots import CustomerSnapshot, normalize_email
from .identity import email_hash, existing_user_pk
from .models import CustomerProfile, ErasedIdentity, TimelineEvent, TimelineEventType
from .timeline import add_timeline_event

ERASED_EMAIL_DOMAIN = "erased.invalid"
ERASED_TEXT = "[erased]"


def _erase_conversations(profile: CustomerProfile) -> None:
    """Scrub what the customer (and staff about them) wrote: tickets,
    messages, interactions, and the subjects copied onto the timeline.
    """
    from ..interactions.models import Interaction
    from ..tickets.models import Ticket, TicketMessage

    Ticket.objects.filter(profile=profile).update(
        requester_email=profile.email, subject=ERASED_TEXT, satisfaction_comment="", tags=[]
    )
    TicketMessage.objects.filter(ticket__profile=profile).update(
        body=f"<p>{ERASED_TEXT}</p>", author_name=""
    )
    Interaction.objects.filter(profile=profile).update(
        subject=ERASED_TEXT, body=f"<p>{ERASED_TEXT}</p>", metadata={}, author_name=""
    )
    TimelineEvent.objects.filter(profile=profile, object_type__in=["ticket", "interaction"]).update(
        data={}
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
    if profile is not None:
        if not profile.is_erased:
            emails.add(profile.email)
        emails |= set(
            OrderFact.objects.filter(profile=profile)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        emails |= set(
            CheckoutFact.objects.filter(profile=profile)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        OrderFact.objects.filter(profile=profile).update(email="", city="", user_id=None)
        CheckoutFact.objects.filter(profile=profile).update(email="", user_id=None)
        TimelineEvent.objects.filter(
            profile=profile, type=TimelineEventType.PROFILES_MERGED
        ).update(data={})
        profile.email = f"erased-{profile.pk}@{ERASED_EMAIL_DOMAIN}"
        _erase_conversations(profile)
        profile.user = None
        profile.first_name = profile.last_name = profile.city = ""
        profile.language_code = profile.note = profile.search_document = ""
        profile.tags = []
        profile.erased_at = erased_at
        profile.save()
        add_timeline_event(
            profile,
            TimelineEventType.ACCOUNT_DELETED,
            erased_at,
            dedupe_key=f"account_deleted:{profile.pk}",
        )
    for address in emails:
        ErasedIdentity.objects.update_or_create(
            email_hash=email_hash(address),
            defaults={"profile": profile, "erased_at": erased_at},
        )
    return profile
