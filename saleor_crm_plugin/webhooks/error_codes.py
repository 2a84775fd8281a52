"""Why a webhook action was refused; the GraphQL ``CrmWebhookErrorCode`` is built from this."""

from enum import Enum


class CrmWebhookErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    # Not an http(s) URL, or one with credentials or a fragment.
    INVALID_URL = "invalid_url"
    # The host does not resolve, or resolves to an address webhooks may not reach.
    FORBIDDEN_DESTINATION = "forbidden_destination"
    # An event type the CRM does not send.
    INVALID_EVENT_TYPE = "invalid_event_type"
    # Only failed deliveries are replayed.
    NOT_FAILED = "not_failed"


# The class's name is the GraphQL enum's: Saleor's schema has its own
# WebhookErrorCode, and the CRM's types share Saleor's schema namespace.
WebhookErrorCode = CrmWebhookErrorCode
