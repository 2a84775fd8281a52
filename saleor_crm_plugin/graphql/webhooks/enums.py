import graphene

from ...webhooks import error_codes
from ...webhooks.events import DESCRIPTIONS, WebhookEventType
from ...webhooks.models import DeliveryStatus

CrmWebhookEventTypeEnum = graphene.Enum(
    "CrmWebhookEventTypeEnum",
    [(event.name, event.value) for event in WebhookEventType],
    description=lambda member: (
        f"`{member.value}`: {DESCRIPTIONS[WebhookEventType(member.value)]}"
        if member
        else "A CRM event webhook endpoints subscribe to (the payload's `type`)."
    ),
)

CrmWebhookDeliveryStatusEnum = graphene.Enum(
    "CrmWebhookDeliveryStatusEnum",
    [(status.name, status.value) for status in DeliveryStatus],
    description=lambda member: (
        {
            DeliveryStatus.PENDING: "Waiting for its first attempt or a retry (or for an "
            "earlier event of the same customer).",
            DeliveryStatus.SENDING: "Being sent.",
            DeliveryStatus.SUCCEEDED: "The endpoint answered 2xx.",
            DeliveryStatus.FAILED: "Every attempt failed; replay it with crmWebhookDeliveryReplay.",
        }[DeliveryStatus(member.value)]
        if member
        else "Where a webhook delivery stands."
    ),
)

CrmWebhookErrorCode = graphene.Enum.from_enum(
    error_codes.WebhookErrorCode, description="Error codes of webhook operations."
)
