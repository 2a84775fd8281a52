import graphene

from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..enums import TicketPriorityEnum
from ..types import SlaPolicy, TicketError


class SlaPolicySet(BaseMutation):
    sla_policy = graphene.Field(SlaPolicy, description="The policy.")

    class Arguments:
        priority = TicketPriorityEnum(required=True, description="Priority.")
        first_response_minutes = graphene.Int(required=True, description="First reply within.")
        resolution_minutes = graphene.Int(required=True, description="Solved within.")

    class Meta:
        description = (
            "Set the SLA targets of a priority; applies to tickets opened from now on and to "
            "tickets whose priority changes. Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(
        cls, root, info, /, *, priority, first_response_minutes, resolution_minutes
    ):
        policy = desk.set_sla_policy(priority, first_response_minutes, resolution_minutes)
        return cls(sla_policy=policy)
