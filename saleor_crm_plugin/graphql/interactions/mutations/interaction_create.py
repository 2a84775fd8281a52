import graphene
from graphene.types.generic import GenericScalar

from ....interactions.error_codes import InteractionErrorCode
from ....interactions.services import InteractionError, InteractionInput, log_interaction
from ....text import PLAIN_TEXT
from ....validation import clean_email
from ...core.mutations import BaseMutation, decode_id
from ...core.permissions import MANAGE_USERS, check_order_access
from ...core.utils import staff_identity
from ..enums import InteractionChannelEnum, InteractionDirectionEnum
from ..types import Interaction
from ..types import InteractionError as InteractionErrorType


class InteractionCreateInput(graphene.InputObjectType):
    customer_email = graphene.String(required=True, description="The customer's email.")
    channel = graphene.Field(InteractionChannelEnum, required=True, description="Channel.")
    direction = graphene.Field(InteractionDirectionEnum, required=True, description="Direction.")
    subject = graphene.String(description=f"Subject, at most 255 characters. {PLAIN_TEXT}")
    body = graphene.String(description="What was said (HTML, sanitised).")
    occurred_at = graphene.DateTime(
        description="When (default: now); from 2000-01-01 to one day ahead, with a time zone."
    )
    order = graphene.ID(description="Related order (Saleor Order ID). Requires MANAGE_ORDERS.")
    source = graphene.String(
        description="Tool it came from, e.g. 'phone-system'; at most 64 characters."
    )
    external_id = graphene.String(
        description="Its ID there, at most 255 characters; logging it twice stores it once."
    )
    metadata = GenericScalar(
        description=f"Free metadata (a JSON object), kept as sent. {PLAIN_TEXT}"
    )

    class Meta:
        description = "A contact with a customer."


class InteractionCreate(BaseMutation):
    interaction = graphene.Field(Interaction, description="The interaction.")
    created = graphene.Boolean(description="False when it was logged before (same externalId).")

    class Arguments:
        input = InteractionCreateInput(required=True, description="The interaction.")

    class Meta:
        description = (
            "Log a call, chat, visit or message on the customer's timeline. Requires "
            "MANAGE_USERS; with `order`, MANAGE_ORDERS too, and access to the order's channel."
        )
        permission = MANAGE_USERS
        error_type_class = InteractionErrorType

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        # The service checks the rest under the same names as the input's fields.
        email = clean_email(input["customer_email"], "customerEmail", InteractionError)
        if not email:
            raise InteractionError(
                "customerEmail", "Say who the customer is: an email.", InteractionErrorCode.REQUIRED
            )
        metadata = input.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InteractionError(
                "metadata", "Give metadata as a JSON object.", InteractionErrorCode.INVALID
            )
        order_id = decode_id(input.get("order"), "Order", "order", InteractionError)
        check_order_access(info.context.requestor, order_id)
        author = staff_identity(info.context.requestor)
        interaction, created = log_interaction(
            InteractionInput(
                channel=input["channel"],
                direction=input["direction"],
                email=email,
                subject=input.get("subject") or "",
                body=input.get("body") or "",
                body_is_html=True,
                occurred_at=input.get("occurred_at"),
                author_user_id=author.user_pk,
                author_name=author.name,
                order_id=order_id,
                source=input.get("source") or "",
                external_id=input.get("external_id"),
                metadata=metadata,
            )
        )
        return cls(interaction=interaction, created=created)
