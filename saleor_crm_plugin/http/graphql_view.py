"""The CRM's GraphQL endpoint, ``<route>/graphql/``.

``POST`` a JSON body ``{query, variables, operationName}`` (``GET`` with the
same as query parameters also works), authenticated like Saleor's own API
(``Authorization: Bearer <token>``). A ``GET`` without ``query`` opens
GraphiQL, unless ``SALEOR_CRM_GRAPHIQL`` is off. Errors in the request itself
(bad JSON, no query, a refused token) get an HTTP status; errors while
executing come back with status 200 in ``errors``, as Saleor's do.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..auth import AuthenticationError
from ..conf import crm_setting
from .responses import graphql_error

logger = logging.getLogger(__name__)


def graphql_view(request: HttpRequest, authenticator: Callable) -> HttpResponse:
    """Execute one GraphQL operation as the requestor ``authenticator`` finds."""
    # Imported here: building the schema is the slow part of importing the CRM.
    from ..graphql.core.errors import format_error
    from ..graphql.schema import execute

    if request.method == "OPTIONS":
        response = HttpResponse()
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    if request.method == "GET" and "query" not in request.GET:
        if not crm_setting("SALEOR_CRM_GRAPHIQL"):
            return graphql_error("GraphiQL is disabled.", "NotFound", 404)
        return HttpResponse(GRAPHIQL_HTML, content_type="text/html; charset=utf-8")
    if request.method not in ("GET", "POST"):
        return graphql_error("Use POST.", "MethodNotAllowed", 405)

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
            return graphql_error("The request body is not valid JSON.", "JSONDecodeError", 400)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return graphql_error("Provide a GraphQL `query` string.", "GraphQLError", 400)
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except ValueError:
            return graphql_error("`variables` is not valid JSON.", "JSONDecodeError", 400)
    if not isinstance(variables, dict):
        return graphql_error("`variables` must be an object.", "GraphQLError", 400)

    try:
        requestor = authenticator(request)
    except AuthenticationError as exc:
        return graphql_error(str(exc), exc.code, 401)

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
