"""The help desk's actions: open, verify, reply, note, assign, change, merge,
link an order, SLA breaches and satisfaction ratings.

A ticket whose requester has not proven their email (a guest, an inbound
email) is *unverified*: it belongs to no profile, so nothing its author wrote
sits next to a registered customer's orders, until the requester uses the
link emailed to that address (:func:`verify_ticket`).

Every action runs in one transaction; mail goes out from Celery after commit.
Errors are :class:`TicketError` with the input field and a code from
:class:`~.error_codes.TicketErrorCode`, so the API can report them as
``errors { field code message }``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..commerce.models import OrderFact
from ..errors import CRMError
from ..interactions.models import InteractionChannel
from ..profiles.erasure import is_erased_address
from ..profiles.identity import resolve_profile, update_satisfaction
from ..profiles.models import CustomerProfile, TimelineEventType
from ..profiles.timeline import TimelineEntry, add_timeline_events
from ..text import sanitize_html, text_to_html
from ..validation import MAX_BODY, check_length, clean_email, max_length
from .error_codes import TicketErrorCode
from .models import (
    ACTIVE_STATUSES,
    SLAPolicy,
    Ticket,
    TicketAuthorKind,
    TicketMessage,
    TicketMessageKind,
    TicketPriority,
    TicketStatus,
)

NUMBER_SEQUENCE = "saleor_crm_ticket_number_seq"
SURVEY_SALT = "saleor-crm.ticket-survey"
ACCESS_SALT = "saleor-crm.ticket-access"
SURVEY_MAX_AGE = timedelta(days=30)
ACCESS_MAX_AGE = timedelta(days=180)
DUE_SOON = timedelta(hours=2)
MAX_SUBJECT = max_length(Ticket, "subject")
MAX_TAG = 100
MAX_AUTHOR_NAME = max_length(TicketMessage, "author_name")
MAX_COMMENT = 5000
# Channels whose customers hear about staff replies by email.
EMAILED_CHANNELS = (InteractionChannel.EMAIL, InteractionChannel.WEB_FORM)


class TicketError(CRMError):
    """A help desk action refused; ``code`` is a :class:`TicketErrorCode` value."""

    code_enum = TicketErrorCode


@dataclass
class Author:
    """Who wrote a message."""

    kind: str
    user_id: Any = None
    name: str = ""


@dataclass
class NewTicket:
    subject: str
    body: str
    email: str
    user_id: str | None = None
    channel: str = InteractionChannel.WEB_FORM
    priority: str = TicketPriority.NORMAL
    order_id: str | None = None
    tags: list[str] = field(default_factory=list)
    body_is_html: bool = False
    email_message_id: str | None = None
    # False when nobody has proven ``email`` belongs to the requester (a
    # guest, an inbound email): the ticket waits, on no profile, for
    # verify_ticket. Staff-opened tickets and confirmed customers' are verified.
    verified: bool = True
    # Unverified tickets: the storefront page the emailed link opens (the
    # access token is added as ``token``). None: no link is emailed.
    link_url: str | None = None


def _subject(value: str | None) -> str:
    subject = (value or "").strip()
    if not subject:
        raise TicketError("subject", "Give the ticket a subject.", TicketErrorCode.REQUIRED)
    check_length(subject, MAX_SUBJECT, "subject", TicketError)
    return subject


def _author_name(name: str) -> str:
    check_length(name, MAX_AUTHOR_NAME, "authorName", TicketError)
    return name


def _message_id(message_id: str | None) -> str | None:
    check_length(
        message_id, max_length(TicketMessage, "email_message_id"), "messageId", TicketError
    )
    return message_id


def _body(text: str, is_html: bool) -> str:
    # Plain text counts as written; HTML as kept (a mail client's styles
    # and scripts, which sanitising drops, do not count).
    if not is_html:
        check_length(text, MAX_BODY, "body", TicketError)
    body = sanitize_html(text) if is_html else text_to_html(text)
    if is_html:
        check_length(body, MAX_BODY, "body", TicketError)
    if not body:
        raise TicketError("body", "Write a message.", TicketErrorCode.REQUIRED)
    return body


def _next_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [NUMBER_SEQUENCE])
        return cursor.fetchone()[0]


def apply_sla(ticket: Ticket) -> None:
    """Set the due times from the priority's policy (none: no targets)."""
    policy = SLAPolicy.objects.filter(priority=ticket.priority).first()
    ticket.sla_policy = policy
    start = ticket.created_at or timezone.now()
    if policy is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        return
    if ticket.first_response_at is None:
        ticket.first_response_due_at = start + timedelta(minutes=policy.first_response_minutes)
    ticket.resolution_due_at = start + timedelta(minutes=policy.resolution_minutes)


