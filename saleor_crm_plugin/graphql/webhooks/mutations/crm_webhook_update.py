import graphene

from ....webhooks import services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_APPS_AND_USERS
from ..types import CrmWebhook, CrmWebhookError, CrmWebhookUpdateInput
from ..utils import get_webhook


class CrmWebhookUpdate(BaseMutation):
    webhook = graphene.Field(CrmWebhook, description="The endpoint.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the endpoint.")
        input = CrmWebhookUpdateInput(required=True, description="What to change.")

    class Meta:
        description = (
            "Change a webhook endpoint, or turn it on again after the CRM turned it off. "
            "Requires MANAGE_APPS and MANAGE_USERS."
        )
        permission = MANAGE_APPS_AND_USERS
        error_type_class = CrmWebhookError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        endpoint = get_webhook(id)
        endpoint = services.update_endpoint(
            endpoint,
            services.EndpointInput(
                url=input.get("url"),
                secret=input.get("secret"),
                event_types=input.get("event_types"),
                is_active=input.get("is_active"),
                name=input.get("name"),
            ),
        )
        return cls(webhook=endpoint)
