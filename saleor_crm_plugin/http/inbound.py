"""Signed endpoints for other tools: contacts from chat, social and phone
tools, and the store's incoming support mail.

``POST <route>/interactions/inbound/`` (JSON) and
``POST <route>/tickets/inbound-email/`` (a raw RFC 822 message) must carry

    X-CRM-Timestamp: <unix seconds>
    X-CRM-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the inbound secret>

A request older than SALEOR_CRM_INBOUND_MAX_AGE_SECONDS is refused, so a
captured request cannot be replayed later; within that window the same
interaction (source, externalId) or email (Message-ID) is stored once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime

from ..conf import crm_setting
from ..configuration.services import get_configuration
from ..interactions.models import InteractionChannel, InteractionDirection
from ..interactions.services import InteractionError, InteractionInput, log_interaction
from ..tickets import services as desk
from ..tickets.mail import receive_email
from .responses import field_errors

MAX_BODY_BYTES = 5 * 1024 * 1024


def verify(request: HttpRequest) -> JsonResponse | None:
    """None when the request is signed with the inbound secret, else the
    error response to send.
    """
    secret = get_configuration().inbound_secret
    if not secret:
        return field_errors(
            503, (None, "NOT_CONFIGURED", "Set the inbound secret in the CRM plugin.")
        )
    timestamp = request.headers.get("X-CRM-Timestamp", "")
    signature = request.headers.get("X-CRM-Signature", "")
    if not timestamp.isdigit() or not signature.startswith("sha256="):
        return field_errors(401, (None, "INVALID_SIGNATURE", "Sign the request (X-CRM-Signature)."))
    if abs(time.time() - int(timestamp)) > crm_setting("SALEOR_CRM_INBOUND_MAX_AGE_SECONDS"):
        return field_errors(
            401, (None, "EXPIRED_SIGNATURE", "The request is too old or from the future.")
        )
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=")):
        return field_errors(401, (None, "INVALID_SIGNATURE", "The signature does not match."))
    return None


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers a sender adds (used by tests and documented for integrators)."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return {"X-CRM-Timestamp": str(timestamp), "X-CRM-Signature": f"sha256={digest.hexdigest()}"}


def inbound_interaction(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return field_errors(405, (None, "METHOD_NOT_ALLOWED", "Use POST."))
    if len(request.body) > MAX_BODY_BYTES:
        return field_errors(413, (None, "TOO_LARGE", "The request is too large."))
    if refused := verify(request):
        return refused
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return field_errors(400, (None, "INVALID_JSON", "The body is not valid JSON."))
    if not isinstance(data, dict):
        return field_errors(400, (None, "INVALID_JSON", "Send a JSON object."))
    problems = []
    if data.get("channel") not in InteractionChannel.values:
        problems.append(("channel", "INVALID", f"One of: {', '.join(InteractionChannel.values)}."))
    if data.get("direction", "inbound") not in InteractionDirection.values:
        problems.append(("direction", "INVALID", "inbound or outbound."))
    if not isinstance(data.get("email"), str) or "@" not in data["email"]:
        problems.append(("email", "REQUIRED", "The customer's email."))
    if not data.get("externalId") or not data.get("source"):
        problems.append(("externalId", "REQUIRED", "source and externalId make a re-send safe."))
    occurred_at = None
    if data.get("occurredAt"):
        occurred_at = parse_datetime(str(data["occurredAt"]))
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
                source=str(data["source"])[:64],
                external_id=str(data["externalId"])[:255],
                metadata=data.get("metadata"),
            )
        )
    except InteractionError as exc:
        return field_errors(400, (exc.field, exc.code.upper(), str(exc)))
    return JsonResponse(
        {"id": str(interaction.pk), "created": created}, status=201 if created else 200
    )


def inbound_email(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return field_errors(405, (None, "METHOD_NOT_ALLOWED", "Use POST."))
    if len(request.body) > MAX_BODY_BYTES:
        return field_errors(413, (None, "TOO_LARGE", "The message is too large."))
    if refused := verify(request):
        return refused
    try:
        result = receive_email(request.body)
    except desk.TicketError as exc:
        status = 404 if exc.code == "not_found" else 400
        return field_errors(status, (exc.field, exc.code.upper(), str(exc)))
    return JsonResponse(
        {
            "ticket": result.ticket.number,
            "createdTicket": result.created_ticket,
            "duplicate": result.duplicate,
        },
        status=201 if result.created_ticket else 200,
    )