def _timeline(ticket: Ticket, type: str, at: datetime, key: str, **data: Any) -> None:
    if ticket.profile_id is None:
        return  # unverified: on no one's timeline
    add_timeline_events(
        ticket.profile,
        [
            TimelineEntry(
                type=type,
                occurred_at=at,
                object_type="ticket",
                object_id=str(ticket.pk),
                data={"number": ticket.number, "subject": ticket.subject, **data},
                dedupe_key=key,
            )
        ],
    )


def order_of_customer(order_id: str, profile: CustomerProfile | None) -> OrderFact:
    order = OrderFact.objects.filter(pk=order_id).first()
    if order is None or profile is None or order.profile_id != profile.pk:
        raise TicketError("order", "This customer has no such order.", TicketErrorCode.NOT_FOUND)
    return order


def open_ticket(data: NewTicket, author: Author) -> Ticket:
    """Open a ticket for the customer with ``data.email`` (created if new),
    with its first message. A staff-opened ticket needs no first response.

    An unverified ticket (``data.verified`` false) gets no profile and no
    timeline entry; its link is emailed to ``data.email`` when
    ``data.link_url`` is given, and :func:`verify_ticket` attaches it.
    """
    subject = _subject(data.subject)
    tags = _clean_tags(data.tags)
    email = clean_email(data.email, "email", TicketError)
    _author_name(author.name)
    _message_id(data.email_message_id)
    body = _body(data.body, data.body_is_html)
    now = timezone.now()
    if not email:
        raise TicketError("email", "Say who the customer is: an email.", TicketErrorCode.REQUIRED)
    if data.order_id and not data.verified:
        raise TicketError(
            "order",
            "Only a customer whose email is confirmed can open a ticket about an order.",
            TicketErrorCode.INVALID,
        )
    with transaction.atomic():
        profile = None
        if data.verified:
            # A verified ticket with a user is a confirmed customer's own.
            profile = resolve_profile(
                email=email,
                user_id=data.user_id,
                seen_at=now,
                source_time=now,
                user_confirmed=bool(data.user_id),
            ).profile
            if profile is None:
                raise TicketError(
                    "email", "Say who the customer is: an email.", TicketErrorCode.REQUIRED
                )
        if data.order_id:
            order_of_customer(data.order_id, profile)
        ticket = Ticket(
            number=_next_number(),
            subject=subject,
            channel=data.channel,
            priority=data.priority,
            profile=profile,
            requester_email=profile.email if profile is not None else email,
            verified_at=now if data.verified else None,
            order_id=data.order_id,
            tags=tags,
            reply_token=secrets.token_hex(12),
            created_at=now,
        )
        if author.kind == TicketAuthorKind.STAFF:
            ticket.first_response_at = now
            ticket.status = TicketStatus.OPEN
        apply_sla(ticket)
        ticket.save()
        TicketMessage.objects.create(
            ticket=ticket,
            kind=TicketMessageKind.REPLY,
            author_kind=author.kind,
            author_user_id=author.user_id,
            author_name=author.name,
            body=body,
            via=data.channel,
            email_message_id=data.email_message_id,
        )
        _timeline(ticket, TimelineEventType.TICKET_OPENED, now, f"ticket_opened:{ticket.pk}")
        if not data.verified and data.link_url:
            _send_later("saleor_crm.send_ticket_link", str(ticket.pk), data.link_url)
    return ticket


def verify_ticket(ticket: Ticket) -> Ticket:
    """The requester proved they read mail at ``ticket.requester_email``
    (they used the emailed link, answered mail sent there from that address,
    or rated through the survey link): the ticket joins that email's profile,
    created if new. Whoever owns the address opened it, so the profile may be
    a registered customer's. Doing it again changes nothing.
    """
    if ticket.verified_at is not None:
        return ticket
    with transaction.atomic():
        ticket = _locked(ticket)
        _verify_locked(ticket)
    return ticket


