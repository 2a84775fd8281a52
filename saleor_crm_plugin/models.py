"""Django finds the app's models here; each lives with its domain."""

from .analytics.models import RFMBreakpoints
from .commerce.models import CheckoutFact, OrderFact, OrderLineFact
from .configuration.models import CRMConfiguration
from .ingestion.models import BackfillState, InboundEvent
from .interactions.models import Interaction
from .marketing.models import (
    Campaign,
    CampaignRecipient,
    CampaignVariant,
    MarketingConsent,
    MarketingConsentChange,
    MarketingConsentMetadataSeen,
    Offer,
    OfferCode,
    Segment,
    SegmentMember,
)
from .privacy.models import ProfileRead
from .profiles.models import CustomerProfile, CustomerPurchases, ErasedIdentity, TimelineEvent
from .throttling.models import ThrottleBucket
from .tickets.models import SLAPolicy, Ticket, TicketMessage, TicketRefund, TicketVoucher
from .webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "BackfillState",
    "CRMConfiguration",
    "Campaign",
    "CampaignRecipient",
    "CampaignVariant",
    "CheckoutFact",
    "CustomerProfile",
    "CustomerPurchases",
    "ErasedIdentity",
    "InboundEvent",
    "Interaction",
    "MarketingConsent",
    "MarketingConsentChange",
    "MarketingConsentMetadataSeen",
    "OrderFact",
    "Offer",
    "OfferCode",
    "OrderLineFact",
    "ProfileRead",
    "RFMBreakpoints",
    "SLAPolicy",
    "Segment",
    "SegmentMember",
    "ThrottleBucket",
    "Ticket",
    "TicketMessage",
    "TicketRefund",
    "TicketVoucher",
    "TimelineEvent",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
