import graphene

from ....tickets import models
from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..types import Ticket, TicketError, TicketMessage
from ..utils import get_ticket, staff_author


class TicketAddNote(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    message = graphene.Field(TicketMessage, description="The note.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        body = graphene.String(required=True, description="The note (HTML, sanitised).")

    class Meta:
        description = "Add an internal note, never shown to the customer. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, body):
        ticket = get_ticket(id)
        message = desk.add_note(ticket, body, staff_author(info))
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk), message=message)