def _verify_locked(ticket: Ticket) -> None:
    if ticket.verified_at is not None:
        return
    # Dated when it was opened: the profile's first contact, and an erasure
    # since then keeps the ticket on the anonymised profile.
    profile = resolve_profile(
        email=ticket.requester_email,
        user_id=None,
        seen_at=ticket.created_at,
        source_time=ticket.created_at,
    ).profile
    ticket.profile = profile
    ticket.verified_at = timezone.now()
    ticket.save(update_fields=["profile", "verified_at", "updated_at"])
    _timeline(
        ticket, TimelineEventType.TICKET_OPENED, ticket.created_at, f"ticket_opened:{ticket.pk}"
    )


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or []:
        tag = tag.strip()
        if len(tag) > MAX_TAG:
            raise TicketError(
                "tags", f"Tags are at most {MAX_TAG} characters.", TicketErrorCode.INVALID
            )
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _locked(ticket: Ticket) -> Ticket:
    # ``of``: an unverified ticket's profile is an outer join, which cannot be locked.
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("profile").get(pk=ticket.pk)
    )


def staff_reply(
    ticket: Ticket,
    body: str,
    author: Author,
    *,
    status: str | None = None,
    body_is_html: bool = True,
) -> TicketMessage:
    """A public reply; emailed to the customer when the ticket's channel is
    email or a web form. The ticket waits on the customer unless ``status``
    says otherwise (e.g. solved with this reply).
    """
    _author_name(author.name)
    html_body = _body(body, body_is_html)
    with transaction.atomic():
        ticket = _locked(ticket)
        _ensure_open(ticket)
        if is_erased_address(ticket.requester_email):
            raise TicketError(
                "ticket",
                "The customer's data was erased: there is nobody to reply to. "
                "Add an internal note instead.",
                TicketErrorCode.ERASED,
            )
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=TicketMessageKind.REPLY,
            author_kind=TicketAuthorKind.STAFF,
            author_user_id=author.user_id,
            author_name=author.name,
            body=html_body,
            via=ticket.channel,
        )
        now = timezone.now()
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        ticket.save(update_fields=["first_response_at", "updated_at"])
        set_status(ticket, status or TicketStatus.PENDING)
        if ticket.channel in EMAILED_CHANNELS:
            _send_later("saleor_crm.send_ticket_message", message.pk)
    return message


def add_note(
    ticket: Ticket, body: str, author: Author, *, body_is_html: bool = True
) -> TicketMessage:
    """An internal note: staff only, never emailed, no first response."""
    _author_name(author.name)
    html_body = _body(body, body_is_html)
    with transaction.atomic():
        ticket = _locked(ticket)
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=TicketMessageKind.NOTE,
            author_kind=TicketAuthorKind.STAFF,
            author_user_id=author.user_id,
            author_name=author.name,
            body=html_body,
            via=ticket.channel,
        )
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return message


def customer_reply(
    ticket: Ticket,
    body: str,
    *,
    via: str,
    author_name: str = "",
    body_is_html: bool = False,
    email_message_id: str | None = None,
) -> TicketMessage:
    """The customer writes again: a solved or pending ticket reopens."""
    _author_name(author_name)
    _message_id(email_message_id)
    html_body = _body(body, body_is_html)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == TicketStatus.CLOSED:
            raise TicketError(
                "ticket", "This ticket is closed; open a new one.", TicketErrorCode.CLOSED
            )
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=TicketMessageKind.REPLY,
            author_kind=TicketAuthorKind.CUSTOMER,
            author_name=author_name,
            body=html_body,
            via=via,
            email_message_id=email_message_id,
        )
        if ticket.status in (TicketStatus.PENDING, TicketStatus.SOLVED):
            set_status(ticket, TicketStatus.OPEN)
        else:
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return message


def _ensure_open(ticket: Ticket) -> None:
    if ticket.status == TicketStatus.CLOSED:
        raise TicketError("ticket", "This ticket is closed.", TicketErrorCode.CLOSED)
    if ticket.merged_into_id:
        raise TicketError("ticket", "This ticket was merged into another.", TicketErrorCode.INVALID)


