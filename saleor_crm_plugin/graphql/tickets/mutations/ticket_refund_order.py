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
    reason_reference = graphene.ID(
        description=(
            "One of the store's refund reasons (`ticketRefundReasons`): Saleor 3.22+ asks "
            "staff for one when its settings name a refund reason reference type."
        )
    )
    idempotency_key = graphene.String(
        description=(
            "Names this refund request (up to 255 characters): asking again with the same key "
            "answers with the refund already started instead of refunding twice, retries one "
            "that failed, and is refused with IN_PROGRESS while its outcome is unknown. Send a "
            "new key for each refund you mean (the Dashboard makes one per form). Default: "
            "derived from the order, amount and reason, so that the same refund asked twice "
            "is one refund."
        )
    )

    class Meta:
        description = "A refund of the ticket's order."


class TicketRefundOrder(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    refund = graphene.Field(
        TicketRefund,
        description=(
            "The refund's record: started; or, when Saleor refused it, failed with Saleor's "
            "errors (which `errors` reports too)."
        ),
    )

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketRefundInput(required=True, description="The refund.")

    class Meta:
        description = (
            "Start a refund of the ticket's linked order through Saleor's own refund "
            "operation (a granted refund requested from the payment app for orders paid "
            "through transactions, `orderRefund` for the older payments), which checks the "
            "requestor's Saleor permissions again. The request is recorded (REQUESTED) before "
            "Saleor is asked, then marked STARTED (also on the conversation and the customer's "
            "timeline) or FAILED with Saleor's errors; see `idempotencyKey` for retries. "
            "Refused with UNAVAILABLE outside Saleor, with nothing recorded. Requires "
            "MANAGE_USERS and MANAGE_ORDERS, and access to the order's channel."
        )
        permission = MANAGE_USERS_AND_ORDERS
        error_type_class = TicketError
        # The refund records its request before Saleor moves money, and its
        # outcome after: each in a transaction of its own.
        atomic = False

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        ticket = get_ticket(id)
        requestor = info.context.requestor
        check_order_access(requestor, ticket.order_id)
        try:
            refund = order_actions.refund_order(
                ticket,
                input.amount,
                input.get("reason") or "",
                staff_author(info),
                requestor,
                idempotency_key=input.get("idempotency_key"),
                reason_reference=input.get("reason_reference"),
            )
        except order_actions.RefundFailed as failed:
            return cls(
                errors=cls.errors_from(failed),
                ticket=models.Ticket.objects.get(pk=ticket.pk),
                refund=failed.refund,
            )
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk), refund=refund)
