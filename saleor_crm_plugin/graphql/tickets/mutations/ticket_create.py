import graphene

from ....text import PLAIN_TEXT
from ....tickets import services as desk
from ....validation import clean_email
from ...core.mutations import BaseMutation, decode_id
from ...core.permissions import MANAGE_USERS, check_order_access
from ...interactions.enums import InteractionChannelEnum
from ..enums import TicketPriorityEnum
from ..types import Ticket, TicketError
from ..utils import staff_author


class TicketCreateInput(graphene.InputObjectType):
    customer_email = graphene.String(required=True, description="The customer's email.")
    subject = graphene.String(
        required=True, description=f"Subject, at most 255 characters. {PLAIN_TEXT}"
    )
    body = graphene.String(required=True, description="First message (HTML, sanitised).")
    channel = graphene.Field(InteractionChannelEnum, description="Came in by (default: phone).")
    priority = graphene.Field(TicketPriorityEnum, description="Priority (default: normal).")
    order = graphene.ID(
        description=("The customer's order it is about (Saleor Order ID). Requires MANAGE_ORDERS.")
    )
    tags = graphene.List(
        graphene.NonNull(graphene.String),
        description=f"Tags, at most 100 characters each. {PLAIN_TEXT}",
    )

    class Meta:
        description = "A ticket staff open on a customer's behalf."


class TicketCreate(BaseMutation):
    ticket = graphene.Field(Ticket, description="The new ticket.")

    class Arguments:
        input = TicketCreateInput(required=True, description="The ticket.")

    class Meta:
        description = (
            "Open a ticket for a customer (e.g. after a call). Requires MANAGE_USERS; "
            "with `order`, MANAGE_ORDERS too, and access to the order's channel."
        )
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        # Checked here to name the input's field; the service checks it too.
        clean_email(input["customer_email"], "customerEmail", desk.TicketError)
        order_id = decode_id(input.get("order"), "Order", "order", desk.TicketError)
        check_order_access(info.context.requestor, order_id)
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject=input["subject"],
                body=input["body"],
                email=input["customer_email"],
                channel=input.get("channel") or "phone",
                priority=input.get("priority") or "normal",
                order_id=order_id,
                tags=input.get("tags") or [],
                body_is_html=True,
            ),
            staff_author(info),
        )
        return cls(ticket=ticket)