def set_status(ticket: Ticket, status: str, at: datetime | None = None) -> Ticket:
    """Move a (locked) ticket to ``status``. Solving sends the satisfaction
    survey; closing is final.
    """
    if status not in TicketStatus.values:
        raise TicketError("status", f"Unknown status {status}.", TicketErrorCode.INVALID)
    if ticket.status == TicketStatus.CLOSED and status != TicketStatus.CLOSED:
        raise TicketError("status", "A closed ticket cannot be reopened.", TicketErrorCode.CLOSED)
    at = at or timezone.now()
    previous = ticket.status
    ticket.status = status
    if status == TicketStatus.SOLVED and previous != TicketStatus.SOLVED:
        ticket.solved_at = at
        _timeline(
            ticket,
            TimelineEventType.TICKET_SOLVED,
            at,
            f"ticket_solved:{ticket.pk}:{at.isoformat()}",
        )
        if not is_erased_address(ticket.requester_email):
            _send_later("saleor_crm.send_satisfaction_survey", str(ticket.pk))
    elif status in ACTIVE_STATUSES:
        ticket.solved_at = None
    if status == TicketStatus.CLOSED and ticket.closed_at is None:
        # Closed without being solved (a merged duplicate, spam) stays unsolved.
        ticket.closed_at = at
    ticket.save(update_fields=["status", "solved_at", "closed_at", "updated_at"])
    return ticket


def update_ticket(ticket: Ticket, changes: dict[str, Any]) -> Ticket:
    """Change subject, status, priority or tags (staff)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if "subject" in changes:
            ticket.subject = _subject(changes["subject"])
        if "tags" in changes:
            ticket.tags = _clean_tags(changes["tags"])
        if "priority" in changes and changes["priority"] != ticket.priority:
            if changes["priority"] not in TicketPriority.values:
                raise TicketError("priority", "Unknown priority.", TicketErrorCode.INVALID)
            ticket.priority = changes["priority"]
            apply_sla(ticket)
        ticket.save()
        if "status" in changes and changes["status"] != ticket.status:
            set_status(ticket, changes["status"])
    return ticket


def assign(ticket: Ticket, user_id: Any) -> Ticket:
    """Give the ticket to a staff member, or to nobody (``None``)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if user_id is not None:
            user = get_user_model()._default_manager.filter(pk=user_id).first()
            if user is None or not user.is_staff or not user.is_active:
                raise TicketError(
                    "assignee", "Assign tickets to active staff members.", TicketErrorCode.NOT_FOUND
                )
        ticket.assignee_id = user_id
        ticket.save(update_fields=["assignee", "updated_at"])
    return ticket


