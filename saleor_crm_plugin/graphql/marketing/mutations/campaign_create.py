import graphene

from ....marketing import campaigns
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ...core.utils import staff_identity
from ..campaign_types import Campaign, CampaignError, CampaignInput
from ..campaign_utils import campaign_data, check_campaign_permissions

DESCRIPTION = (
    "Requires MANAGE_USERS; a segment with conditions on spend, channels or products bought, "
    "MANAGE_ORDERS with access to all channels."
)


class CampaignCreate(BaseMutation):
    campaign = graphene.Field(Campaign, description="The new campaign (a draft).")

    class Arguments:
        input = CampaignInput(required=True, description="Fields of the campaign.")

    class Meta:
        description = f"Create a campaign as a draft. {DESCRIPTION}"
        permission = MANAGE_USERS
        error_type_class = CampaignError

    @classmethod
    def perform_mutation(cls, root, info, /, *, input):
        requestor = info.context.requestor
        data = campaign_data(requestor, input)
        check_campaign_permissions(requestor, data.get("segment"))
        identity = staff_identity(requestor)
        campaign = campaigns.create_campaign(
            data, created_by=campaigns.Creator(user_pk=identity.user_pk, name=identity.name)
        )
        return cls(campaign=campaign)
