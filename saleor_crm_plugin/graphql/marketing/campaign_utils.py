"""What the campaign operations share: input as service data, IDs to rows,
and the permission a campaign's segment asks for.
"""

from __future__ import annotations

from typing import Any

from ...auth import Requestor
from ...marketing.campaigns import CampaignError
from ...marketing.models import Campaign, Segment
from ..core.mutations import decode_id
from .utils import check_rule_permissions, plain_rules


def get_campaign(global_id: str, field: str = "id") -> Campaign:
    pk = decode_id(global_id, "Campaign", field, CampaignError, Campaign)
    campaign = Campaign.objects.filter(pk=pk).first() if pk else None
    if campaign is None:
        raise CampaignError(field, "Couldn't resolve to a Campaign.", "not_found")
    return campaign


def campaign_or_none(global_id: str) -> Campaign | None:
    try:
        return get_campaign(global_id)
    except CampaignError:
        return None


def campaign_data(requestor: Requestor, input: Any) -> dict:
    """``CampaignInput`` as :mod:`.campaigns` data: the fields given (an
    explicit null kept: ``offer: null`` removes the offer), the segment as
    its row, checked against what its rules need (conditions on order data:
    MANAGE_ORDERS in all channels, as for the segment itself).
    """
    data = {key: plain_rules(value) for key, value in dict(input).items()}
    if "variants" in data and data["variants"] is None:
        data["variants"] = []
    if "segment" in data:
        pk = decode_id(data["segment"], "Segment", "segment", CampaignError, Segment)
        segment = Segment.objects.filter(pk=pk).first() if pk else None
        if segment is None:
            raise CampaignError("segment", "Couldn't resolve to a Segment.", "not_found")
        data["segment"] = segment
    return data


def check_campaign_permissions(requestor: Requestor, campaign_or_segment) -> None:
    """The segment's order-data conditions need what they need for the segment."""
    segment = (
        campaign_or_segment.segment
        if isinstance(campaign_or_segment, Campaign)
        else campaign_or_segment
    )
    if isinstance(segment, Segment):
        check_rule_permissions(requestor, segment.rules, "segment.rules")