def link_order(ticket: Ticket, order_id: str | None) -> Ticket:
    """Attach one of the customer's orders to the ticket (or detach it)."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if order_id is not None:
            order_of_customer(order_id, ticket.profile)
        ticket.order_id = order_id
        ticket.save(update_fields=["order_id", "updated_at"])
    return ticket


def merge(
    source: Ticket,
    target: Ticket,
    author: Author,
    may_link_order: Callable[[Any], bool] = lambda order_id: True,
) -> Ticket:
    """Fold a duplicate into ``target``: its messages move, it is closed and
    points at the target. Both must be the same customer's.

    A target without an order takes the source's, if ``may_link_order``
    allows the author to link it (staff without MANAGE_ORDERS, or without
    access to its channel, may not); otherwise the order stays on the source
    and the merge note says so.
    """
    if source.pk == target.pk:
        raise TicketError(
            "source", "A ticket cannot be merged into itself.", TicketErrorCode.INVALID
        )
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk], key=str)
        locked = {
            t.pk: t
            for t in Ticket.objects.select_for_update(of=("self",))
            .select_related("profile")
            .filter(pk__in=[first, second])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.profile_id != target.profile_id or (
            # Unverified tickets are one customer's only if sent by one address.
            source.profile_id is None and source.requester_email != target.requester_email
        ):
            raise TicketError(
                "source", "Only one customer's tickets can be merged.", TicketErrorCode.INVALID
            )
        for ticket, name in ((source, "source"), (target, "target")):
            if ticket.status == TicketStatus.CLOSED or ticket.merged_into_id:
                raise TicketError(
                    name, f"Ticket #{ticket.number} is closed or merged.", TicketErrorCode.CLOSED
                )
        source.messages.update(ticket=target)
        carry_order = bool(
            source.order_id and not target.order_id and may_link_order(source.order_id)
        )
        note = f"<p>Merged ticket #{source.number} ({sanitize_html(source.subject)}).</p>"
        if source.order_id and not target.order_id and not carry_order:
            note += (
                f"<p>Its order stays on #{source.number}: linking it here needs the "
                "Manage orders permission in the order's channel.</p>"
            )
        TicketMessage.objects.create(
            ticket=target,
            kind=TicketMessageKind.NOTE,
            author_kind=TicketAuthorKind.SYSTEM,
            author_user_id=author.user_id,
            author_name=author.name,
            body=note,
            via=target.channel,
        )
        target.tags = _clean_tags([*target.tags, *source.tags])
        if carry_order:
            target.order_id = source.order_id
        target.save(update_fields=["tags", "order_id", "updated_at"])
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])
        set_status(source, TicketStatus.CLOSED)
    return target


def set_sla_policy(
    priority: str, first_response_minutes: int, resolution_minutes: int
) -> SLAPolicy:
    """Set a priority's targets; tickets opened from now on, and tickets whose
    priority changes, get them.
    """
    if first_response_minutes < 1:
        raise TicketError(
            "firstResponseMinutes", "Give at least one minute.", TicketErrorCode.INVALID
        )
    if resolution_minutes < first_response_minutes:
        raise TicketError(
            "resolutionMinutes",
            "Resolution cannot come before the first response.",
            TicketErrorCode.INVALID,
        )
    policy, _ = SLAPolicy.objects.update_or_create(
        priority=priority,
        defaults={
            "first_response_minutes": first_response_minutes,
            "resolution_minutes": resolution_minutes,
        },
    )
    return policy


def delete_sla_policy(priority: str) -> bool:
    """Remove a priority's targets; whether it had any."""
    deleted, _ = SLAPolicy.objects.filter(priority=priority).delete()
    return bool(deleted)


def mark_sla_breaches(now: datetime | None = None) -> int:
    """Flag missed first-response and resolution targets, once each, and put
    them on the customer's timeline. Run every few minutes.
    """
    now = now or timezone.now()
    breaches = 0
    for kind, due, met, breached in (
        (
            "first_response",
            "first_response_due_at",
            "first_response_at",
            "first_response_breached_at",
        ),
        ("resolution", "resolution_due_at", "solved_at", "resolution_breached_at"),
    ):
        tickets = list(
            Ticket.objects.select_related("profile").filter(
                status__in=ACTIVE_STATUSES,
                **{f"{due}__lt": now, f"{met}__isnull": True, f"{breached}__isnull": True},
            )
        )
        for ticket in tickets:
            updated = Ticket.objects.filter(pk=ticket.pk, **{f"{breached}__isnull": True}).update(
                **{breached: now}
            )
            if updated:
                breaches += 1
                _timeline(
                    ticket,
                    TimelineEventType.TICKET_SLA_BREACHED,
                    getattr(ticket, due),
                    f"ticket_breached:{kind}:{ticket.pk}",
                    target=kind,
                )
    return breaches


def missed_target(now: datetime | None = None) -> Q:
    """Tickets with a missed SLA target: flagged by the sweeper, or past due
    and still active (the sweeper has not run yet).
    """
    now = now or timezone.now()
    return (
        Q(first_response_breached_at__isnull=False)
        | Q(resolution_breached_at__isnull=False)
        | Q(status__in=ACTIVE_STATUSES)
        & (
            Q(first_response_at__isnull=True, first_response_due_at__lt=now)
            | Q(resolution_due_at__lt=now)
        )
    )


def due_soon(now: datetime | None = None) -> Q:
    """Active tickets with a target falling within DUE_SOON."""
    now = now or timezone.now()
    soon = now + DUE_SOON
    return Q(status__in=ACTIVE_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due_at__range=(now, soon))
        | Q(resolution_due_at__range=(now, soon))
    )


