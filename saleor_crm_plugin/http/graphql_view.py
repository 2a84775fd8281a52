"""The CRM's GraphQL endpoint, ``<route>/graphql/``.

``POST`` an ``application/json`` body ``{query, variables, operationName}``,
authenticated like Saleor's own API (``Authorization: Bearer <token>``).
``GET`` with the same as query parameters runs queries only: a mutation over
``GET``, or in a body of another media type, could be sent cross-site by a
form or cached on the way, so it is refused (405, 415). A ``GET`` without
``query`` opens GraphiQL (built into the package, see :mod:`.static`),
unless ``SALEOR_CRM_GRAPHIQL`` is off. Errors in
the request itself (too large, bad JSON, no query, a refused token) get an
HTTP status; errors while validating and executing come back with status 200
in ``errors``, as Saleor's do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from ..auth import AuthenticationError, check_token_app
from ..conf import crm_setting
from .responses import RequestRefused, loads, read_body, require_content_type, too_large
from .static import graphiql_page

logger = logging.getLogger(__name__)


def graphql_view(request: HttpRequest, authenticator: Callable) -> HttpResponse:
    """Execute one GraphQL operation as the requestor ``authenticator`` finds."""
    # Imported here: building the schema is the slow part of importing the CRM.
    from ..graphql.core.errors import OperationNotAllowed, format_error, log_error
    from ..graphql.core.mutations import RETRY_AFTER_ATTRIBUTE
    from ..graphql.schema import execute

    if request.method == "OPTIONS":
        response = HttpResponse()
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    if request.method == "GET" and "query" not in request.GET:
        if not crm_setting("SALEOR_CRM_GRAPHIQL"):
            raise RequestRefused(404, "NotFound", "GraphiQL is disabled.")
        return graphiql_page()
    if request.method not in ("GET", "POST"):
        raise RequestRefused(405, "MethodNotAllowed", "Use POST.", headers={"Allow": "GET, POST"})

    body = request_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise RequestRefused(400, "GraphQLError", "Provide a GraphQL `query` string.")
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        variables = decode_json(variables, "`variables` is not valid JSON.")
    if not isinstance(variables, dict):
        raise RequestRefused(400, "GraphQLError", "`variables` must be an object.")
    operation_name = body.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRefused(400, "GraphQLError", "`operationName` must be a string.")

    try:
        requestor = check_token_app(authenticator(request))
    except AuthenticationError as exc:
        raise RequestRefused(401, exc.code, str(exc)) from None

    try:
        result = execute(
            body["query"],
            requestor=requestor,
            variables=variables,
            operation_name=operation_name,
            request=request,
            allowed_operations=("query",) if request.method == "GET" else None,
        )
    except OperationNotAllowed as refused:
        raise RequestRefused(
            405,
            "MethodNotAllowed",
            f"Send a {refused.operation} by POST as application/json.",
            headers={"Allow": "POST"},
        ) from None
    payload: dict = {"data": result.data}
    if result.errors:
        for error in result.errors:
            log_error(error)
        payload["errors"] = [format_error(error) for error in result.errors]
    response = JsonResponse(payload, status=200)
    if retry_after := getattr(request, RETRY_AFTER_ATTRIBUTE, None):
        # A throttled mutation: its error says THROTTLED with retryAfter; the
        # header tells HTTP clients and proxies the same.
        response["Retry-After"] = str(retry_after)
    return response


def request_body(request: HttpRequest) -> object:
    """``{query, variables, operationName}`` from the query string (GET) or
    the JSON body (POST).
    """
    if request.method == "GET":
        if len(request.META.get("QUERY_STRING", "")) > crm_setting("SALEOR_CRM_MAX_REQUEST_BYTES"):
            raise too_large(crm_setting("SALEOR_CRM_MAX_REQUEST_BYTES"))
        return {
            "query": request.GET.get("query"),
            "variables": request.GET.get("variables"),
            "operationName": request.GET.get("operationName"),
        }
    require_content_type(request, "application/json")
    body = read_body(request, crm_setting("SALEOR_CRM_MAX_REQUEST_BYTES"))
    return decode_json(body or b"{}", "The request body is not valid JSON.")


def decode_json(text: str | bytes, message: str) -> object:
    try:
        return loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: nesting too deep for the decoder ([[[[…).
        raise RequestRefused(400, "JSONDecodeError", message) from None
