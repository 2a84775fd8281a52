"""Django finds the app's models here; each lives with its domain."""

from .analytics.models import RFMBreakpoints
from .commerce.models import CheckoutFact, OrderFact, OrderLineFact
from .configuration.models import CRMConfiguration
from .ingestion.models import BackfillState, InboundEvent
from .profiles.models import CustomerProfile, ErasedIdentity, TimelineEvent

__all__ = [
    "BackfillState",
    "CRMConfiguration",
    "CheckoutFact",
    "CustomerProfile",
    "ErasedIdentity",
    "InboundEvent",
    "OrderFact",
    "OrderLineFact",
    "RFMBreakpoints",
    "TimelineEvent",
]
