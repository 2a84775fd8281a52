"""Ticket mail: replies and surveys out, customers' replies in.

Out: a staff reply is sent from the support address with a Reply-To of
``support+t<token>@domain``; the customer's answer comes back to that
address (through the mail relay posting to the CRM), which names the ticket.
In: a raw RFC 822 message; its plus-address (or a ``[ref:<token>]`` in the
subject) threads it, otherwise it opens a new ticket. Only the ticket's
requester and its participants post into it: mail from anyone else (a CC, a
forward) opens a new ticket flagged ``from_unknown_sender``.

Guests' links: a guest's link to their ticket only ever leaves the CRM in
mail to the address they gave (:func:`send_ticket_link`), never in an API
response. A ticket opened by mail is unverified too (anyone can write any
``From``) until its requester answers, from that address, mail we sent there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.errors import HeaderParseError, InvalidHeaderDefect
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, make_msgid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from ..conf import crm_setting
from ..configuration.services import get_configuration
from ..interactions.models import InteractionChannel
from ..privacy.scrub import with_erased_key
from ..profiles.erasure import is_erased_address
from ..snapshots import normalize_email
from ..text import html_to_text, sanitize_html, text_to_html
from ..validation import clean_redirect_url, shorten
from .error_codes import TicketErrorCode
from .models import Ticket, TicketAuthorKind, TicketMessage, TicketMessageKind
from .services import (
    MAX_AUTHOR_NAME,
    MAX_SUBJECT,
    Author,
    NewTicket,
    TicketError,
    access_token,
    customer_reply,
    open_ticket,
    survey_token,
    verify_ticket,
)

TOKEN_IN_ADDRESS = re.compile(r"\+t([0-9a-f]{24})@", re.IGNORECASE)
TOKEN_IN_SUBJECT = re.compile(r"\[ref:([0-9a-f]{24})\]", re.IGNORECASE)
# Where a reply's quoted history starts in common mail clients.
QUOTE_START = re.compile(
    r"^(On .+ wrote:|-----Original Message-----|From: .+|Le .+ a écrit :|Am .+ schrieb .+:)\s*$",
    re.MULTILINE,
)


def _support_address() -> str:
    return get_configuration().support_email or settings.DEFAULT_FROM_EMAIL


def reply_address(ticket: Ticket) -> str:
    local, _, domain = _support_address().partition("@")
    return f"{local}+t{ticket.reply_token}@{domain}"


def _subject(ticket: Ticket) -> str:
    return f"Re: {ticket.subject} [#{ticket.number}] [ref:{ticket.reply_token}]"


def send_ticket_message(message_id: int) -> bool:
    """Email a staff reply to the customer once (a retry does not resend)."""
    message = (
        TicketMessage.objects.select_related("ticket")
        .filter(pk=message_id, emailed_at__isnull=True)
        .exclude(kind=TicketMessageKind.NOTE)
        .first()
    )
    if message is None or is_erased_address(message.ticket.requester_email):
        return False
    ticket = message.ticket
    domain = _support_address().partition("@")[2] or "localhost"
    message_id_header = make_msgid(domain=domain)
    earlier = list(
        ticket.messages.exclude(email_message_id=None)
        .exclude(pk=message.pk)
        .values_list("email_message_id", flat=True)
    )
    email = EmailMultiAlternatives(
        subject=_subject(ticket),
        body=html_to_text(message.body),
        from_email=_support_address(),
        to=[ticket.requester_email],
        reply_to=[reply_address(ticket)],
        headers={
            "Message-ID": message_id_header,
            **({"In-Reply-To": earlier[-1], "References": " ".join(earlier)} if earlier else {}),
        },
    )
    # Sanitised again, as in the API: the body may predate the allow-list.
    email.attach_alternative(sanitize_html(message.body), "text/html")
    email.send()
    TicketMessage.objects.filter(pk=message.pk).update(
        emailed_at=timezone.now(), email_message_id=message_id_header
    )
    return True


def survey_url(ticket: Ticket) -> str:
    base = (crm_setting("SALEOR_CRM_PUBLIC_URL") or "").rstrip("/")
    return f"{base}/plugins/global/saleor.crm/tickets/rate/?token={survey_token(ticket)}"


def send_satisfaction_survey(ticket_id: str) -> bool:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or ticket.rated_at is not None or is_erased_address(ticket.requester_email):
        return False
    url = survey_url(ticket)
    text = (
        f"Your request #{ticket.number} “{ticket.subject}” has been solved.\n\n"
        f"How did we do? Rate us from 1 to 5: {url}"
    )
    email = EmailMultiAlternatives(
        subject=f"How did we do? [#{ticket.number}]",
        body=text,
        from_email=_support_address(),
        to=[ticket.requester_email],
        reply_to=[reply_address(ticket)],
    )
    email.attach_alternative(
        text_to_html(text.replace(url, "")) + f'<p><a href="{url}">Rate our help</a></p>',
        "text/html",
    )
    email.send()
    return True


def ticket_link(ticket: Ticket, redirect_url: str) -> str:
    """``redirect_url`` with the ticket's access token added as ``token``
    (the storefront page passes it to ``ticketByAccessToken``).

    Checked again here, so a link queued before a check was added goes out
    as its checked parts only (or not at all).
    """
    parts = urlsplit(clean_redirect_url(redirect_url, "redirectUrl", TicketError))
    query = "&".join(q for q in (parts.query, urlencode({"token": access_token(ticket)})) if q)
    return parts._replace(query=query).geturl()


def send_ticket_link(ticket_id: str, redirect_url: str) -> bool:
    """Email a guest the link to the ticket they opened: the only way the
    link leaves the CRM. Using it proves the address is theirs.

    The mail quotes nothing the requester typed (anyone can open a ticket in
    anyone's name) and carries no reply reference, so answering it cannot
    verify the ticket: only the link does.
    """
    ticket = Ticket.objects.filter(pk=ticket_id, verified_at__isnull=True).first()
    if ticket is None or is_erased_address(ticket.requester_email):
        return False
    url = ticket_link(ticket, redirect_url)
    text = (
        f"We received a request for help (#{ticket.number}) sent with this email address.\n\n"
        f"To read our answers and reply, open: {url}\n\n"
        "If you did not write to us, ignore this email: nobody sees the answers without "
        "this link, and the request is not added to your account."
    )
    email = EmailMultiAlternatives(
        subject=f"Your request #{ticket.number}: follow it here",
        body=text,
        from_email=_support_address(),
        to=[ticket.requester_email],
    )
    email.attach_alternative(
        text_to_html(text.replace(url, "the link below"))
        + f'<p><a href="{escape(url)}">Follow your request #{ticket.number}</a></p>',
        "text/html",
    )
    email.send()
    return True


@dataclass
class InboundResult:
    ticket: Ticket
    message: TicketMessage
    created_ticket: bool
    duplicate: bool = False


# What CPython's header parser raises on some malformed address headers
# (``From: a@[b"a"@``) instead of recording a defect.
HEADER_PARSE_ERRORS = (HeaderParseError, AttributeError, LookupError, TypeError, ValueError)


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """``(display name, address)`` of every address in the ``name`` headers;
    :class:`TicketError` on the header's field (``from``, ``to``) when a
    header cannot be parsed or is not valid (an address the parser had to
    guess at: ``victim@x.com <attacker@evil.example>``).
    """
    field = name.lower()
    try:
        headers = message.get_all(name) or []
        addresses = [(a.display_name, a.addr_spec) for h in headers for a in h.addresses]
        defective = any(isinstance(d, InvalidHeaderDefect) for h in headers for d in h.defects)
    except HEADER_PARSE_ERRORS as exc:
        raise TicketError(
            field, f"The {name} header cannot be read.", TicketErrorCode.INVALID
        ) from exc
    if defective:
        raise TicketError(field, f"The {name} header is not valid.", TicketErrorCode.INVALID)
    return addresses


def _sender(message: Message) -> tuple[str, str]:
    """The display name and address of the one sender in ``From``.

    More than one (``From: victim@x.com, attacker@evil.example``) is refused:
    which of them would the ticket be from?
    """
    senders = _addresses(message, "From")
    if not senders or "@" not in senders[0][1]:
        raise TicketError("from", "The message has no sender address.", TicketErrorCode.REQUIRED)
    if len(senders) > 1:
        raise TicketError(
            "from", "Send the message from one address (From).", TicketErrorCode.INVALID
        )
    return senders[0]


def _text_of(message: EmailMessage) -> tuple[str, bool]:
    """The reply's own text (quoted history cut off) and whether it is HTML."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", False
    try:
        content = part.get_content()
    except LookupError:
        # A charset Python does not know: read it as UTF-8, marking what is not.
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        return content, True
    match = QUOTE_START.search(content)
    if match:
        content = content[: match.start()]
    lines = [line for line in content.splitlines() if not line.startswith(">")]
    return "\n".join(lines).strip(), False


def sender_of(raw: bytes) -> str:
    """The address in a raw message's ``From`` (headers only are parsed);
    :class:`TicketError` as :func:`receive_email` refuses it.
    """
    return _sender(BytesHeaderParser(policy=policy.default).parsebytes(raw))[1]


def participants(ticket: Ticket) -> set[str]:
    """Who may post into ``ticket`` by mail: its requester, its customer's
    current address, and the requesters of tickets merged into it.
    """
    addresses = {ticket.requester_email}
    if ticket.profile is not None:
        addresses.add(ticket.profile.email or "")
    addresses.update(
        Ticket.objects.filter(merged_into=ticket).values_list("requester_email", flat=True)
    )
    return {address.strip().lower() for address in addresses if address}


def receive_email(raw: bytes) -> InboundResult:
    """Thread an inbound email into its ticket, or open a new one.

    Mail that names a ticket but comes from someone not among its
    :func:`participants` is not posted there as the customer: it opens a new
    ticket for the sender, flagged as from an unknown sender, that points at
    the ticket it named. The ``From`` header is what the relay received;
    have the relay refuse mail that fails DMARC, so it is the sender's.

    Raises :class:`TicketError` for mail that names an unknown ticket (a
    forged or mistyped reference), has no sender or more than one, or has
    an address header that cannot be read.
    """
    message = message_from_bytes(raw, policy=policy.default)
    message_id = (message.get("Message-ID") or "").strip() or None
    if message_id:
        # An erased customer's messages keep their Message-ID as a hash only.
        known = (
            TicketMessage.objects.select_related("ticket")
            .filter(email_message_id__in=with_erased_key(message_id))
            .first()
        )
        if known is not None:
            return InboundResult(known.ticket, known, created_ticket=False, duplicate=True)
    name, sender = _sender(message)
    # Headers are the mail client's, not typed into our form: an overlong one is
    # shortened visibly ("…") rather than losing the customer's message.
    subject = shorten(str(message.get("Subject", "")).strip(), MAX_SUBJECT)
    name = shorten(name, MAX_AUTHOR_NAME)
    # Delivered-To and X-Original-To are the relay's, not address headers
    # Python parses: read as plain lists of addresses.
    relayed = getaddresses(
        [str(h) for n in ("Delivered-To", "X-Original-To") for h in message.get_all(n) or []]
    )
    recipients = " ".join(
        address for _, address in _addresses(message, "To") + _addresses(message, "Cc") + relayed
    )
    token_match = TOKEN_IN_ADDRESS.search(recipients) or TOKEN_IN_SUBJECT.search(subject)
    body, is_html = _text_of(message)
    replied_to = None
    if token_match:
        ticket = (
            Ticket.objects.select_related("profile")
            .filter(reply_token=token_match.group(1).lower())
            .first()
        )
        if ticket is None:
            raise TicketError(
                "to", "The message names a ticket that does not exist.", TicketErrorCode.NOT_FOUND
            )
        if sender.strip().lower() in participants(ticket):
            if ticket.verified_at is None and normalize_email(sender) == ticket.requester_email:
                # The reference only went out in mail to the requester's address.
                ticket = verify_ticket(ticket)
            reply = customer_reply(
                ticket,
                body or "(empty message)",
                via=InteractionChannel.EMAIL,
                author_name=name or sender,
                body_is_html=is_html,
                email_message_id=message_id,
            )
            return InboundResult(ticket, reply, created_ticket=False)
        replied_to = ticket
        # Its own ticket's replies carry its own reference; the other
        # ticket's stays out of this one (and out of the sender's replies).
        subject = TOKEN_IN_SUBJECT.sub("", subject).strip()
    with transaction.atomic():
        ticket = open_ticket(
            NewTicket(
                subject=subject or "(no subject)",
                body=body or "(empty message)",
                email=sender,
                channel=InteractionChannel.EMAIL,
                body_is_html=is_html,
                email_message_id=message_id,
                # Anyone can write any From: the sender proves the address
                # by answering mail sent there.
                verified=False,
            ),
            Author(kind=TicketAuthorKind.CUSTOMER, name=name or sender),
        )
        if replied_to is not None:
            ticket.from_unknown_sender = True
            ticket.sender_replied_to = replied_to
            ticket.save(update_fields=["from_unknown_sender", "sender_replied_to", "updated_at"])
    return InboundResult(ticket, ticket.messages.get(), created_ticket=True)
