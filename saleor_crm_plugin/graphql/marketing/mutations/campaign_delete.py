import graphene

from ....marketing import campaigns
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..campaign_types import CampaignError
from ..campaign_utils import get_campaign


class CampaignDelete(BaseMutation):
    deleted_id = graphene.ID(description="ID of the deleted campaign.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the campaign.")

    class Meta:
        description = (
            "Delete a campaign that never started (a sent one stays, as its report). Requires "
            "MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = CampaignError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id):
        campaigns.delete_campaign(get_campaign(id))
        return cls(deleted_id=id)
