"""Signed endpoints for other tools, and the customer's survey page.

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
import html
import json
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime

from .conf import crm_setting
from .configuration.services import get_configuration
from .interactions.models import InteractionChannel, InteractionDirection
from .interactions.services import InteractionError, InteractionInput, log_interaction
from .tickets import services as desk
from .tickets.mail import receive_email

MAX_BODY_BYTES = 5 * 1024 * 1024


def _errors(status: int, *errors: tuple[str | None, str, str]) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": f, "code": c, "message": m} for f, c, m in errors]}, status=status
    )


def verify(request: HttpRequest) -> JsonResponse | None:
    """None when the request is signed with the inbound secret, else the
    error response to send.
    """
    secret = get_configuration().inbound_secret
    if not secret:
        return _errors(503, (None, "NOT_CONFIGURED", "Set the inbound secret in the CRM plugin."))
    timestamp = request.headers.get("X-CRM-Timestamp", "")
    signature = request.headers.get("X-CRM-Signature", "")
    if not timestamp.isdigit() or not signature.startswith("sha256="):
        return _errors(401, (None, "INVALID_SIGNATURE", "Sign the request (X-CRM-Signature)."))
    if abs(time.time() - int(timestamp)) > crm_setting("SALEOR_CRM_INBOUND_MAX_AGE_SECONDS"):
        return _errors(
            401, (None, "EXPIRED_SIGNATURE", "The request is too old or from the future.")
        )
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=")):
        return _errors(401, (None, "INVALID_SIGNATURE", "The signature does not match."))
    return None


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers a sender adds (used by tests and documented for integrators)."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return {"X-CRM-Timestamp": str(timestamp), "X-CRM-Signature": f"sha256={digest.hexdigest()}"}


def inbound_interaction(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _errors(405, (None, "METHOD_NOT_ALLOWED", "Use POST."))
    if len(request.body) > MAX_BODY_BYTES:
        return _errors(413, (None, "TOO_LARGE", "The request is too large."))
    if refused := verify(request):
        return refused
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _errors(400, (None, "INVALID_JSON", "The body is not valid JSON."))
    if not isinstance(data, dict):
        return _errors(400, (None, "INVALID_JSON", "Send a JSON object."))
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
        return _errors(400, *problems)
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
        return _errors(400, (exc.field, exc.code.upper(), str(exc)))
    return JsonResponse(
        {"id": str(interaction.pk), "created": created}, status=201 if created else 200
    )


def inbound_email(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _errors(405, (None, "METHOD_NOT_ALLOWED", "Use POST."))
    if len(request.body) > MAX_BODY_BYTES:
        return _errors(413, (None, "TOO_LARGE", "The message is too large."))
    if refused := verify(request):
        return refused
    try:
        result = receive_email(request.body)
    except desk.TicketError as exc:
        status = 404 if exc.code == "not_found" else 400
        return _errors(status, (exc.field, exc.code.upper(), str(exc)))
    return JsonResponse(
        {
            "ticket": result.ticket.number,
            "createdTicket": result.created_ticket,
            "duplicate": result.duplicate,
        },
        status=201 if result.created_ticket else 200,
    )


RATE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>How did we do?</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }}
fieldset {{ border: 0; padding: 0; display: flex; gap: .5rem; }}
label {{ flex: 1; text-align: center; border: 1px solid #999; border-radius: .5rem; padding: .75rem 0; cursor: pointer; }}
input[type=radio] {{ display: block; margin: 0 auto .25rem; }}
textarea {{ width: 100%; min-height: 6rem; margin: 1rem 0; }}
button {{ padding: .75rem 1.5rem; }}
</style></head>
<body><h1>How did we do?</h1>{content}</body></html>"""


def rate_page(request: HttpRequest) -> HttpResponse:
    """The survey link's landing page: five choices and a comment."""
    token = request.GET.get("token") or request.POST.get("token") or ""
    if request.method == "POST":
        try:
            rating = int(request.POST.get("rating", ""))
        except ValueError:
            rating = 0
        try:
            ticket = desk.rate(token, rating, request.POST.get("comment", ""))
        except desk.TicketError as exc:
            return HttpResponse(
                RATE_PAGE.format(content=f"<p>{html.escape(str(exc))}</p>"), status=400
            )
        return HttpResponse(
            RATE_PAGE.format(
                content=f"<p>Thank you! You rated request #{ticket.number} "
                f"{ticket.satisfaction_rating} out of 5.</p>"
            )
        )
    if request.method != "GET":
        return HttpResponse(status=405)
    choices = "".join(
        f'<label><input type="radio" name="rating" value="{n}" required>{n}</label>'
        for n in range(1, 6)
    )
    form = (
        '<form method="post"><p>1 is poor, 5 is great.</p>'
        f"<fieldset>{choices}</fieldset>"
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        '<textarea name="comment" placeholder="Anything to add? (optional)"></textarea>'
        '<button type="submit">Send</button></form>'
    )
    return HttpResponse(RATE_PAGE.format(content=form))
