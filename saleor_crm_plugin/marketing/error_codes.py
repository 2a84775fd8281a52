"""Why a segment action was refused; the GraphQL ``SegmentErrorCode`` is built from this."""

from enum import Enum


class SegmentErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    # A field/operator pair the field does not support.
    INVALID_OPERATOR = "invalid_operator"
    # A value of the wrong type or out of range for its field.
    INVALID_VALUE = "invalid_value"
    # Too deep or too many conditions.
    TOO_COMPLEX = "too_complex"


class ConsentErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    # Too many requests from this client or for this address.
    THROTTLED = "throttled"
    # A confirmation link that is forged, expired or already used.
    INVALID_TOKEN = "invalid_token"
    # The address belongs to an erased customer: its suppression stays.
    ERASED = "erased"
