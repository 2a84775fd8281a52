"""Segments and campaigns: staff operations."""

import graphene

from ..core.connection import connection_args
from .campaign_resolvers import resolve_campaign, resolve_campaign_preview, resolve_campaigns
from .campaign_types import (
    Campaign,
    CampaignCountableConnection,
    CampaignFilterInput,
    CampaignInput,
    CampaignPreview,
    CampaignSortingInput,
)
from .consent_types import MarketingConsent, consent_for
from .mutations.campaign_cancel import CampaignCancel
from .mutations.campaign_create import CampaignCreate
from .mutations.campaign_delete import CampaignDelete
from .mutations.campaign_send import CampaignSend
from .mutations.campaign_update import CampaignUpdate
from .mutations.marketing_consent_unsuppress import MarketingConsentUnsuppress
from .mutations.marketing_consent_update import MarketingConsentUpdate
from .mutations.my_marketing_consent_update import MyMarketingConsentUpdate
from .mutations.newsletter_subscribe import NewsletterSubscribe
from .mutations.segment_create import SegmentCreate
from .mutations.segment_delete import SegmentDelete
from .mutations.segment_update import SegmentUpdate
from .resolvers import resolve_segment, resolve_segment_preview, resolve_segments
from .types import Segment, SegmentCountableConnection, SegmentPreview, SegmentRulesInput


class SegmentQueries(graphene.ObjectType):
    segments = graphene.Field(
        SegmentCountableConnection,
        search=graphene.Argument(graphene.String, description="Part of the name."),
        description="Segments, by name. Requires MANAGE_USERS.",
        **connection_args(),
    )
    segment = graphene.Field(
        Segment,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the segment."),
        description="One segment. Requires MANAGE_USERS.",
    )
    segment_preview = graphene.Field(
        SegmentPreview,
        rules=graphene.Argument(SegmentRulesInput, required=True, description="The rules."),
        description=(
            "How many customers rules select now, and a sample, without saving them. Requires "
            "MANAGE_USERS; conditions on spend, channels or products bought, MANAGE_ORDERS with "
            "access to all channels."
        ),
    )

    @staticmethod
    def resolve_segments(root, info, search=None, **pagination):
        return resolve_segments(search, **pagination)

    @staticmethod
    def resolve_segment(root, info, id):
        return resolve_segment(id)

    @staticmethod
    def resolve_segment_preview(root, info, rules):
        return resolve_segment_preview(info.context.requestor, rules)


class SegmentMutations(graphene.ObjectType):
    segment_create = SegmentCreate.Field()
    segment_update = SegmentUpdate.Field()
    segment_delete = SegmentDelete.Field()


class ConsentQueries(graphene.ObjectType):
    my_marketing_consent = graphene.Field(
        MarketingConsent,
        required=True,
        description="The signed-in customer's marketing consent (email).",
    )

    @staticmethod
    def resolve_my_marketing_consent(root, info):
        return consent_for(info, info.context.requestor.email or "")


class ConsentMutations(graphene.ObjectType):
    marketing_consent_update = MarketingConsentUpdate.Field()
    marketing_consent_unsuppress = MarketingConsentUnsuppress.Field()
    newsletter_subscribe = NewsletterSubscribe.Field()
    my_marketing_consent_update = MyMarketingConsentUpdate.Field()


class CampaignQueries(graphene.ObjectType):
    campaigns = graphene.Field(
        CampaignCountableConnection,
        filter=graphene.Argument(CampaignFilterInput, description="Which campaigns."),
        sort_by=graphene.Argument(CampaignSortingInput, description="Order (newest first)."),
        description="Campaigns. Requires MANAGE_USERS.",
        **connection_args(),
    )
    campaign = graphene.Field(
        Campaign,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the campaign."),
        description="One campaign, with its stats. Requires MANAGE_USERS.",
    )
    campaign_preview = graphene.Field(
        CampaignPreview,
        id=graphene.Argument(graphene.ID, description="A saved campaign."),
        input=graphene.Argument(
            CampaignInput, description="Unsaved fields (over the campaign's, with `id`)."
        ),
        customer=graphene.Argument(
            graphene.ID,
            description="ID of a customer profile of the segment; its first member when omitted.",
        ),
        variant=graphene.Argument(
            graphene.Int, description="Variant position (0, the default: its own content)."
        ),
        description=(
            "A campaign email rendered for a real customer of its segment, before sending. "
            "Requires MANAGE_USERS (and what the segment's rules need)."
        ),
    )

    @staticmethod
    def resolve_campaigns(root, info, filter=None, sort_by=None, **pagination):
        return resolve_campaigns(filter, sort_by, **pagination)

    @staticmethod
    def resolve_campaign(root, info, id):
        return resolve_campaign(id)

    @staticmethod
    def resolve_campaign_preview(root, info, id=None, input=None, customer=None, variant=0):
        return resolve_campaign_preview(info.context.requestor, id, input, customer, variant)


class CampaignMutations(graphene.ObjectType):
    campaign_create = CampaignCreate.Field()
    campaign_update = CampaignUpdate.Field()
    campaign_delete = CampaignDelete.Field()
    campaign_send = CampaignSend.Field()
    campaign_cancel = CampaignCancel.Field()
