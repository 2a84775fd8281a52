import graphene

from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..types import Ticket, TicketError
from ..utils import get_ticket, staff_author


class TicketMerge(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket kept.")

    class Arguments:
        source = graphene.ID(required=True, description="The duplicate, closed by the merge.")
        target = graphene.ID(required=True, description="The ticket to keep.")

    class Meta:
        description = (
            "Merge a duplicate ticket into another of the same customer. Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, source, target):
        merged = desk.merge(
            get_ticket(source, "source"), get_ticket(target, "target"), staff_author(info)
        )
        return cls(ticket=merged)
