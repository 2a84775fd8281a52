import graphene

from ....marketing import services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..types import SegmentError
from ..utils import get_segment


class SegmentDelete(BaseMutation):
    deleted_id = graphene.ID(description="ID of the deleted segment.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the segment.")

    class Meta:
        description = "Delete a segment. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = SegmentError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id):
        segment = get_segment(id)
        services.delete_segment(segment)
        return cls(deleted_id=id)
