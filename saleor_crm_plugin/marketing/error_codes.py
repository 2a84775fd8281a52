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


class CampaignErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    # A subject or body that is not valid Handlebars.
    INVALID_TEMPLATE = "invalid_template"
    # A template naming a variable or helper campaigns do not have.
    UNKNOWN_VARIABLE = "unknown_variable"
    # A campaign that has started (or ended) cannot be changed or deleted.
    NOT_EDITABLE = "not_editable"
    # The action does not apply to the campaign's status (cancel a sent one).
    INVALID_STATUS = "invalid_status"


class OfferErrorCode(Enum):
    """Why an offer (a discount with personal codes) was refused."""

    INVALID = "invalid"
    REQUIRED = "required"
    # A channel the store does not have (or that is not active).
    NOT_FOUND = "not_found"
    # A value the channel's currency cannot hold (too many decimals).
    INVALID_PRECISION = "invalid_precision"
    # The key already names an offer with other terms.
    CONFLICT = "conflict"
