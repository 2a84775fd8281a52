import graphene

from ....webhooks import services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_APPS_AND_USERS
from ..types import CrmWebhookError
from ..utils import get_webhook


class CrmWebhookDelete(BaseMutation):
    deleted_id = graphene.ID(description="ID of the deleted endpoint.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the endpoint.")

    class Meta:
        description = (
            "Delete a webhook endpoint with its delivery log; what it had not received yet is "
            "dropped. Requires MANAGE_APPS and MANAGE_USERS."
        )
        permission = MANAGE_APPS_AND_USERS
        error_type_class = CrmWebhookError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id):
        services.delete_endpoint(get_webhook(id))
        return cls(deleted_id=id)
