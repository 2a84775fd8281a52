import graphene

from ....tickets import services as desk
from ...core.mutations import BaseMutation, decode_id
from ...core.permissions import MANAGE_USERS_AND_ORDERS, check_order_access
from ..types import Ticket, TicketError
from ..utils import get_ticket


class TicketLinkOrder(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        order = graphene.ID(description="One of the customer's orders; null to unlink.")

    class Meta:
        description = (
            "Link a ticket to one of its customer's orders. "
            "Requires MANAGE_USERS and MANAGE_ORDERS, and access to the order's channel."
        )
        permission = MANAGE_USERS_AND_ORDERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, order=None):
        order_id = decode_id(order, "Order", "order", desk.TicketError)
        ticket = get_ticket(id)
        # Both the order linked and the one it replaces must be in the
        # requestor's channels.
        check_order_access(info.context.requestor, order_id, ticket.order_id)
        return cls(ticket=desk.link_order(ticket, order_id))
