import graphene

from ....text import PLAIN_TEXT
from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import PUBLIC
from ...core.throttling import throttle
from ..types import CustomerTicket, TicketError
from ..utils import customer_ticket, requester_email


class TicketRate(BaseMutation):
    ticket = graphene.Field(CustomerTicket, description="The rated ticket.")

    class Arguments:
        token = graphene.String(description="The survey token from the email link.")
        id = graphene.ID(description="Signed-in customers: their solved ticket's ID.")
        access_token = graphene.String(
            description="Guests: the ticket's access token (as for ticketByAccessToken)."
        )
        rating = graphene.Int(required=True, description="1 (poor) to 5 (great).")
        comment = graphene.String(
            description=f"Anything to add, at most 5,000 characters. {PLAIN_TEXT}"
        )

    class Meta:
        description = (
            "Rate a solved ticket: through the survey link, the guest's access token, "
            "or as its signed-in customer."
        )
        # The signed survey token, the ticket's access token, or the ticket's ID as its
        # signed-in customer proves the right.
        permission = PUBLIC
        error_type_class = TicketError

    @classmethod
    def throttle(cls, info, data):
        email = requester_email(info, data.get("access_token"), data.get("token"))
        throttle(info, "ticket_rate", email=email)

    @classmethod
    def perform_mutation(
        cls, root, info, /, *, rating, token=None, id=None, access_token=None, comment=""
    ):
        if token:
            return cls(ticket=desk.rate(token, rating, comment or ""))
        ticket = customer_ticket(info, id, access_token)
        try:
            return cls(ticket=desk.rate(desk.survey_token(ticket), rating, comment or ""))
        except desk.TicketError as error:
            if error.field != "token":
                raise
            # The survey token is ours, not the caller's: name what they gave.
            field = "accessToken" if access_token else "id"
            raise desk.TicketError(field, str(error), error.code) from error
