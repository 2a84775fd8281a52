"""Which view answers a path below the plugin route.

Saleor passes the plugin's ``webhook()`` the path after the plugin ID
(``/graphql/``, ``/dashboard/assets/…``); the host project's URLconf does the
same through :func:`crm_view`. Every path the CRM answers is in this module,
so what is exposed, and how it is authenticated, reads in one place: the
GraphQL endpoint authenticates with the ``authenticator`` it is given
(Saleor's tokens in Saleor), the inbound endpoints check their own signature,
the survey page its signed token, and the Dashboard files are public.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ..auth import Requestor, authenticate
from . import inbound, pages
from .graphql_view import graphql_view
from .responses import graphql_error
from .static import dashboard_file

GRAPHQL_PATHS = ("/graphql", "/graphql/")

# Paths with a trailing slash; a request without it is answered the same.
ROUTES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/interactions/inbound/": inbound.inbound_interaction,
    "/tickets/inbound-email/": inbound.inbound_email,
    "/tickets/rate/": pages.rate_page,
}


def handle(
    request: HttpRequest,
    path: str,
    authenticator: Callable[[HttpRequest], Requestor] = authenticate,
) -> HttpResponse:
    """Answer ``request`` for ``path`` (what follows the plugin route)."""
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
