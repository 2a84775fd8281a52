import graphene
from graphql_relay import to_global_id

from ...webhooks import models
from ..core.connection import connection_args, connection_type, paginate
from ..core.mutations import error_type
from .enums import CrmWebhookDeliveryStatusEnum, CrmWebhookErrorCode, CrmWebhookEventTypeEnum


class CrmWebhookCreateInput(graphene.InputObjectType):
    url = graphene.String(
        required=True,
        description=(
            "http(s) URL the events are POSTed to. Its host must resolve to public addresses "
            "only (unless SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE)."
        ),
    )
    event_types = graphene.List(
        graphene.NonNull(CrmWebhookEventTypeEnum),
        required=True,
        description="The events to send (at least one).",
    )
    secret = graphene.String(
        description=(
            "Signing secret, 24-255 characters. Omitted: one is generated and returned once "
            "in the payload's `secret`."
        )
    )
    name = graphene.String(description="What the endpoint is (for staff).")
    is_active = graphene.Boolean(description="Send events to it (default true).")

    class Meta:
        description = "A new webhook endpoint."


class CrmWebhookUpdateInput(graphene.InputObjectType):
    url = graphene.String(description="New URL (checked as on create).")
    event_types = graphene.List(
        graphene.NonNull(CrmWebhookEventTypeEnum), description="The events to send (replaced)."
    )
    secret = graphene.String(description="New signing secret, 24-255 characters.")
    name = graphene.String(description="New name.")
    is_active = graphene.Boolean(
        description=(
            "Turn it on or off. Turning on an endpoint the CRM turned off clears the reason; "
            "the deliveries that waited go out."
        )
    )

    class Meta:
        description = "Fields of a webhook endpoint to change; those omitted stay."


class CrmWebhookDelivery(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the delivery.")
    webhook = graphene.Field(
        lambda: CrmWebhook, required=True, description="The endpoint it goes to."
    )
    # A string: Saleor's schema has a UUID scalar of its own.
    event_id = graphene.String(
        required=True,
        description="The event's ID (a UUID): the payload's `id` and `Idempotency-Key`.",
    )
    event_type = CrmWebhookEventTypeEnum(required=True, description="The event's type.")
    occurred_at = graphene.DateTime(required=True, description="When the event happened.")
    status = CrmWebhookDeliveryStatusEnum(required=True, description="Where it stands.")
    attempts = graphene.Int(
        required=True, description="Attempts made (since the last replay, if any)."
    )
    response_code = graphene.Int(description="HTTP status of the last answer; null without one.")
    last_error = graphene.String(
        required=True, description="Why the last attempt failed; empty if it did not."
    )
    last_attempt_at = graphene.DateTime(description="When it was last attempted.")
    next_attempt_at = graphene.DateTime(description="When it is due (pending only).")
    delivered_at = graphene.DateTime(description="When the endpoint accepted it.")
    created_at = graphene.DateTime(required=True, description="When it was queued.")

    class Meta:
        description = "One event's delivery to one endpoint: the delivery log."

    @staticmethod
    def resolve_id(root: models.WebhookDelivery, info):
        return to_global_id("CrmWebhookDelivery", root.pk)

    @staticmethod
    def resolve_webhook(root: models.WebhookDelivery, info):
        return root.endpoint

    @staticmethod
    def resolve_event_id(root: models.WebhookDelivery, info):
        return root.event.event_id

    @staticmethod
    def resolve_event_type(root: models.WebhookDelivery, info):
        return root.event.type

    @staticmethod
    def resolve_occurred_at(root: models.WebhookDelivery, info):
        return root.event.occurred_at

    @staticmethod
    def resolve_next_attempt_at(root: models.WebhookDelivery, info):
        return root.next_attempt_at if root.status == models.DeliveryStatus.PENDING else None


CrmWebhookDeliveryCountableConnection = connection_type(
    CrmWebhookDelivery, "CrmWebhookDelivery", "A page of webhook deliveries, newest first."
)


def deliveries_page(queryset, **pagination):
    queryset = queryset.select_related("event", "endpoint")
    return paginate(queryset, [("created_at", True)], **pagination)


class CrmWebhook(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the endpoint.")
    name = graphene.String(required=True, description="What it is (for staff).")
    url = graphene.String(required=True, description="Where events are POSTed.")
    event_types = graphene.List(
        graphene.NonNull(CrmWebhookEventTypeEnum), required=True, description="What it receives."
    )
    is_active = graphene.Boolean(required=True, description="Events are recorded and sent for it.")
    has_secret = graphene.Boolean(
        required=True, description="A signing secret is set (it is never shown again)."
    )
    consecutive_failures = graphene.Int(
        required=True, description="Failed attempts in a row (0 after a success)."
    )
    disabled_at = graphene.DateTime(
        description="When the CRM turned it off after failures in a row; null otherwise."
    )
    disabled_reason = graphene.String(
        required=True, description="Why the CRM turned it off; empty otherwise."
    )
    deliveries = graphene.Field(
        CrmWebhookDeliveryCountableConnection,
        status=graphene.Argument(CrmWebhookDeliveryStatusEnum, description="Only these."),
        description="Its delivery log, newest first.",
        **connection_args(),
    )
    created_at = graphene.DateTime(required=True, description="Created.")
    updated_at = graphene.DateTime(required=True, description="Last changed.")

    class Meta:
        description = "An outbound webhook endpoint: CRM events POSTed to it, signed."

    @staticmethod
    def resolve_id(root: models.WebhookEndpoint, info):
        return to_global_id("CrmWebhook", root.pk)

    @staticmethod
    def resolve_has_secret(root: models.WebhookEndpoint, info):
        return bool(root.secret)

    @staticmethod
    def resolve_deliveries(root: models.WebhookEndpoint, info, status=None, **pagination):
        queryset = models.WebhookDelivery.objects.filter(endpoint=root)
        if status:
            queryset = queryset.filter(status=status)
        return deliveries_page(queryset, **pagination)


CrmWebhookCountableConnection = connection_type(
    CrmWebhook, "CrmWebhook", "A page of webhook endpoints."
)

CrmWebhookError = error_type(
    "CrmWebhookError", CrmWebhookErrorCode, "An error from a webhook operation."
)
