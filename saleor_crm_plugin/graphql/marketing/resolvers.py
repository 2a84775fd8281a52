from ...marketing.models import Segment
from ...marketing.rules import InvalidRules
from ..core.connection import Page, paginate
from .types import SegmentError, SegmentPreview, preview
from .utils import check_rule_permissions, plain_rules, segment_or_none


def resolve_segments(search: str | None, **pagination) -> Page:
    queryset = Segment.objects.all()
    if search := (search or "").strip():
        queryset = queryset.filter(name__icontains=search)
    return paginate(queryset, [("name", False)], **pagination)


def resolve_segment(id: str) -> Segment | None:
    return segment_or_none(id)


def resolve_segment_preview(requestor, rules) -> SegmentPreview:
    """The live count and a sample; invalid rules as ``errors`` on their paths."""
    rules = plain_rules(rules)
    check_rule_permissions(requestor, rules)
    try:
        return preview(rules)
    except InvalidRules as error:
        return SegmentPreview(
            count=None,
            sample=[],
            errors=[
                SegmentError(field=e.path, code=e.code.value, message=e.message)
                for e in error.errors
            ],
        )
