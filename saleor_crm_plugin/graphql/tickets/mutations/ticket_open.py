import graphene
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ....auth import RequestorKind
from ....snapshots import normalize_email
from ....text import PLAIN_TEXT
from ....tickets import services as desk
from ....tickets.error_codes import TicketErrorCode
from ....tickets.models import TicketAuthorKind
from ...core.mutations import BaseMutation, decode_id
from ...core.permissions import PUBLIC
from ...core.throttling import throttle
from ..types import CustomerTicket, TicketError


class TicketOpenInput(graphene.InputObjectType):
    email = graphene.String(description="Guests only: where to answer. Ignored when signed in.")
    subject = graphene.String(
        required=True, description=f"Subject, at most 255 characters. {PLAIN_TEXT}"
    )
    body = graphene.String(required=True, description="The message (plain text).")
    order = graphene.ID(description="Signed-in customers: one of their orders (Saleor Order ID).")

    class Meta:
        description = "A customer's request for help."


class TicketOpen(BaseMutation):
    ticket = graphene.Field(CustomerTicket, description="The new ticket.")
    access_token = graphene.String(
        description="Guests: keep it to follow and answer the ticket (ticketByAccessToken)."
    )

    class Arguments:
        input = TicketOpenInput(required=True, description="The request.")

    class Meta:
        description = (
            "Open a ticket from the storefront: a signed-in customer, or a guest with an email."
        )
        permission = PUBLIC
        error_type_class = TicketError

    @classmethod
    def throttle(cls, info, data):
        requestor = info.context.requestor
        signed_in = requestor.kind == RequestorKind.CUSTOMER and requestor.user_id
        throttle(
            info, "ticket_open", email=requestor.email if signed_in else data["input"].get("email")
        )

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        requestor = info.context.requestor
        signed_in = requestor.kind == RequestorKind.CUSTOMER and requestor.user_id
        email = requestor.email if signed_in else normalize_email(input.get("email"))
        if not email:
            raise desk.TicketError(
                "email", "Tell us your email so we can answer.", TicketErrorCode.REQUIRED
            )
        try:
            validate_email(email)
        except ValidationError as exc:
            raise desk.TicketError(
                "email", "Enter a valid email address.", TicketErrorCode.INVALID
            ) from exc
        order_id = decode_id(input.get("order"), "Order", "order", desk.TicketError)
        if order_id and not signed_in:
            raise desk.TicketError(
                "order", "Sign in to open a ticket about an order.", TicketErrorCode.INVALID
            )
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject=input["subject"],
                body=input["body"],
                email=email,
                user_id=requestor.user_id if signed_in else None,
                order_id=order_id,
            ),
            desk.Author(kind=TicketAuthorKind.CUSTOMER, name=email),
        )
        return cls(ticket=ticket, access_token=None if signed_in else desk.access_token(ticket))
