"""JSON error bodies the CRM's endpoints answer with, and the request checks
they share.

Two shapes, each where its clients expect it: GraphQL clients (and the
Dashboard extension, which loads its files from the same route) read
Saleor's ``{"errors": [{"message", "extensions": {"exception": {"code"}}}]}``;
the signed inbound endpoints answer like the CRM's mutations,
``{"errors": [{"field", "code", "message"}]}``. A view refuses a request by
raising :class:`RequestRefused`; :func:`.routing.handle` answers it in the
endpoint's shape, and turns Django's own request failures (body too large,
bad Host, undecodable input) and unexpected exceptions into the same.
"""

from __future__ import annotations

import json
import math

from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException


def graphql_error(message: str, code: str, status: int) -> JsonResponse:
    """One error in the shape of a GraphQL response with no data."""
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"exception": {"code": code}}}]},
        status=status,
    )


def field_errors(status: int, *errors: tuple[str | None, str, str]) -> JsonResponse:
    """``(field, code, message)`` triples in the shape of a mutation's ``errors``."""
    return JsonResponse(
        {"errors": [{"field": f, "code": c, "message": m} for f, c, m in errors]}, status=status
    )


class RequestRefused(Exception):
    """A request the endpoint will not run: answered with ``status`` and one
    error, in the endpoint's shape. Expected, so logged without a traceback.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def loads(text: str | bytes) -> object:
    """JSON as RFC 8259 has it. Python's reader also takes ``NaN``,
    ``Infinity`` and numbers past a double (as infinity), which no database
    column or comparison takes; here they are ``ValueError`` like any other
    invalid JSON.
    """
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused with 413 when larger than ``limit`` bytes.

    The declared length is checked before anything is read; a body sent
    without one (chunked) is checked once read.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise RequestRefused(400, "INVALID", "Content-Length is not a number.") from None
    if declared > limit:
        raise too_large(limit)
    try:
        body = request.body
    except RawPostDataException:
        # The host already parsed a form body; there is no raw body to read.
        raise RequestRefused(415, "UNSUPPORTED_MEDIA_TYPE", "Send a raw request body.") from None
    if len(body) > limit:
        raise too_large(limit)
    return body


def too_large(limit: int) -> RequestRefused:
    return RequestRefused(413, "REQUEST_TOO_LARGE", f"The request body exceeds {limit} bytes.")


def require_content_type(request: HttpRequest, *accepted: str) -> None:
    """Refuse with 415 unless the body's media type is one of ``accepted``."""
    if (request.content_type or "").lower() not in accepted:
        raise RequestRefused(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Send the body as {' or '.join(accepted)}.",
        )
