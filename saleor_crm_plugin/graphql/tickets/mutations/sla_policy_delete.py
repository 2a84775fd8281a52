import graphene

from ....tickets import services as desk
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..enums import TicketPriorityEnum
from ..types import TicketError


class SlaPolicyDelete(BaseMutation):
    deleted = graphene.Boolean(description="Whether a policy existed.")

    class Arguments:
        priority = TicketPriorityEnum(required=True, description="Priority.")

    class Meta:
        description = "Remove a priority's SLA targets. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, priority):
        return cls(deleted=desk.delete_sla_policy(priority))
