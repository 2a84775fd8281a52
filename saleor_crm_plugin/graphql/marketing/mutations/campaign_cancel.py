import graphene

from ....marketing import campaigns
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..campaign_types import Campaign, CampaignError
from ..campaign_utils import get_campaign


class CampaignCancel(BaseMutation):
    campaign = graphene.Field(Campaign, description="The campaign, now CANCELLED.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the campaign.")

    class Meta:
        description = (
            "Stop a scheduled or sending campaign: nothing more is mailed (a batch already with "
            "the mail server finishes). Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = CampaignError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id):
        return cls(campaign=campaigns.cancel_campaign(get_campaign(id)))
