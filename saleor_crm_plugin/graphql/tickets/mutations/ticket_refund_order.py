import graphene

from ....tickets import models, order_actions
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS_AND_ORDERS, check_order_access
from ...core.types import CrmDecimal
from ..types import Ticket, TicketError, TicketRefund
from ..utils import get_ticket, staff_author


class TicketRefundInput(graphene.InputObjectType):
    amount = CrmDecimal(required=True, description="Amount, in the order's currency.")
    reason = graphene.String(description="Why (kept on the ticket and given to Saleor).")

    class Meta:
        description = "A refund of the ticket's order."


class TicketRefundOrder(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    refund = graphene.Field(TicketRefund, description="The refund started.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketRefundInput(required=True, description="The refund.")

    class Meta:
        description = (
            "Start a refund of the ticket's linked order through Saleor's own refund "
            "operation (a granted refund requested from the payment app for orders paid "
            "through transactions, `orderRefund` for the older payments), which checks the "
            "requestor's Saleor permissions again. Recorded on the ticket and the customer's "
            "timeline. Refused with UNAVAILABLE outside Saleor. Requires MANAGE_USERS and "
            "MANAGE_ORDERS, and access to the order's channel."
        )
        permission = MANAGE_USERS_AND_ORDERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        ticket = get_ticket(id)
        requestor = info.context.requestor
        check_order_access(requestor, ticket.order_id)
        refund = order_actions.refund_order(
            ticket, input.amount, input.get("reason") or "", staff_author(info), requestor
        )
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk), refund=refund)
