"""Pages a customer opens from the CRM's email, outside the storefront.

``<route>/tickets/rate/?token=…`` is the satisfaction survey link sent when a
ticket is solved: five choices and a comment, posted back to the same
address. The signed token is the only credential (customers have no session
on the API host), and the page works without JavaScript, so it opens in any
mail client's browser. Storefronts that prefer their own page call the
``ticketRate`` mutation instead.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ..storable import MESSAGE as UNSTORABLE_MESSAGE
from ..storable import find_unstorable
from ..throttling.services import Throttled, check, client_ip
from ..tickets import services as desk
from . import security
from .responses import RequestRefused

RATE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
fieldset { border: 0; padding: 0; display: flex; gap: .5rem; }
label { flex: 1; text-align: center; border: 1px solid #999; border-radius: .5rem; padding: .75rem 0; cursor: pointer; }
input[type=radio] { display: block; margin: 0 auto .25rem; }
textarea { width: 100%; min-height: 6rem; margin: 1rem 0; }
button { padding: .75rem 1.5rem; }
"""
RATE_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width">\n<title>How did we do?</title>\n'
    + f"<style>{RATE_STYLE.replace('{', '{{').replace('}', '}}')}</style></head>\n"
    + "<body><h1>How did we do?</h1>{content}</body></html>"
)
# No script at all; the stylesheet above by its hash; the form posts to itself.
RATE_PAGE_POLICY = security.page_policy(style=RATE_STYLE)


def with_page_policy(view: Callable[[HttpRequest], HttpResponse]):
    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        response = view(request)
        response[security.HEADER] = RATE_PAGE_POLICY
        response["Referrer-Policy"] = "no-referrer"  # the address holds the token
        return response

    return wrapped


@with_page_policy
def rate_page(request: HttpRequest) -> HttpResponse:
    """The survey link's landing page: five choices and a comment."""
    if request.method not in ("GET", "POST"):
        raise RequestRefused(405, "METHOD_NOT_ALLOWED", "Use GET or POST.")
    token = request.GET.get("token") or request.POST.get("token") or ""
    if request.method == "POST":
        if find_unstorable(dict(request.POST.items())) is not None:
            return HttpResponse(
                RATE_PAGE.format(content=f"<p>{html.escape(UNSTORABLE_MESSAGE)}</p>"), status=400
            )
        # Counted like ticketRate (the same scope): the page is its form.
        ticket = desk.ticket_from_survey_token(token)
        try:
            check(
                "ticket_rate",
                ip=client_ip(request),
                email=ticket.requester_email if ticket else None,
            )
        except Throttled as throttled:
            response = HttpResponse(
                RATE_PAGE.format(content=f"<p>{html.escape(str(throttled))}</p>"), status=429
            )
            response["Retry-After"] = str(throttled.retry_after)
            return response
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
