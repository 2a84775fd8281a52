"""JSON error bodies the CRM's endpoints answer with.

Two shapes, each where its clients expect it: GraphQL clients (and the
Dashboard extension, which loads its files from the same route) read
Saleor's ``{"errors": [{"message", "extensions": {"exception": {"code"}}}]}``;
the signed inbound endpoints answer like the CRM's mutations,
``{"errors": [{"field", "code", "message"}]}``.
"""

from __future__ import annotations

from django.http import JsonResponse


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
