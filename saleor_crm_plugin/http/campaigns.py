"""The links of campaign emails (marketing/tracking.py signs them).

- ``/campaigns/unsubscribe/?t=…``: a POST unsubscribes at once, whether it
  is a mail provider's RFC 8058 one-click POST (``List-Unsubscribe=One-Click``
  in the body) or the confirmation page's button; a GET shows that page (a
  link scanner following the link unsubscribes nobody).
- ``/campaigns/open/?t=…``: the 1×1 GIF; the first load records the open.
- ``/campaigns/click/?t=…``: a redirect to the link of that index in the
  recipient's email; anything else is a 404, never a redirect elsewhere.
"""

from __future__ import annotations

import base64
import html

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from ..marketing import tracking
from ..throttling.services import client_ip
from . import security
from .responses import RequestRefused

# The smallest transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

PAGE_STYLE = (
    "body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; "
    "padding: 0 1rem; } button { padding: .75rem 1.5rem; }"
)
PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width">\n<title>Unsubscribe</title>\n'
    f"<style>{PAGE_STYLE}</style></head>\n<body><h1>Unsubscribe</h1>{{content}}</body></html>"
)
PAGE_POLICY = security.page_policy(style=PAGE_STYLE)


def _page(content: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(PAGE.replace("{content}", content), status=status)
    response[security.HEADER] = PAGE_POLICY
    response["Referrer-Policy"] = "no-referrer"  # the address holds the token
    response["Cache-Control"] = "no-store"
    return response


def unsubscribe_page(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use GET or POST.")
    token = request.GET.get("t") or request.POST.get("t") or ""
    recipient = tracking.recipient_for_unsubscribe(token)
    if recipient is None:
        return _page("<p>This unsubscribe link is not valid.</p>", status=400)
    if request.method == "POST":
        tracking.unsubscribe_recipient(
            recipient,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent"),
        )
        return _page(
            f"<p>{html.escape(recipient.email)} will get no more marketing email from us.</p>"
        )
    return _page(
        f"<p>Stop marketing email to {html.escape(recipient.email)}?</p>"
        '<form method="post">'
        f'<input type="hidden" name="t" value="{html.escape(token)}">'
        '<button type="submit">Unsubscribe</button></form>'
    )


def open_pixel(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use GET.")
    if request.method == "GET":
        tracking.record_open(request.GET.get("t", ""))
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response


def click_redirect(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use GET.")
    target = tracking.click_target(request.GET.get("t", ""))
    if target is None:
        raise RequestRefused(404, "NOT_FOUND", "This link is not valid.")
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
