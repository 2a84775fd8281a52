"""What the segment operations share: rules from GraphQL input, who may use
which fields, and rule errors as ``errors { field code message }``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from ...auth import Requestor
from ...marketing.models import Segment
from ...marketing.rules import Field, InvalidRules
from ...marketing.services import SegmentError
from ..core.errors import PermissionDenied
from ..core.mutations import decode_id
from ..core.permissions import MANAGE_ORDERS_ALL_CHANNELS

# Conditions on what customers bought and spent are order data: like
# ``customerProfiles(filter: {totalSpent})``, they need MANAGE_ORDERS with
# access to all channels (the figures span every channel).
ORDER_FIELDS = frozenset(
    {
        Field.TOTAL_SPENT,
        Field.AVERAGE_ORDER_VALUE,
        Field.CHANNEL,
        Field.BOUGHT_PRODUCT,
        Field.BOUGHT_CATEGORY,
    }
)


def plain_rules(data: Any) -> Any:
    """GraphQL input objects and lists as plain dicts and lists."""
    if isinstance(data, dict):
        return {key: plain_rules(value) for key, value in data.items() if value is not None}
    if isinstance(data, list | tuple):
        return [plain_rules(item) for item in data]
    return data


def check_rule_permissions(requestor: Requestor, rules: Any, path: str = "rules") -> None:
    """PermissionDenied, naming the condition, for a condition on order data
    (:data:`ORDER_FIELDS`) the requestor may not filter by.
    """
    if MANAGE_ORDERS_ALL_CHANNELS.allows(requestor) or not isinstance(rules, dict):
        return
    for i, condition in enumerate(rules.get("conditions") or []):
        if isinstance(condition, dict) and condition.get("field") in ORDER_FIELDS:
            raise PermissionDenied(
                f"{MANAGE_ORDERS_ALL_CHANNELS.describe()} (for `{path}.conditions.{i}`)"
            )
    for i, group in enumerate(rules.get("groups") or []):
        check_rule_permissions(requestor, group, f"{path}.groups.{i}")


def rules_validation_error(error: InvalidRules) -> ValidationError:
    """Every rule error on its condition's path."""
    by_path: dict[str, list[ValidationError]] = {}
    for item in error.errors:
        by_path.setdefault(item.path, []).append(
            ValidationError(item.message, code=item.code.value)
        )
    return ValidationError(by_path)


def get_segment(global_id: str, field: str = "id") -> Segment:
    pk = decode_id(global_id, "Segment", field, SegmentError, Segment)
    segment = Segment.objects.filter(pk=pk).first() if pk else None
    if segment is None:
        raise SegmentError(field, "Couldn't resolve to a Segment.", "not_found")
    return segment


def segment_or_none(global_id: str) -> Segment | None:
    try:
        return get_segment(global_id)
    except SegmentError:
        return None
