"""Consent endpoints: the double opt-in and unsubscribe pages, and the
signed bounce and complaint endpoint.

``<route>/marketing/confirm/?token=…`` and ``<route>/marketing/unsubscribe/?token=…``
are opened from emails. GET only shows a button (mail scanners and link
previews follow links); its POST confirms or unsubscribes. The unsubscribe
page's POST is also RFC 8058's one-click unsubscribe (``List-Unsubscribe-Post``).

``POST <route>/marketing/inbound-bounce/`` takes what the mail provider
reports, signed like the other inbound endpoints (:func:`.inbound.verify`)::

    {"email": "ann@example.com", "type": "HARD_BOUNCE" | "SOFT_BOUNCE" | "COMPLAINT",
     "occurredAt": "2026-03-01T12:00:00Z", "detail": "550 5.1.1 user unknown",
     "messageId": "<crm.…@shop.example.com>"}

A hard bounce or a complaint suppresses the address (never mailed again)
and marks the campaign email it is about BOUNCED: the one ``messageId``
(optional, the bounced message's ``Message-ID``) names, else the latest
campaign email sent to the address. A soft bounce is acknowledged and
changes nothing.

``POST <route>/marketing/inbound-unsubscribe/`` takes a mail sent to the
``mailto:`` of a campaign email's ``List-Unsubscribe``, as the provider's
inbound route parsed it, signed the same way::

    {"subject": "unsubscribe 123:…", "from": "ann@example.com", "to": "unsubscribe@…"}

The subject the mail client filled in from the ``mailto:`` carries that
recipient's signed unsubscribe token, so the mail names its recipient as
the one-click link does; ``from`` and ``to`` are not trusted (anyone can
write them) and not needed. Mail without a valid token is answered 200
with ``"unsubscribed": false`` (the provider need not retry it) and
changes nothing: route such mail to a person.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime

from ..conf import crm_setting
from ..marketing import consent, tracking
from ..marketing.models import SuppressionReason
from ..marketing.subscription import (
    Proof,
    confirm_subscription,
    read_confirmation_token,
    read_unsubscribe_token,
    unsubscribe_by_token,
)
from ..storable import find_unstorable
from ..throttling.services import Throttled, check, client_ip
from . import security
from .inbound import require_post, throttle, verify
from .responses import RequestRefused, field_errors, loads, read_body, require_content_type

PAGE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
button { padding: .75rem 1.5rem; }
"""
PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width">\n<title>{title}</title>\n'
    + f"<style>{PAGE_STYLE.replace('{', '{{').replace('}', '}}')}</style></head>\n"
    + "<body><h1>{title}</h1>{content}</body></html>"
)
# No script; the stylesheet by its hash; the form posts to itself.
PAGE_POLICY = security.page_policy(style=PAGE_STYLE)
BOUNCE_TYPES = {
    "HARD_BOUNCE": SuppressionReason.HARD_BOUNCE,
    "COMPLAINT": SuppressionReason.COMPLAINT,
    "SOFT_BOUNCE": None,
}


def _page(title: str, content: str, status: int = 200) -> HttpResponse:
    return HttpResponse(PAGE.format(title=html.escape(title), content=content), status=status)


def with_page_policy(view: Callable[[HttpRequest], HttpResponse]):
    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        response = view(request)
        response[security.HEADER] = PAGE_POLICY
        response["Referrer-Policy"] = "no-referrer"  # the address holds the token
        return response

    return wrapped


def _proof(request: HttpRequest) -> Proof:
    return Proof(
        ip=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[: consent.MAX_USER_AGENT],
    )


def _button_form(token: str, label: str, intro: str) -> str:
    return (
        f'<form method="post"><p>{intro}</p>'
        f'<input type="hidden" name="token" value="{html.escape(token)}">'
        f'<button type="submit">{html.escape(label)}</button></form>'
    )


def _token_page(
    request: HttpRequest,
    *,
    title: str,
    scope: str,
    read: Callable[[str], str | None],
    act: Callable[[str, Proof], str | None],
    form: tuple[str, str],
    done: str,
) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use GET or POST.")
    token = request.GET.get("token") or request.POST.get("token") or ""
    if find_unstorable(token) is not None or len(token) > 1000:
        token = ""
    invalid = _page(title, "<p>This link is not valid or has expired.</p>", status=400)
    if request.method == "GET":
        if read(token) is None:
            return invalid
        return _page(title, _button_form(token, *form))
    email = read(token)
    try:
        check(scope, ip=client_ip(request), email=email)
    except Throttled as throttled:
        response = _page(title, f"<p>{html.escape(str(throttled))}</p>", status=429)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    if act(token, _proof(request)) is None:
        return invalid
    return _page(title, f"<p>{done}</p>")


