import graphene

from ....marketing import campaigns
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..campaign_types import Campaign, CampaignError
from ..campaign_utils import check_campaign_permissions, get_campaign
from .campaign_create import DESCRIPTION


class CampaignSend(BaseMutation):
    campaign = graphene.Field(Campaign, description="The campaign, now SCHEDULED.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the campaign.")
        scheduled_at = graphene.DateTime(
            description="When to start; now when omitted or in the past (at most a year ahead)."
        )

    class Meta:
        description = (
            "Send a campaign now or at `scheduledAt`: at the start its audience is fixed from "
            "the segment (only subscribed, unsuppressed addresses). " + DESCRIPTION
        )
        permission = MANAGE_USERS
        error_type_class = CampaignError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, scheduled_at=None):
        campaign = get_campaign(id)
        check_campaign_permissions(info.context.requestor, campaign)
        return cls(campaign=campaigns.schedule_campaign(campaign, scheduled_at))
