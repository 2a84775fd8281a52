"""Middleware for the host project: the CRM's routes answer a bad Host in JSON.

Django checks the ``Host`` header against ``ALLOWED_HOSTS`` the first time
something asks for it, and in Saleor (and most projects) that is
``CommonMiddleware``, before any view runs: the plugin's route never sees
the request, and Django answers with its HTML 400 page (the debug page when
``DEBUG`` is on). Put this middleware first in ``MIDDLEWARE`` and requests to
the CRM's routes with a Host Django refuses get the JSON error their endpoint
answers with (400 ``BAD_REQUEST``); every other path is left to the host.

    MIDDLEWARE = ["saleor_crm_plugin.http.middleware.bad_host_middleware", *MIDDLEWARE]
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

# Saleor's global plugin route and its legacy form, which reaches the CRM too.
ROUTES = ("/plugins/global/saleor.crm", "/plugins/saleor.crm")


def crm_path(path: str) -> str | None:
    """What follows the plugin route in ``path``, or None if it is not the CRM's."""
    for route in ROUTES:
        if path.startswith(f"{route}/"):
            return path.removeprefix(route)
    return None


def bad_host_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        path = crm_path(request.path_info)
        if path is not None:
            try:
                request.get_host()
            except DisallowedHost as exc:
                # Imported here: the routes import the CRM's models.
                from . import security
                from .responses import RequestRefused
                from .routing import error_response

                logger.info("CRM request to %s refused: %s", path, exc)
                error = RequestRefused(400, "BAD_REQUEST", "The Host header is not allowed.")
                return security.secure(error_response(path, error))
        return get_response(request)

    return middleware
