import graphene

from ....marketing import services
from ....marketing.rules import InvalidRules
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ...core.utils import staff_identity
from ..types import Segment, SegmentError, SegmentInput
from ..utils import check_rule_permissions, plain_rules, rules_validation_error


class SegmentCreate(BaseMutation):
    segment = graphene.Field(Segment, description="The new segment.")

    class Arguments:
        input = SegmentInput(required=True, description="Fields of the segment.")

    class Meta:
        description = (
            "Create a segment. Requires MANAGE_USERS; conditions on spend, channels or products "
            "bought, MANAGE_ORDERS with access to all channels."
        )
        permission = MANAGE_USERS
        error_type_class = SegmentError

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        data = plain_rules(input)
        if "rules" not in data:
            raise services.SegmentError("rules", "A segment needs rules.", "required")
        requestor = info.context.requestor
        check_rule_permissions(requestor, data["rules"])
        identity = staff_identity(requestor)
        try:
            segment = services.create_segment(
                data.get("name", ""),
                data["rules"],
                description=data.get("description", ""),
                created_by=services.Creator(user_pk=identity.user_pk, name=identity.name),
            )
        except InvalidRules as error:
            raise rules_validation_error(error) from None
        return cls(segment=segment)
