import graphene

from ...profiles.models import LifecycleStage, RFMSegment, TimelineEventType


def enum_from_choices(name: str, choices: type, description: str) -> type[graphene.Enum]:
    members = [(value.upper(), value) for value in choices.values]
    labels = dict(choices.choices)

    return graphene.Enum(
        name,
        members,
        description=lambda member: labels.get(member.value) if member else description,
    )


CustomerLifecycleStageEnum = enum_from_choices(
    "CustomerLifecycleStageEnum", LifecycleStage, "Where a customer stands in their lifecycle."
)
CustomerRfmSegmentEnum = enum_from_choices(
    "CustomerRfmSegmentEnum", RFMSegment, "Named RFM segment."
)
CustomerTimelineEventTypeEnum = enum_from_choices(
    "CustomerTimelineEventTypeEnum", TimelineEventType, "Kinds of timeline events."
)


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
            "total_spent": "Sort by total spent in the reporting currency.",
            "orders_count": "Sort by number of orders.",
            "first_seen_at": "Sort by first contact.",
            "email": "Sort by email.",
        }[self.value]


class CustomerProfileErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"

    class Meta:
        description = "Error codes of customer profile mutations."
