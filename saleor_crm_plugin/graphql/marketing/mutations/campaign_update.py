import graphene

from ....marketing import campaigns
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..campaign_types import Campaign, CampaignError, CampaignInput
from ..campaign_utils import campaign_data, check_campaign_permissions, get_campaign
from .campaign_create import DESCRIPTION


class CampaignUpdate(BaseMutation):
    campaign = graphene.Field(Campaign, description="The campaign.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the campaign.")
        input = CampaignInput(required=True, description="What to change.")

    class Meta:
        description = f"Change a draft or scheduled campaign (not one that started). {DESCRIPTION}"
        permission = MANAGE_USERS
        error_type_class = CampaignError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        requestor = info.context.requestor
        campaign = get_campaign(id)
        data = campaign_data(requestor, input)
        check_campaign_permissions(requestor, data.get("segment", campaign.segment))
        return cls(campaign=campaigns.update_campaign(campaign, data))
