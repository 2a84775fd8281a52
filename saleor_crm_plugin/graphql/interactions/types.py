import graphene
from graphene.types.generic import GenericScalar
from graphql_relay import to_global_id

from ...interactions import models
from ...text import PLAIN_TEXT, sanitize_html
from ..core.connection import connection_type
from ..core.mutations import error_type
from ..core.utils import saleor_id
from ..profiles.dataloaders import CustomerProfileByIdLoader, order_reference
from .enums import InteractionChannelEnum, InteractionDirectionEnum, InteractionErrorCode


class Interaction(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the interaction.")
    channel = graphene.Field(InteractionChannelEnum, required=True, description="Channel.")
    direction = graphene.Field(InteractionDirectionEnum, required=True, description="Direction.")
    subject = graphene.String(required=True, description=f"Subject. {PLAIN_TEXT}")
    body = graphene.String(required=True, description="Sanitised HTML.")
    occurred_at = graphene.DateTime(required=True, description="When it happened.")
    author = graphene.ID(description="Saleor global ID of the staff member who logged it.")
    author_name = graphene.String(
        required=True, description=f"Who logged it otherwise. {PLAIN_TEXT}"
    )
    order = graphene.ID(
        description=(
            "Saleor global ID of the related order. Requires MANAGE_ORDERS; null for staff "
            "restricted to other channels than the order's."
        )
    )
    source = graphene.String(required=True, description="Tool it came from.")
    external_id = graphene.String(description="Its ID in that tool.")
    metadata = GenericScalar(
        required=True,
        description=f"Free metadata, kept as sent. {PLAIN_TEXT}",
    )
    customer = graphene.Field(
        "saleor_crm_plugin.graphql.profiles.types.CustomerProfile",
        required=True,
        description="The customer's profile.",
    )

    class Meta:
        description = "One contact with a customer on any channel."

    @staticmethod
    def resolve_body(root, info):
        # Sanitised again on the way out: a body stored before sanitising
        # existed, or under an older allow-list, is rendered as HTML.
        return sanitize_html(root.body)

    @staticmethod
    def resolve_id(root: models.Interaction, info):
        return to_global_id("Interaction", root.pk)

    @staticmethod
    def resolve_author(root: models.Interaction, info):
        return saleor_id("User", root.author_user_id)

    @staticmethod
    def resolve_order(root: models.Interaction, info):
        return order_reference(info, root.order_id)

    @staticmethod
    def resolve_customer(root: models.Interaction, info):
        if models.Interaction.profile.is_cached(root):
            return root.profile
        return CustomerProfileByIdLoader(info.context).load(root.profile_id)


InteractionCountableConnection = connection_type(
    Interaction, "Interaction", "A page of interactions."
)

InteractionError = error_type(
    "InteractionError", InteractionErrorCode, "An error from an interaction mutation."
)
