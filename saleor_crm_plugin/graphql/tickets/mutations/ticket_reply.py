import graphene

from ....tickets import models
from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..enums import TicketStatusEnum
from ..types import Ticket, TicketError, TicketMessage
from ..utils import get_ticket, staff_author


class TicketReplyInput(graphene.InputObjectType):
    body = graphene.String(required=True, description="The reply (HTML, sanitised).")
    status = graphene.Field(TicketStatusEnum, description="Status afterwards (default: pending).")

    class Meta:
        description = "A public reply."


class TicketReply(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    message = graphene.Field(TicketMessage, description="The reply.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketReplyInput(required=True, description="The reply.")

    class Meta:
        description = (
            "Reply to the customer; emailed for email and web-form tickets. Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        ticket = get_ticket(id)
        message = desk.staff_reply(
            ticket, input["body"], staff_author(info), status=input.get("status")
        )
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk), message=message)
