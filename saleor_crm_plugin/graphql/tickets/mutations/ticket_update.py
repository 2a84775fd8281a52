import graphene

from ....text import PLAIN_TEXT
from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..enums import TicketPriorityEnum, TicketStatusEnum
from ..types import Ticket, TicketError
from ..utils import get_ticket


class TicketUpdateInput(graphene.InputObjectType):
    subject = graphene.String(description=f"Subject, at most 255 characters. {PLAIN_TEXT}")
    status = graphene.Field(TicketStatusEnum, description="Status.")
    priority = graphene.Field(TicketPriorityEnum, description="Priority (moves SLA targets).")
    tags = graphene.List(
        graphene.NonNull(graphene.String),
        description=f"Replaces the tags; at most 100 characters each. {PLAIN_TEXT}",
    )

    class Meta:
        description = "Changes to a ticket."


class TicketUpdate(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketUpdateInput(required=True, description="Changes.")

    class Meta:
        description = "Change a ticket's status, priority, subject or tags. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        return cls(ticket=desk.update_ticket(get_ticket(id), dict(input)))
