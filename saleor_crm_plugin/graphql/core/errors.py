"""Errors the API reports, shaped like Saleor's.

Every error carries ``extensions.exception.code``. Expected errors (the
requestor lacks a permission, the input is invalid, the query is over a
limit) keep their message and are logged at info without a traceback. Any
other exception raised while resolving is a bug: the client gets only
"Internal Server Error." with code ``INTERNAL_ERROR`` (no SQL, no framework
message) and the log gets the traceback.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from graphql.error import GraphQLError

from ...errors import CRMError

logger = logging.getLogger("saleor_crm_plugin.graphql")

INTERNAL_ERROR = "INTERNAL_ERROR"
INTERNAL_ERROR_MESSAGE = "Internal Server Error."


class PermissionDenied(GraphQLError):
    code = "PermissionDenied"

    def __init__(
        self, permissions: str | None = None, *, customer: bool = False, message: str = ""
    ) -> None:
        if not message and customer:
            message = "You need to be signed in as a customer to perform this action"
        elif not message and permissions:
            message = f"You need one of the following permissions: {permissions}"
        super().__init__(message or "You do not have permission to perform this action")


class InvalidInput(GraphQLError):
    code = "GraphQLError"


class OperationNotAllowed(Exception):
    """The operation's type (``mutation``) may not run over this request (GET)."""

    def __init__(self, operation: str) -> None:
        super().__init__(operation)
        self.operation = operation


def classify(error: Any) -> tuple[str, str, bool]:
    """``(code, message, expected)`` of an error in an execution result."""
    original = getattr(error, "original_error", None)
    if original is None and not isinstance(error, GraphQLError):
        return INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE, False
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own (syntax, validation, variables) and the CRM's.
        source = original if original is not None else error
        return getattr(source, "code", None) or "GraphQLError", str(error), True
    if isinstance(original, CRMError):
        return original.code.upper(), str(original), True
    if isinstance(original, ValidationError):
        return "GraphQLError", " ".join(original.messages), True
    return INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE, False


def format_error(error: Any) -> dict[str, Any]:
    """A GraphQL error as JSON, with Saleor's ``extensions.exception.code``."""
    from graphql.error import format_error as base_format

    code, message, _ = classify(error)
    formatted = base_format(error)
    formatted["message"] = message
    formatted["extensions"] = {"exception": {"code": code}}
    return formatted


def log_error(error: Any) -> None:
    """Log an execution error: expected ones at info, bugs with their traceback."""
    code, message, expected = classify(error)
    if expected:
        logger.info("CRM GraphQL error (%s): %s", code, message)
        return
    original = getattr(error, "original_error", None) or error
    logger.error(
        "CRM GraphQL error: %s",
        original,
        exc_info=(type(original), original, original.__traceback__),
    )
