import dataclasses

import graphene
from graphql_relay import to_global_id

from ...marketing import models
from ...marketing.rules import InvalidRules, count_members, evaluating, members
from ..core.connection import connection_args, connection_type, paginate
from ..core.errors import InvalidInput
from ..core.mutations import error_type
from ..core.utils import saleor_id
from ..profiles.sorters import sort_keys
from ..profiles.types import CustomerProfileCountableConnection
from .enums import SegmentErrorCode, SegmentFieldEnum, SegmentMatchEnum, SegmentOperatorEnum


class SegmentConditionInput(graphene.InputObjectType):
    field = SegmentFieldEnum(required=True, description="What to test.")
    operator = SegmentOperatorEnum(required=True, description="How to compare.")
    value = graphene.String(
        description="The value, for operators that take one (EQ, GT, WITHIN_LAST_DAYS, …)."
    )
    values = graphene.List(
        graphene.NonNull(graphene.String),
        description="The values, for IN and NOT_IN (1-100) and BETWEEN (lowest, highest).",
    )

    class Meta:
        description = (
            'One test on profile data, such as `{field: TAG, operator: EQ, value: "vip"}`.'
        )


class SegmentRulesInput(graphene.InputObjectType):
    match = SegmentMatchEnum(description="ALL (default) or ANY.")
    conditions = graphene.List(graphene.NonNull(SegmentConditionInput), description="Conditions.")
    groups = graphene.List(
        graphene.NonNull(lambda: SegmentRulesInput),
        description="Nested groups (at most 4 levels), each with its own `match`.",
    )

    class Meta:
        description = (
            "A group of conditions and nested groups; the top level with neither matches every "
            "customer. At most 50 conditions and 20 groups in all."
        )


class SegmentInput(graphene.InputObjectType):
    name = graphene.String(description="Unique name. Required to create.")
    description = graphene.String(description="What the segment is for.")
    rules = graphene.Field(SegmentRulesInput, description="The rules. Required to create.")

    class Meta:
        description = "Fields of a segment; on update, those given replace the old ones."


class SegmentCondition(graphene.ObjectType):
    field = SegmentFieldEnum(required=True, description="What is tested.")
    operator = SegmentOperatorEnum(required=True, description="How it compares.")
    value = graphene.String(description="The value, if the operator takes one.")
    values = graphene.List(
        graphene.NonNull(graphene.String), description="The values, if the operator takes several."
    )

    class Meta:
        description = "One condition of a segment's rules."

    @staticmethod
    def resolve_field(root, info):
        return root["field"]

    @staticmethod
    def resolve_operator(root, info):
        return root["operator"]

    @staticmethod
    def resolve_value(root, info):
        return root.get("value")

    @staticmethod
    def resolve_values(root, info):
        return root.get("values")


class SegmentRules(graphene.ObjectType):
    match = SegmentMatchEnum(required=True, description="How the group combines.")
    conditions = graphene.List(
        graphene.NonNull(SegmentCondition), required=True, description="Conditions."
    )
    groups = graphene.List(
        graphene.NonNull(lambda: SegmentRules), required=True, description="Nested groups."
    )

    class Meta:
        description = "A segment's rules, as saved."

    @staticmethod
    def resolve_match(root, info):
        return root.get("match") or "ALL"

    @staticmethod
    def resolve_conditions(root, info):
        return root.get("conditions") or []

    @staticmethod
    def resolve_groups(root, info):
        return root.get("groups") or []


def _members(segment: models.Segment):
    try:
        return members(segment.rules)
    except InvalidRules as error:  # rules saved before a field changed its values
        raise InvalidInput(f"The segment's rules are no longer valid: {error}") from None


def _count(segment: models.Segment) -> int:
    try:
        return count_members(segment.rules)
    except InvalidRules as error:
        raise InvalidInput(f"The segment's rules are no longer valid: {error}") from None


class Segment(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the segment.")
    name = graphene.String(required=True, description="Name.")
    description = graphene.String(required=True, description="What it is for.")
    rules = graphene.Field(SegmentRules, required=True, description="The rules.")
    customer_count = graphene.Int(
        required=True,
        description="How many customers match now (exact; erased customers never match).",
    )
    members = graphene.Field(
        CustomerProfileCountableConnection,
        description="The customers who match now, most recent buyers first.",
        **connection_args(),
    )
    created_by = graphene.ID(description="Saleor global ID of the staff member who created it.")
    created_at = graphene.DateTime(required=True, description="Created.")
    updated_at = graphene.DateTime(required=True, description="Last changed.")

    class Meta:
        description = "A named set of customers, described by rules and evaluated live."

    @staticmethod
    def resolve_id(root: models.Segment, info):
        return to_global_id("Segment", root.pk)

    @staticmethod
    def resolve_customer_count(root: models.Segment, info):
        return _count(root)

    @staticmethod
    def resolve_members(root: models.Segment, info, **pagination):
        annotations, keys = sort_keys(None)
        queryset = _members(root).annotate(**annotations)
        with evaluating(root.rules):
            page = paginate(queryset, keys, **pagination)

        def total_count() -> int:  # counted only when asked for
            return _count(root)

        return dataclasses.replace(page, total_count=total_count)

    @staticmethod
    def resolve_created_by(root: models.Segment, info):
        return saleor_id("User", root.created_by_user_id)


SegmentCountableConnection = connection_type(Segment, "Segment", "A page of segments.")

SegmentError = error_type("SegmentError", SegmentErrorCode, "An error from a segment operation.")

PREVIEW_SAMPLE = 10


class SegmentPreview(graphene.ObjectType):
    count = graphene.Int(
        description="How many customers match now; null when the rules are invalid."
    )
    sample = graphene.List(
        graphene.NonNull("saleor_crm_plugin.graphql.profiles.types.CustomerProfile"),
        required=True,
        description=f"Up to {PREVIEW_SAMPLE} of them, most recent buyers first.",
    )
    errors = graphene.List(
        graphene.NonNull(SegmentError),
        required=True,
        description="What is wrong with the rules, each `field` naming a condition's path.",
    )

    class Meta:
        description = "Who rules would select, before they are saved."


def preview(rules: dict) -> SegmentPreview:
    annotations, keys = sort_keys(None)
    queryset = members(rules)
    ordering = [("-" if descending else "") + key for key, descending in keys]
    with evaluating(rules):
        sample = list(queryset.annotate(**annotations).order_by(*ordering, "-pk")[:PREVIEW_SAMPLE])
    count = count_members(rules)
    return SegmentPreview(count=count, sample=sample, errors=[])
