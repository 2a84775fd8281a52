"""Django finds the app's models here; each lives with its domain."""

from .analytics.models import RFMBreakpoints
from .commerce.models import CheckoutFact, OrderFact, OrderLineFact
from .configuration.models import CRMConfiguration
from .ingestion.models import BackfillState, InboundEvent
from .interactions.models import Interaction
from .marketing.models import MarketingConsent, MarketingConsentChange, Segment, SegmentMember
from .privacy.models import ProfileRead
from .profiles.models import CustomerProfile, ErasedIdentity, TimelineEvent
from .throttling.models import ThrottleBucket
from .tickets.models import SLAPolicy, Ticket, TicketMessage

__all__ = [
    "BackfillState",
    "CRMConfiguration",
    "CheckoutFact",
    "CustomerProfile",
    "ErasedIdentity",
    "InboundEvent",
    "Interaction",
    "MarketingConsent",
    "MarketingConsentChange",
    "OrderFact",
    "OrderLineFact",
    "ProfileRead",
    "RFMBreakpoints",
    "SLAPolicy",
    "Segment",
    "SegmentMember",
    "ThrottleBucket",
    "Ticket",
    "TicketMessage",
    "TimelineEvent",
]
