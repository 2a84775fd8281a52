"""Errors the API reports, shaped like Saleor's."""

from typing import Any

from graphql.error import GraphQLError


class PermissionDenied(GraphQLError):
    code = "PermissionDenied"

    def __init__(self, permissions: str | None = None, *, customer: bool = False) -> None:
        message = "You do not have permission to perform this action"
        if customer:
            message = "You need to be signed in as a customer to perform this action"
        elif permissions:
            message = f"You need one of the following permissions: {permissions}"
        super().__init__(message)


class InvalidInput(GraphQLError):
    code = "GraphQLError"


def format_error(error: Any) -> dict[str, Any]:
    """A GraphQL error as JSON, with Saleor's ``extensions.exception.code``."""
    from graphql.error import format_error as base_format

    formatted = base_format(error)
    original = getattr(error, "original_error", None) or error
    code = getattr(original, "code", None) or "GraphQLError"
    formatted["extensions"] = {"exception": {"code": code}}
    return formatted
