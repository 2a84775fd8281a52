"""Why a profile edit was refused; the GraphQL ``CustomerProfileErrorCode`` is built from this."""

from enum import Enum


class CustomerProfileErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
