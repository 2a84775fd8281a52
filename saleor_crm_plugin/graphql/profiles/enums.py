import graphene

from ...profiles import error_codes
from ...profiles.models import LifecycleStage, RFMSegment, TimelineEventType
from ..core.enums import enum_from_choices

CustomerLifecycleStageEnum = enum_from_choices(
    "CustomerLifecycleStageEnum",
    LifecycleStage,
    "Where a customer stands in their lifecycle; thresholds come from the plugin configuration.",
    {
        LifecycleStage.PROSPECT: "Known (account or checkout) but no order yet.",
        LifecycleStage.NEW: "One order, recently.",
        LifecycleStage.ACTIVE: "Repeat buyer, ordering recently.",
        LifecycleStage.LOYAL: "Repeat buyer in the top fifths by frequency and spend.",
        LifecycleStage.AT_RISK: "No order for longer than the at-risk threshold.",
        LifecycleStage.LAPSED: "No order for longer than the lapsed threshold.",
    },
)
CustomerRfmSegmentEnum = enum_from_choices(
    "CustomerRfmSegmentEnum",
    RFMSegment,
    "Named RFM segment, from recency and the mean of frequency and monetary scores.",
    {
        RFMSegment.CHAMPIONS: "Bought recently, buy often and spend the most.",
        RFMSegment.LOYAL: "Buy often and spend well; not the most recent.",
        RFMSegment.POTENTIAL_LOYALIST: "Recent customers with average frequency and spend.",
        RFMSegment.NEW_CUSTOMERS: "Bought very recently, for the first time or rarely.",
        RFMSegment.PROMISING: "Recent shoppers who have not spent much yet.",
        RFMSegment.NEED_ATTENTION: "Average recency, frequency and spend.",
        RFMSegment.ABOUT_TO_SLEEP: "Below average recency and frequency; fading.",
        RFMSegment.AT_RISK: "Bought often and spent well, but long ago.",
        RFMSegment.CANNOT_LOSE: "Were among the best customers; have not returned.",
        RFMSegment.HIBERNATING: "Last bought long ago, rarely and little.",
    },
)
CustomerTimelineEventTypeEnum = enum_from_choices(
    "CustomerTimelineEventTypeEnum", TimelineEventType, "Kinds of timeline events."
)


class OrderStatusEnum(graphene.Enum):
    """Saleor's ``OrderStatus``, as the CRM copied it from the order."""

    DRAFT = "draft"
    UNCONFIRMED = "unconfirmed"
    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially fulfilled"  # sic: Saleor spells this one with a space
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
    FULFILLED = "fulfilled"
    CANCELED = "canceled"
    EXPIRED = "expired"

    class Meta:
        description = "Status of an order; the values of Saleor's OrderStatus."

    @property
    def description(self):
        return {
            "draft": "Created by staff and not yet placed.",
            "unconfirmed": "Placed; waiting for staff to confirm it.",
            "unfulfilled": "Confirmed; nothing shipped yet.",
            "partially fulfilled": "Some lines shipped.",
            "partially_returned": "Some shipped lines came back.",
            "returned": "Everything shipped came back.",
            "fulfilled": "Everything shipped.",
            "canceled": "Cancelled.",
            "expired": "A checkout's order that was never paid or confirmed in time.",
        }[self.value]


class CrmOrderChargeStatusEnum(graphene.Enum):
    """Saleor's ``OrderChargeStatus``; ``Crm`` because Saleor's schema has
    ``OrderChargeStatusEnum``.
    """

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"
    OVERCHARGED = "overcharged"

    class Meta:
        description = "How much of an order is paid; the values of Saleor's OrderChargeStatus."

    @property
    def description(self):
        return {
            "none": "Nothing charged yet.",
            "partial": "Charged less than the total.",
            "full": "Charged the total.",
            "overcharged": "Charged more than the total.",
        }[self.value]


class CustomerProfileSortField(graphene.Enum):
    LAST_ORDER_AT = "last_order_at"
    TOTAL_SPENT = "total_spent"
    ORDERS_COUNT = "orders_count"
    FIRST_SEEN_AT = "first_seen_at"
    EMAIL = "email"

    class Meta:
        description = "Fields customer profiles can be sorted by."

    @property
    def description(self):
        return {
            "last_order_at": "Sort by the date of the last order (no orders last).",
            "total_spent": (
                "Sort by total spent in the reporting currency. Requires MANAGE_ORDERS with "
                "access to all channels."
            ),
            "orders_count": "Sort by number of orders.",
            "first_seen_at": "Sort by first contact.",
            "email": "Sort by email.",
        }[self.value]


CustomerProfileErrorCode = graphene.Enum.from_enum(
    error_codes.CustomerProfileErrorCode, description="Error codes of customer profile mutations."
)
