"""Signed endpoints for other tools: contacts from chat, social and phone
tools, and the store's incoming support mail.

``POST <route>/interactions/inbound/`` (JSON) and
``POST <route>/tickets/inbound-email/`` (a raw RFC 822 message) must carry

    X-CRM-Timestamp: <unix seconds>
    X-CRM-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the inbound secret>

A request older than SALEOR_CRM_INBOUND_MAX_AGE_SECONDS is refused, so a
captured request cannot be replayed later; within that window the same
interaction (source, externalId) or email (Message-ID) is stored once.
During a rotation the previous secret signs validly too (see
:func:`verify`). A signed request is then throttled per sender IP and per
customer email (``inbound_interaction``, ``inbound_email``): over a limit,
429 with ``Retry-After``, and nothing is stored (a mail relay delivers the
message again later).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime

from ..conf import crm_setting
from ..configuration.services import get_configuration
from ..interactions.models import InteractionChannel, InteractionDirection
from ..interactions.services import InteractionError, InteractionInput, log_interaction
from ..storable import MESSAGE as UNSTORABLE_MESSAGE
from ..storable import dotted, find_unstorable
from ..throttling.services import Throttled, check, client_ip
from ..tickets import services as desk
from ..tickets.mail import receive_email, sender_of
from .responses import RequestRefused, field_errors, loads, read_body, require_content_type

# What a mail relay may post the raw message as; form encodings are refused
# (the endpoint reads the raw body, a form's fields would be lost).
logger = logging.getLogger(__name__)

MAIL_CONTENT_TYPES = ("message/rfc822", "text/plain", "application/octet-stream")
# What the headers must look like before they are compared: ASCII digits
# only (int() also reads "²" or "٣", and overflows on 400 digits), and the
# hex digest sign() makes (compare_digest refuses a non-ASCII str).
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"sha256=([0-9a-f]{64})")


def verify(request: HttpRequest) -> JsonResponse | None:
    """None when the request is signed with the inbound secret, or with the
    previous one while a rotation is under way; else the error response to
    send.
    """
    config = get_configuration()
    accepted = [s for s in (config.inbound_secret, config.inbound_secret_previous) if s]
    if not accepted:
        return field_errors(
            503, (None, "NOT_CONFIGURED", "Set the inbound secret in the CRM plugin.")
        )
    timestamp = request.headers.get("X-CRM-Timestamp", "")
    signature = SIGNATURE.fullmatch(request.headers.get("X-CRM-Signature", ""))
    if not TIMESTAMP.fullmatch(timestamp) or signature is None:
        return field_errors(401, (None, "INVALID_SIGNATURE", "Sign the request (X-CRM-Signature)."))
    if abs(time.time() - int(timestamp)) > crm_setting("SALEOR_CRM_INBOUND_MAX_AGE_SECONDS"):
        return field_errors(
            401, (None, "EXPIRED_SIGNATURE", "The request is too old or from the future.")
        )
    given = signature.group(1)
    # Every secret is tried (no early exit), so the time taken does not tell
    # which one came close.
    matches = [
        hmac.compare_digest(
            hmac.new(
                secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
            ).hexdigest(),
            given,
        )
        for secret in accepted
    ]
    if not any(matches):
        return field_errors(401, (None, "INVALID_SIGNATURE", "The signature does not match."))
    if not matches[0]:
        # Operators finishing a rotation look for this: who has not switched yet.
        logger.info("Inbound request to %s signed with the previous inbound secret", request.path)
    return None


def throttle(request: HttpRequest, scope: str, email: str | None) -> None:
    """Count the request against the sender IP's and the customer email's limits."""
    try:
        check(scope, ip=client_ip(request), email=email)
    except Throttled as throttled:
        raise RequestRefused(
            429,
            "THROTTLED",
            str(throttled),
            headers={"Retry-After": str(throttled.retry_after)},
        ) from None


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers a sender adds (used by tests and documented for integrators)."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return {"X-CRM-Timestamp": str(timestamp), "X-CRM-Signature": f"sha256={digest.hexdigest()}"}


def unstorable_content(error: DataError) -> JsonResponse:
    """The database refused a value of the payload: the sender's input, not a
    CRM failure, but worth a traceback in the log to find which field.
    """
    logger.warning("Inbound payload the database cannot store", exc_info=error)
    return field_errors(400, (None, "INVALID", "The payload has content the CRM cannot store."))


def require_post(request: HttpRequest) -> None:
    if request.method != "POST":
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use POST.", headers={"Allow": "POST"})


def inbound_interaction(request: HttpRequest) -> HttpResponse:
    require_post(request)
    require_content_type(request, "application/json")
    body = read_body(request, crm_setting("SALEOR_CRM_MAX_REQUEST_BYTES"))
    if refused := verify(request):
        return refused
    try:
        data = loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return field_errors(400, (None, "INVALID_JSON", "The body is not valid JSON."))
    if not isinstance(data, dict):
        return field_errors(400, (None, "INVALID_JSON", "Send a JSON object."))
    throttle(
        request,
        "inbound_interaction",
        data["email"] if isinstance(data.get("email"), str) else None,
    )
    if (path := find_unstorable(data)) is not None:
        return field_errors(400, (dotted(path), "INVALID", UNSTORABLE_MESSAGE))
    problems = []
    if data.get("channel") not in InteractionChannel.values:
        problems.append(("channel", "INVALID", f"One of: {', '.join(InteractionChannel.values)}."))
    if data.get("direction", "inbound") not in InteractionDirection.values:
        problems.append(("direction", "INVALID", "inbound or outbound."))
    # The service validates the address itself (and lengths, and dates).
    if not isinstance(data.get("email"), str) or not data["email"].strip():
        problems.append(("email", "REQUIRED", "The customer's email."))
    if not data.get("externalId") or not data.get("source"):
        problems.append(("externalId", "REQUIRED", "source and externalId make a re-send safe."))
    occurred_at = None
    if data.get("occurredAt"):
        try:
            occurred_at = parse_datetime(str(data["occurredAt"]))
        except ValueError:
            # Well-formed but no such time: February 30th, hour 25, offset +99:00.
            occurred_at = None
        if occurred_at is None or occurred_at.tzinfo is None:
            problems.append(("occurredAt", "INVALID", "An ISO 8601 date-time with a time zone."))
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        problems.append(("metadata", "INVALID", "A JSON object."))
    if problems:
        return field_errors(400, *problems)
    try:
        interaction, created = log_interaction(
            InteractionInput(
                channel=data["channel"],
                direction=data.get("direction", "inbound"),
                email=data["email"],
                subject=str(data.get("subject") or ""),
                body=str(data.get("body") or ""),
                body_is_html=bool(data.get("bodyIsHtml")),
                occurred_at=occurred_at,
                author_name=str(data.get("authorName") or data["source"]),
                source=str(data["source"]),
                external_id=str(data["externalId"]),
                metadata=data.get("metadata"),
            )
        )
    except InteractionError as exc:
        return field_errors(400, (exc.field, exc.code.upper(), str(exc)))
    except DataError as error:
        return unstorable_content(error)
    return JsonResponse(
        {"id": str(interaction.pk), "created": created}, status=201 if created else 200
    )


def inbound_email(request: HttpRequest) -> HttpResponse:
    require_post(request)
    require_content_type(request, *MAIL_CONTENT_TYPES)
    body = read_body(request, crm_setting("SALEOR_CRM_MAX_INBOUND_EMAIL_BYTES"))
    if refused := verify(request):
        return refused
    if b"\x00" in body:
        return field_errors(400, (None, "INVALID", "The message contains NUL bytes."))
    try:
        sender = sender_of(body)
    except desk.TicketError as exc:
        return field_errors(400, (exc.field, exc.code.upper(), str(exc)))
    throttle(request, "inbound_email", sender)
    try:
        result = receive_email(body)
    except desk.TicketError as exc:
        status = 404 if exc.code == "not_found" else 400
        return field_errors(status, (exc.field, exc.code.upper(), str(exc)))
    except DataError as error:
        # A NUL or similar inside an encoded part (base64, quoted-printable).
        return unstorable_content(error)
    return JsonResponse(
        {
            "ticket": result.ticket.number,
            "createdTicket": result.created_ticket,
            "duplicate": result.duplicate,
            "fromUnknownSender": result.ticket.from_unknown_sender,
        },
        status=201 if result.created_ticket else 200,
    )
