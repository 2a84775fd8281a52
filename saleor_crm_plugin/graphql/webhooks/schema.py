"""Outbound webhooks: staff operations."""

import graphene

from ...webhooks.models import WebhookDelivery, WebhookEndpoint
from ..core.connection import connection_args, paginate
from .enums import CrmWebhookDeliveryStatusEnum
from .mutations.crm_webhook_create import CrmWebhookCreate
from .mutations.crm_webhook_delete import CrmWebhookDelete
from .mutations.crm_webhook_delivery_replay import CrmWebhookDeliveryReplay
from .mutations.crm_webhook_update import CrmWebhookUpdate
from .types import (
    CrmWebhook,
    CrmWebhookCountableConnection,
    CrmWebhookDeliveryCountableConnection,
    deliveries_page,
)
from .utils import webhook_or_none

PERMISSION = "Requires MANAGE_APPS and MANAGE_USERS."


class WebhookQueries(graphene.ObjectType):
    crm_webhooks = graphene.Field(
        CrmWebhookCountableConnection,
        description=f"Outbound webhook endpoints, oldest first. {PERMISSION}",
        **connection_args(),
    )
    crm_webhook = graphene.Field(
        CrmWebhook,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the endpoint."),
        description=f"One webhook endpoint. {PERMISSION}",
    )
    crm_webhook_deliveries = graphene.Field(
        CrmWebhookDeliveryCountableConnection,
        webhook=graphene.Argument(graphene.ID, description="Only this endpoint's."),
        status=graphene.Argument(CrmWebhookDeliveryStatusEnum, description="Only these."),
        description=f"The webhook delivery log, newest first. {PERMISSION}",
        **connection_args(),
    )

    @staticmethod
    def resolve_crm_webhooks(root, info, **pagination):
        return paginate(WebhookEndpoint.objects.all(), [("created_at", False)], **pagination)

    @staticmethod
    def resolve_crm_webhook(root, info, id):
        return webhook_or_none(id)

    @staticmethod
    def resolve_crm_webhook_deliveries(root, info, webhook=None, status=None, **pagination):
        queryset = WebhookDelivery.objects.all()
        if webhook is not None:
            endpoint = webhook_or_none(webhook)
            queryset = queryset.filter(endpoint=endpoint) if endpoint else queryset.none()
        if status:
            queryset = queryset.filter(status=status)
        return deliveries_page(queryset, **pagination)


class WebhookMutations(graphene.ObjectType):
    crm_webhook_create = CrmWebhookCreate.Field()
    crm_webhook_update = CrmWebhookUpdate.Field()
    crm_webhook_delete = CrmWebhookDelete.Field()
    crm_webhook_delivery_replay = CrmWebhookDeliveryReplay.Field()
