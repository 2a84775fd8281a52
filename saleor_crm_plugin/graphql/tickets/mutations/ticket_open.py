import graphene

from ....auth import RequestorKind
from ....text import PLAIN_TEXT
from ....tickets import services as desk
from ....tickets.error_codes import TicketErrorCode
from ....tickets.models import TicketAuthorKind
from ....validation import clean_email, clean_redirect_url
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
    order = graphene.ID(
        description=(
            "Signed-in customers with a confirmed account: one of their orders (Saleor Order ID)."
        )
    )
    redirect_url = graphene.String(
        description=(
            "URL of the storefront page the ticket's link opens; the link, with the access "
            "token added as `token`, is emailed to the guest (never returned here). Its host "
            "must be in ALLOWED_CLIENT_HOSTS. Required for guests and for customers whose "
            "account is not confirmed; ignored otherwise."
        )
    )

    class Meta:
        description = "A customer's request for help."


class TicketOpen(BaseMutation):
    ticket = graphene.Field(CustomerTicket, description="The new ticket.")
    requires_confirmation = graphene.Boolean(
        description=(
            "True when the ticket's link was emailed to the address given: the ticket waits, "
            "unverified and on no customer's account, until the link is opened "
            "(ticketByAccessToken). False for a signed-in customer with a confirmed account."
        )
    )

    class Arguments:
        input = TicketOpenInput(required=True, description="The request.")

    class Meta:
        description = (
            "Open a ticket from the storefront: a signed-in customer, or a guest with an email "
            "(who gets the ticket's link by email)."
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
        email = requestor.email if signed_in else input.get("email")
        email = clean_email(email, "email", desk.TicketError)
        if not email:
            raise desk.TicketError(
                "email", "Tell us your email so we can answer.", TicketErrorCode.REQUIRED
            )
        # Only a confirmed account proves the email; anyone else gets the
        # ticket's link by email, which proves it when used.
        verified = bool(signed_in and requestor.is_confirmed)
        order_id = decode_id(input.get("order"), "Order", "order", desk.TicketError)
        if order_id and not signed_in:
            raise desk.TicketError(
                "order", "Sign in to open a ticket about an order.", TicketErrorCode.INVALID
            )
        if order_id and not verified:
            raise desk.TicketError(
                "order",
                "Confirm your account to open a ticket about an order.",
                TicketErrorCode.INVALID,
            )
        link_url = None
        if not verified:
            link_url = clean_redirect_url(
                input.get("redirect_url"), "redirectUrl", desk.TicketError
            )
            if not link_url:
                raise desk.TicketError(
                    "redirectUrl",
                    "Give the storefront page the emailed link should open.",
                    TicketErrorCode.REQUIRED,
                )
        ticket = desk.open_ticket(
            desk.NewTicket(
                subject=input["subject"],
                body=input["body"],
                email=email,
                user_id=requestor.user_id if signed_in else None,
                order_id=order_id,
                verified=verified,
                link_url=link_url,
            ),
            desk.Author(kind=TicketAuthorKind.CUSTOMER, name=email),
        )
        return cls(ticket=ticket, requires_confirmation=not verified)
