"""The built Dashboard extension, served at ``<route>/dashboard/``, and GraphiQL.

The package ships the files Vite builds from ``dashboard-extension/`` (see
``setup.py``), so a store needs no Node and no static-files setup: the
Dashboard loads the extension from the plugin route, on the same origin as
the CRM's GraphQL endpoint. The same build makes GraphiQL's page
(``graphiql/index.html``, opened by ``GET <route>/graphql/``), so it loads
nothing from elsewhere and works offline. The two pages are served with their
Content-Security-Policy and a fresh nonce (:mod:`.security`); the other built
files are plain files.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse, HttpResponse

from . import security
from .responses import RequestRefused, graphql_error

DASHBOARD_DIR = (
    Path(__file__).resolve().parent.parent / "static" / "saleor_crm_plugin" / "dashboard"
)
# Vite puts content-hashed files under assets/: they never change.
IMMUTABLE = "public, max-age=31536000, immutable"
# The one page of each app; other built HTML is not served under /dashboard/.
EXTENSION_PAGE = "index.html"
GRAPHIQL_PAGE = "graphiql/index.html"


def dashboard_file(relative: str) -> HttpResponse:
    """Serve the built Dashboard extension (shipped inside the package)."""
    root = DASHBOARD_DIR
    try:
        target = (root / (relative or "index.html")).resolve()
        servable = target.is_relative_to(root) and target.is_file()
    except (ValueError, OSError):  # a NUL in the path, a name too long
        return graphql_error("No such dashboard file.", "NotFound", 404)
    if not servable:
        if not (root / "index.html").is_file():
            return graphql_error(
                "The dashboard extension is not built into this package.", "NotFound", 404
            )
        return graphql_error(f"No dashboard file {relative}.", "NotFound", 404)
    if target.suffix == ".html":
        if target != (root / EXTENSION_PAGE).resolve():
            return graphql_error(f"No dashboard file {relative}.", "NotFound", 404)
        return built_page(target, security.dashboard_policy)
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["Cache-Control"] = IMMUTABLE if relative.startswith("assets/") else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def built_page(target: Path, policy: Callable[[str], str]) -> HttpResponse:
    """A built HTML page with its policy and a nonce of its own."""
    nonce = security.new_nonce()
    page = target.read_text(encoding="utf-8").replace(security.NONCE_PLACEHOLDER, nonce)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response[security.HEADER] = policy(nonce)
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def graphiql_page() -> HttpResponse:
    """GraphiQL, built with the extension into the package."""
    target = DASHBOARD_DIR / GRAPHIQL_PAGE
    if not target.is_file():
        raise RequestRefused(404, "NotFound", "GraphiQL is not built into this package.")
    return built_page(target, security.graphiql_policy)
