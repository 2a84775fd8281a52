"""The CRM's HTTP entry point: GraphQL at ``<plugin route>/graphql/``.

Saleor calls it from the plugin's ``webhook()``; the host project mounts it
as a Django view. Paths below the route: ``/graphql/`` (POST JSON, GET
GraphiQL); the signed inbound endpoints ``/interactions/inbound/`` and
``/tickets/inbound-email/``; the survey page ``/tickets/rate/``; the
Dashboard extension's files under ``/dashboard/``.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse

from .auth import AuthenticationError, Requestor, authenticate
from .conf import crm_setting

logger = logging.getLogger(__name__)

GRAPHQL_PATHS = ("/graphql", "/graphql/")


def _error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"exception": {"code": code}}}]},
        status=status,
    )


def handle(
    request: HttpRequest,
    path: str,
    authenticator: Callable[[HttpRequest], Requestor] = authenticate,
) -> HttpResponse:
    if path in GRAPHQL_PATHS:
        return graphql_view(request, authenticator)
    from . import inbound

    routes = {
        "/interactions/inbound/": inbound.inbound_interaction,
        "/tickets/inbound-email/": inbound.inbound_email,
        "/tickets/rate/": inbound.rate_page,
    }
    if view := routes.get(path if path.endswith("/") else f"{path}/"):
        return view(request)
    if path == "/dashboard" or path.startswith("/dashboard/"):
        return dashboard_file(path.removeprefix("/dashboard").lstrip("/"))
    return _error(f"No CRM endpoint at {path}.", "NotFound", 404)


DASHBOARD_DIR = Path(__file__).resolve().parent / "static" / "saleor_crm_plugin" / "dashboard"
# Vite puts content-hashed files under assets/: they never change.
IMMUTABLE = "public, max-age=31536000, immutable"


def dashboard_file(relative: str) -> HttpResponse:
    """Serve the built Dashboard extension (shipped inside the package)."""
    root = DASHBOARD_DIR
    target = (root / (relative or "index.html")).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        if not (root / "index.html").is_file():
            return _error(
                "The dashboard extension is not built into this package.", "NotFound", 404
            )
        return _error(f"No dashboard file {relative}.", "NotFound", 404)
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["Cache-Control"] = IMMUTABLE if relative.startswith("assets/") else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def graphql_view(request: HttpRequest, authenticator: Callable) -> HttpResponse:
    from .graphql.core.errors import format_error
    from .graphql.schema import execute

    if request.method == "OPTIONS":
        response = HttpResponse()
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    if request.method == "GET" and "query" not in request.GET:
        if not crm_setting("SALEOR_CRM_GRAPHIQL"):
            return _error("GraphiQL is disabled.", "NotFound", 404)
        return HttpResponse(GRAPHIQL_HTML, content_type="text/html; charset=utf-8")
    if request.method not in ("GET", "POST"):
        return _error("Use POST.", "MethodNotAllowed", 405)

    if request.method == "GET":
        body = {
            "query": request.GET.get("query"),
            "variables": request.GET.get("variables"),
            "operationName": request.GET.get("operationName"),
        }
    else:
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return _error("The request body is not valid JSON.", "JSONDecodeError", 400)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _error("Provide a GraphQL `query` string.", "GraphQLError", 400)
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except ValueError:
            return _error("`variables` is not valid JSON.", "JSONDecodeError", 400)
    if not isinstance(variables, dict):
        return _error("`variables` must be an object.", "GraphQLError", 400)

    try:
        requestor = authenticator(request)
    except AuthenticationError as exc:
        return _error(str(exc), exc.code, 401)

    result = execute(
        body["query"],
        requestor=requestor,
        variables=variables,
        operation_name=body.get("operationName"),
        request=request,
    )
    payload: dict = {"data": result.data}
    if result.errors:
        for error in result.errors:
            original = getattr(error, "original_error", None)
            if original is not None and not hasattr(original, "code"):
                logger.error("CRM GraphQL error", exc_info=original)
        payload["errors"] = [format_error(error) for error in result.errors]
    return JsonResponse(payload, status=200)


def crm_view(request: HttpRequest, path: str) -> HttpResponse:
    """Django view for hosts that mount the CRM in their URLconf."""
    return handle(request, path)


crm_view.csrf_exempt = True  # type: ignore[attr-defined] - token-authenticated API

GRAPHIQL_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Saleor CRM — GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="https://cdn.jsdelivr.net/npm/react@18.3.1/umd/react.production.min.js"></script>
  <script src="https://cdn.jsdelivr.net/npm/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script src="https://cdn.jsdelivr.net/npm/graphiql@3.8.3/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: "headers",
        defaultHeaders: '{\\n  "Authorization": "Bearer <staff token>"\\n}',
      })
    );
  </script>
</body>
</html>
"""
