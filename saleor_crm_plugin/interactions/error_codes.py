"""Why logging an interaction was refused; the GraphQL ``InteractionErrorCode`` is built from this."""

from enum import Enum


class InteractionErrorCode(Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
