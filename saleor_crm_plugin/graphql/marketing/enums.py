import graphene

from ...marketing import error_codes
from ...marketing.offers import DiscountType
from ...marketing.rules import FIELDS, Field, Match, Operator

SegmentMatchEnum = graphene.Enum(
    "SegmentMatchEnum",
    [(m.value, m.value) for m in Match],
    description=lambda member: (
        {
            Match.ALL: "Every condition and group must hold.",
            Match.ANY: "At least one condition or group must hold.",
        }[member.value]
        if member
        else "How a group combines its conditions and groups."
    ),
)

SegmentFieldEnum = graphene.Enum(
    "SegmentFieldEnum",
    [(f.value, f.value) for f in Field],
    description=lambda member: (
        FIELDS[Field(member.value)].description
        if member
        else "Profile data a segment condition tests."
    ),
)

OPERATOR_DESCRIPTIONS = {
    Operator.EQ: "Equals `value` (a date: on that day, UTC).",
    Operator.NEQ: "Does not equal `value`.",
    Operator.IN: "Equals one of `values`.",
    Operator.NOT_IN: "Equals none of `values`.",
    Operator.GT: "Greater than `value` (a date: after that day).",
    Operator.GTE: "Greater than or equal to `value` (a date: on or after that day).",
    Operator.LT: "Less than `value` (a date: before that day).",
    Operator.LTE: "Less than or equal to `value` (a date: on or before that day).",
    Operator.BETWEEN: "Between the two `values`, both included.",
    Operator.CONTAINS: "Contains `value` (case-insensitive).",
    Operator.IS_SET: "Has a value.",
    Operator.IS_NOT_SET: "Has no value.",
    Operator.WITHIN_LAST_DAYS: "Within the last `value` days, counted from the moment it is "
    "evaluated.",
    Operator.BEFORE_LAST_DAYS: "More than `value` days ago, counted from the moment it is "
    "evaluated.",
}

SegmentOperatorEnum = graphene.Enum(
    "SegmentOperatorEnum",
    [(o.value, o.value) for o in Operator],
    description=lambda member: (
        OPERATOR_DESCRIPTIONS[Operator(member.value)]
        if member
        else "How a condition compares; each field takes some (see SegmentFieldEnum)."
    ),
)

SegmentErrorCode = graphene.Enum.from_enum(
    error_codes.SegmentErrorCode, description="Error codes of segment operations."
)

OfferDiscountTypeEnum = graphene.Enum(
    "OfferDiscountTypeEnum",
    [(t.value, t.value) for t in DiscountType],
    description=lambda member: (
        {
            DiscountType.PERCENTAGE: "A percentage off the order total (`value` from 0 to 100).",
            DiscountType.FIXED: "A fixed amount off, in the channel's currency.",
        }[member.value]
        if member
        else "How a personal offer discounts an order."
    ),
)