def is_breached(ticket: Ticket, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if ticket.first_response_breached_at or ticket.resolution_breached_at:
        return True
    if ticket.status not in ACTIVE_STATUSES:
        return False
    return bool(
        (
            ticket.first_response_at is None
            and ticket.first_response_due_at
            and ticket.first_response_due_at < now
        )
        or (ticket.resolution_due_at and ticket.resolution_due_at < now)
    )


# --- signed links ----------------------------------------------------------


def survey_token(ticket: Ticket) -> str:
    return signing.dumps({"t": str(ticket.pk)}, salt=SURVEY_SALT, compress=True)


def ticket_from_survey_token(token: str) -> Ticket | None:
    """The ticket a survey link names, if the link is valid."""
    try:
        claims = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_MAX_AGE)
    except signing.BadSignature:
        return None
    ticket = Ticket.objects.filter(pk=claims.get("t")).first()
    # Erasure ends every link to the person's tickets.
    return None if ticket is None or is_erased_address(ticket.requester_email) else ticket


def access_token(ticket: Ticket) -> str:
    """Lets a guest follow and answer their ticket without an account. Only
    ever emailed to the requester (see ``mail.send_ticket_link``), never
    returned by the API.
    """
    return signing.dumps(
        {"t": str(ticket.pk), "e": ticket.requester_email}, salt=ACCESS_SALT, compress=True
    )


def ticket_from_access_token(token: str) -> Ticket | None:
    """The ticket a guest's link names, if the link is valid (a look-up only:
    see :func:`use_access_token`).
    """
    try:
        claims = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    except signing.BadSignature:
        return None
    return Ticket.objects.filter(pk=claims.get("t"), requester_email=claims.get("e")).first()


def use_access_token(token: str) -> Ticket | None:
    """The ticket behind a guest's link, verified by this use of it: the
    token only ever went to the requester's address.
    """
    ticket = ticket_from_access_token(token)
    return verify_ticket(ticket) if ticket is not None else None


def rate(token: str, rating: int, comment: str = "") -> Ticket:
    """Store the customer's 1-5 rating of a solved ticket (a new rating
    replaces the old one) and update their profile's average.
    """
    try:
        claims = signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TicketError(
            "token", "This survey link has expired.", TicketErrorCode.EXPIRED
        ) from exc
    except signing.BadSignature as exc:
        raise TicketError(
            "token", "This survey link is not valid.", TicketErrorCode.INVALID
        ) from exc
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise TicketError("rating", "Rate from 1 to 5.", TicketErrorCode.INVALID)
    comment = (comment or "").strip()
    check_length(comment, MAX_COMMENT, "comment", TicketError)
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("profile")
            .filter(pk=claims.get("t"))
            .first()
        )
        if ticket is None or is_erased_address(ticket.requester_email):
            # Erasure ends every link to the person's tickets: nothing they
            # write afterwards is stored.
            raise TicketError("token", "This survey link is not valid.", TicketErrorCode.NOT_FOUND)
        if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
            raise TicketError("token", "Only solved tickets can be rated.", TicketErrorCode.INVALID)
        # The survey link was emailed to the requester: using it proves the address.
        _verify_locked(ticket)
        now = timezone.now()
        ticket.satisfaction_rating = rating
        ticket.satisfaction_comment = comment
        ticket.rated_at = now
        ticket.save(
            update_fields=["satisfaction_rating", "satisfaction_comment", "rated_at", "updated_at"]
        )
        profile = CustomerProfile.objects.select_for_update().filter(pk=ticket.profile_id).first()
        if profile is not None:
            update_satisfaction(profile)
            profile.save(update_fields=["satisfaction_average", "satisfaction_count", "updated_at"])
        _timeline(
            ticket,
            TimelineEventType.TICKET_RATED,
            now,
            f"ticket_rated:{ticket.pk}",
            rating=rating,
        )
    return ticket


_notifications_off: ContextVar[bool] = ContextVar("crm_notifications_off", default=False)


@contextmanager
def notifications_off() -> Iterator[None]:
    """Act on tickets without emailing anyone: imports, migrations from
    another help desk, demo data.
    """
    token = _notifications_off.set(True)
    try:
        yield
    finally:
        _notifications_off.reset(token)


def _send_later(task_name: str, *args: Any) -> None:
    """Queue a mail task after commit; a broker outage loses no ticket data,
    only that notification (logged).
    """
    if _notifications_off.get():
        return
    from ..dispatch import send_task

    transaction.on_commit(lambda: send_task(task_name, *args))
