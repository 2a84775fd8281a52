import graphene

from ....tickets import models
from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import PUBLIC
from ...core.throttling import throttle
from ..types import CustomerTicket, TicketError
from ..utils import customer_ticket, requester_email


class MyTicketReply(BaseMutation):
    ticket = graphene.Field(CustomerTicket, description="The ticket.")

    class Arguments:
        id = graphene.ID(description="Signed-in customers: the ticket's ID.")
        access_token = graphene.String(description="Guests: the ticket's access token.")
        body = graphene.String(required=True, description="The message (plain text).")

    class Meta:
        description = "The customer answers on their ticket (signed in, or through the guest link)."
        # The ticket's ID (as its signed-in customer) or its access token proves the right.
        permission = PUBLIC
        error_type_class = TicketError

    @classmethod
    def throttle(cls, info, data):
        throttle(info, "ticket_reply", email=requester_email(info, data.get("access_token")))

    @classmethod
    def perform_mutation(cls, root, info, /, *, body, id=None, access_token=None):
        ticket = customer_ticket(info, id, access_token)
        desk.customer_reply(ticket, body, via="web_form", author_name=ticket.requester_email)
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk))
