import graphene

from ....webhooks import services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_APPS_AND_USERS
from ..types import CrmWebhook, CrmWebhookCreateInput, CrmWebhookError


class CrmWebhookCreate(BaseMutation):
    webhook = graphene.Field(CrmWebhook, description="The new endpoint.")
    secret = graphene.String(
        description="The generated signing secret, when none was given: shown only here."
    )

    class Arguments:
        input = CrmWebhookCreateInput(required=True, description="Fields of the endpoint.")

    class Meta:
        description = (
            "Register an outbound webhook endpoint. Its URL is resolved and refused "
            "(FORBIDDEN_DESTINATION) on a private, loopback, link-local, multicast or reserved "
            "address. Requires MANAGE_APPS and MANAGE_USERS (the events carry customer data)."
        )
        permission = MANAGE_APPS_AND_USERS
        error_type_class = CrmWebhookError

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        endpoint, generated = services.create_endpoint(
            services.EndpointInput(
                url=input.get("url"),
                secret=input.get("secret"),
                event_types=input.get("event_types"),
                is_active=input.get("is_active"),
                name=input.get("name"),
            )
        )
        return cls(webhook=endpoint, secret=generated)
