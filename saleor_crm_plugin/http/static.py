"""The built Dashboard extension, served at ``<route>/dashboard/``.

The package ships the files Vite builds from ``dashboard-extension/`` (see
``setup.py``), so a store needs no Node and no static-files setup: the
Dashboard loads the extension from the plugin route, on the same origin as
the CRM's GraphQL endpoint.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.http import FileResponse, HttpResponse

from .responses import graphql_error

DASHBOARD_DIR = (
    Path(__file__).resolve().parent.parent / "static" / "saleor_crm_plugin" / "dashboard"
)
# Vite puts content-hashed files under assets/: they never change.
IMMUTABLE = "public, max-age=31536000, immutable"


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
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["Cache-Control"] = IMMUTABLE if relative.startswith("assets/") else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
