"""Which view answers a path below the plugin route.

Saleor passes the plugin's ``webhook()`` the path after the plugin ID
(``/graphql/``, ``/dashboard/assets/…``); the host project's URLconf does the
same through :func:`crm_view`. Every path the CRM answers is in this module,
so what is exposed, and how it is authenticated, reads in one place: the
GraphQL endpoint authenticates with the ``authenticator`` it is given
(Saleor's tokens in Saleor), the inbound endpoints check their own signature,
the survey and consent pages and the campaign links their signed tokens, and
the Dashboard files are public.
Every response leaves with a Content-Security-Policy (:mod:`.security`):
the pages their own, everything else one that loads and frames nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from ..auth import Requestor, authenticate
from . import campaigns, consent, inbound, pages, security
from .graphql_view import graphql_view
from .responses import RequestRefused, field_errors, graphql_error
from .static import dashboard_file

logger = logging.getLogger(__name__)

GRAPHQL_PATHS = ("/graphql", "/graphql/")

# Paths with a trailing slash; a request without it is answered the same.
ROUTES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/interactions/inbound/": inbound.inbound_interaction,
    "/tickets/inbound-email/": inbound.inbound_email,
    "/tickets/rate/": pages.rate_page,
    "/marketing/confirm/": consent.confirm_page,
    "/marketing/unsubscribe/": consent.unsubscribe_page,
    "/marketing/inbound-bounce/": consent.inbound_bounce,
    "/marketing/inbound-unsubscribe/": consent.inbound_unsubscribe,
    "/campaigns/unsubscribe/": campaigns.unsubscribe_page,
    "/campaigns/open/": campaigns.open_pixel,
    "/campaigns/click/": campaigns.click_redirect,
}


def handle(
    request: HttpRequest,
    path: str,
    authenticator: Callable[[HttpRequest], Requestor] = authenticate,
) -> HttpResponse:
    """Answer ``request`` for ``path`` (what follows the plugin route).

    Whatever goes wrong is answered in JSON, in the endpoint's error shape:
    a refused request with its status, Django's request failures (body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a Host not in ``ALLOWED_HOSTS``,
    undecodable input) with 413 or 400, anything else with 500 and a
    generic message (the traceback goes to the log, never to the client).
    """
    try:
        return security.secure(dispatch(request, path, authenticator))
    except RequestRefused as refused:
        logger.info("CRM request to %s refused (%s): %s", path, refused.code, refused.message)
        error = refused
    except RequestDataTooBig:
        logger.info("CRM request to %s refused: body over DATA_UPLOAD_MAX_MEMORY_SIZE", path)
        error = RequestRefused(413, "REQUEST_TOO_LARGE", "The request body is too large.")
    except (SuspiciousOperation, UnicodeError) as exc:
        logger.info("CRM request to %s refused: %s: %s", path, type(exc).__name__, exc)
        error = RequestRefused(400, "BAD_REQUEST", "The request is malformed.")
    except Exception:
        logger.exception("CRM request to %s failed", path)
        error = RequestRefused(500, "INTERNAL_ERROR", "Internal Server Error.")
    response = error_response(path, error)
    for header, value in error.headers.items():
        response[header] = value
    return security.secure(response)


def error_response(path: str, error: RequestRefused) -> HttpResponse:
    """``error`` in the shape the endpoint at ``path`` answers errors with."""
    if ROUTES.get(path if path.endswith("/") else f"{path}/"):
        return field_errors(error.status, (error.field, error.code, error.message))
    return graphql_error(error.message, error.code, error.status)


def dispatch(
    request: HttpRequest, path: str, authenticator: Callable[[HttpRequest], Requestor]
) -> HttpResponse:
    if path in GRAPHQL_PATHS:
        return graphql_view(request, authenticator)
    if view := ROUTES.get(path if path.endswith("/") else f"{path}/"):
        return view(request)
    if path == "/dashboard" or path.startswith("/dashboard/"):
        return dashboard_file(path.removeprefix("/dashboard").lstrip("/"))
    return graphql_error(f"No CRM endpoint at {path}.", "NotFound", 404)


def crm_view(request: HttpRequest, path: str) -> HttpResponse:
    """Django view for hosts that mount the CRM in their URLconf."""
    return handle(request, path)


crm_view.csrf_exempt = True  # type: ignore[attr-defined] - token-authenticated API
