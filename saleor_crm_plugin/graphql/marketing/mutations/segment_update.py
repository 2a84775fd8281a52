import graphene

from ....marketing import services
from ....marketing.rules import InvalidRules
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..types import Segment, SegmentError, SegmentInput
from ..utils import check_rule_permissions, get_segment, plain_rules, rules_validation_error


class SegmentUpdate(BaseMutation):
    segment = graphene.Field(Segment, description="The segment.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")
        input = SegmentInput(required=True, description="What to change.")

    class Meta:
        description = (
            "Change a segment's name, description or rules. Requires MANAGE_USERS; conditions "
            "on spend, channels or products bought, MANAGE_ORDERS with access to all channels."
        )
        permission = MANAGE_USERS
        error_type_class = SegmentError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        data = plain_rules(input)
        segment = get_segment(id)
        if "rules" in data:
            check_rule_permissions(info.context.requestor, data["rules"])
        try:
            segment = services.update_segment(
                segment,
                name=data.get("name"),
                description=data.get("description"),
                rules=data.get("rules"),
            )
        except InvalidRules as error:
            raise rules_validation_error(error) from None
        return cls(segment=segment)