def _confirmation_email(token: str) -> str | None:
    claims = read_confirmation_token(token)
    return claims[0] if claims else None


@with_page_policy
def confirm_page(request: HttpRequest) -> HttpResponse:
    """The double opt-in link's page: a button whose POST subscribes."""
    return _token_page(
        request,
        title="Confirm your subscription",
        scope="newsletter_confirm",
        read=_confirmation_email,
        act=confirm_subscription,
        form=("Confirm", "Press the button to start receiving our newsletter."),
        done="Thank you! Your subscription is confirmed.",
    )


@with_page_policy
def unsubscribe_page(request: HttpRequest) -> HttpResponse:
    """The unsubscribe link's page; its POST (and RFC 8058's) unsubscribes."""
    return _token_page(
        request,
        title="Unsubscribe",
        scope="newsletter_confirm",
        read=read_unsubscribe_token,
        act=unsubscribe_by_token,
        form=("Unsubscribe", "Press the button to stop receiving our marketing emails."),
        done="You are unsubscribed. You will not receive marketing emails from us any more.",
    )


def _signed_json(request: HttpRequest) -> dict | HttpResponse:
    """The verified JSON object of a signed inbound request, or the refusal."""
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
    return data


def inbound_unsubscribe(request: HttpRequest) -> HttpResponse:
    """A mail to the ``mailto:`` unsubscribe address (signed)."""
    data = _signed_json(request)
    if isinstance(data, HttpResponse):
        return data
    throttle(request, "inbound_unsubscribe", None)
    subject = data.get("subject")
    if not isinstance(subject, str) or len(subject) > 998:
        return field_errors(
            400, ("subject", "INVALID", "The subject of the mail, as received (998 at most).")
        )
    if find_unstorable(subject) is not None:
        return field_errors(400, ("subject", "INVALID", "Unstorable content."))
    recipient = tracking.recipient_for_mailto(subject)
    if recipient is None:
        return JsonResponse({"unsubscribed": False, "reason": "NO_VALID_TOKEN"})
    tracking.unsubscribe_recipient(recipient, user_agent="mailto")
    return JsonResponse({"unsubscribed": True})


def inbound_bounce(request: HttpRequest) -> HttpResponse:
    """A bounce or complaint from the mail provider (signed)."""
    data = _signed_json(request)
    if isinstance(data, HttpResponse):
        return data
    email = data.get("email")
    throttle(request, "inbound_bounce", email if isinstance(email, str) else None)
    if (path := find_unstorable(data)) is not None:
        return field_errors(400, (".".join(map(str, path)), "INVALID", "Unstorable content."))
    problems = []
    try:
        address = consent.clean_email(email if isinstance(email, str) else None)
    except consent.ConsentError as error:
        problems.append(("email", error.code.upper(), str(error)))
    kind = data.get("type")
    if kind not in BOUNCE_TYPES:
        problems.append(("type", "INVALID", f"One of: {', '.join(BOUNCE_TYPES)}."))
    occurred_at = None
    if data.get("occurredAt") is not None:
        try:
            occurred_at = parse_datetime(str(data["occurredAt"]))
        except ValueError:
            occurred_at = None
        if occurred_at is None or occurred_at.tzinfo is None:
            problems.append(("occurredAt", "INVALID", "An ISO 8601 date-time with a time zone."))
    message_id = data.get("messageId")
    if message_id is not None and (not isinstance(message_id, str) or len(message_id) > 998):
        problems.append(("messageId", "INVALID", "The bounced message's Message-ID header."))
    if problems:
        return field_errors(400, *problems)
    reason = BOUNCE_TYPES[kind]
    if reason is None:
        return JsonResponse({"suppressed": False, "alreadySuppressed": False})
    entry = consent.suppress(
        address,
        reason,
        source="bounce" if reason == SuppressionReason.HARD_BOUNCE else "complaint",
        occurred_at=occurred_at,
    )
    tracking.record_bounce(address, message_id=message_id or "", occurred_at=occurred_at)
    return JsonResponse({"suppressed": True, "alreadySuppressed": entry is None})
