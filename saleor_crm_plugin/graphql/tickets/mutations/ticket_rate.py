import graphene

from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import PUBLIC
from ..types import CustomerTicket, TicketError
from ..utils import customer_ticket


class TicketRate(BaseMutation):
    ticket = graphene.Field(CustomerTicket, description="The rated ticket.")

    class Arguments:
        token = graphene.String(description="The survey token from the email link.")
        id = graphene.ID(description="Signed-in customers: their solved ticket's ID.")
        rating = graphene.Int(required=True, description="1 (poor) to 5 (great).")
        comment = graphene.String(description="Anything to add.")

    class Meta:
        description = "Rate a solved ticket, through the survey link or as its signed-in customer."
        # The signed survey token, or the ticket's ID as its signed-in customer, proves the right.
        permission = PUBLIC
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, rating, token=None, id=None, comment=""):
        if not token:
            token = desk.survey_token(customer_ticket(info, id, None))
        return cls(ticket=desk.rate(token, rating, comment or ""))
