import graphene

from ....order_access import may_see_order, order_fact
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
            "Merge a duplicate ticket into another of the same customer. Requires "
            "MANAGE_USERS. A target without an order takes the duplicate's only if the "
            "requestor may link it (MANAGE_ORDERS and access to its channel); otherwise the "
            "order stays on the duplicate."
        )
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, source, target):
        requestor = info.context.requestor
        merged = desk.merge(
            get_ticket(source, "source"),
            get_ticket(target, "target"),
            staff_author(info),
            may_link_order=lambda order_id: may_see_order(requestor, order_fact(order_id)),
        )
        return cls(ticket=merged)
