from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ...marketing import campaigns
from ...marketing.models import Campaign
from ...marketing.rules import InvalidRules, members
from ...marketing.sending import shop_name
from ...marketing.templates import render
from ...profiles.models import CustomerProfile
from ..core.connection import Page, paginate
from ..core.mutations import decode_id
from .campaign_types import CampaignError, CampaignPreview
from .campaign_utils import campaign_data, campaign_or_none, check_campaign_permissions


def resolve_campaigns(filter: dict | None, sort_by: dict | None, **pagination) -> Page:
    queryset = Campaign.objects.all()
    filter = filter or {}
    if statuses := filter.get("status"):
        queryset = queryset.filter(status__in=list(statuses))
    if search := (filter.get("search") or "").strip():
        queryset = queryset.filter(name__icontains=search)
    field = (sort_by or {}).get("field") or "created_at"
    descending = (sort_by or {}).get("direction", "DESC") == "DESC"
    return paginate(queryset, [(field, descending), ("id", descending)], **pagination)


def resolve_campaign(id: str) -> Campaign | None:
    return campaign_or_none(id)


def _errors(error) -> CampaignPreview:
    if isinstance(error, campaigns.CampaignError):
        items = [CampaignError(field=error.field, code=error.code, message=str(error))]
    else:
        items = [
            CampaignError(field=field, code=e.code or "invalid", message=" ".join(e.messages))
            for field, errors in error.error_dict.items()
            for e in errors
        ]
    return CampaignPreview(subject=None, html=None, text=None, errors=items)


def resolve_campaign_preview(
    requestor, id=None, input=None, customer=None, variant=0
) -> CampaignPreview:
    """The email one customer of the segment would get (the first member
    when ``customer`` is omitted); links are not tracked and the offer code
    is a sample.
    """
    try:
        campaign = None
        if id is not None:
            campaign = campaign_or_none(id)
            if campaign is None:
                raise campaigns.CampaignError("id", "Couldn't resolve to a Campaign.", "not_found")
        data = campaign_data(requestor, input or {})
        if campaign is None and input is None:
            raise campaigns.CampaignError(None, "Give `id` or `input`.", "required")
        draft, variants = campaigns.draft(data, campaign)
        check_campaign_permissions(requestor, draft.segment)
        if not 0 <= (variant or 0) <= len(variants):
            raise campaigns.CampaignError("variant", "No variant at this position.", "not_found")
        audience = members(draft.segment.rules) if draft.segment else None
        if audience is None:
            raise campaigns.CampaignError("segment", "A campaign needs a segment.", "required")
        if customer:
            pk = decode_id(
                customer, "CustomerProfile", "customer", campaigns.CampaignError, CustomerProfile
            )
            profile = audience.filter(pk=pk).first()
            if profile is None:
                raise campaigns.CampaignError(
                    "customer", "Not a customer of the campaign's segment.", "not_found"
                )
        else:
            profile = audience.order_by("pk").first()
    except (campaigns.CampaignError, ValidationError) as error:
        return _errors(error)
    except InvalidRules as error:
        return _errors(campaigns.CampaignError("segment", str(error), "invalid"))
    subject, body = (
        (draft.subject, draft.body)
        if not variant
        else (variants[variant - 1]["subject"], variants[variant - 1]["body"])
    )
    context = {
        "customer": {
            "first_name": profile.first_name if profile else "",
            "last_name": profile.last_name if profile else "",
            "email": profile.email if profile else "",
        },
        "unsubscribe_url": "#unsubscribe",
        "shop": {"name": shop_name()},
    }
    if draft.offer:
        context["offer"] = {
            "code": "PREVIEW-CODE",
            "expires_at": timezone.now() + timedelta(days=int(draft.offer["valid_days"])),
        }
    rendered = render(subject, body, context)
    return CampaignPreview(
        subject=rendered.subject, html=rendered.html, text=rendered.text, errors=[]
    )
