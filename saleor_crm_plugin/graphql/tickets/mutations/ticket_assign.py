import graphene
from django.contrib.auth import get_user_model

from ....tickets import services as desk
from ...core.mutations import BaseMutation, decode_id
from ...core.permissions import MANAGE_USERS
from ..types import Ticket, TicketError
from ..utils import get_ticket


class TicketAssign(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        assignee = graphene.ID(description="Staff member (Saleor User ID); null to unassign.")

    class Meta:
        description = "Assign a ticket to a staff member. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, assignee=None):
        user_pk = decode_id(assignee, "User", "assignee", desk.TicketError, get_user_model())
        return cls(ticket=desk.assign(get_ticket(id), user_pk))
