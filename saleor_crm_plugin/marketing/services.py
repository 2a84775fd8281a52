"""Segments: create, change and delete them; their members are in :mod:`.rules`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from ..errors import CRMError
from .error_codes import SegmentErrorCode
from .models import Segment
from .rules import clean_rules

MAX_NAME = 255
MAX_DESCRIPTION = 2000


class SegmentError(CRMError):
    """A segment action refused; ``code`` is a :class:`SegmentErrorCode` value."""

    code_enum = SegmentErrorCode


@dataclass(frozen=True)
class Creator:
    """Who created a segment: a staff user's row (if any) and a name."""

    user_pk: Any
    name: str


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise SegmentError("name", "A segment needs a name.", SegmentErrorCode.REQUIRED)
    if len(name) > MAX_NAME:
        raise SegmentError("name", f"At most {MAX_NAME} characters.", SegmentErrorCode.INVALID)
    return name


def _clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise SegmentError(
            "description", f"At most {MAX_DESCRIPTION} characters.", SegmentErrorCode.INVALID
        )
    return description


def _save(segment: Segment, *, rules_changed: bool) -> Segment:
    try:
        # A savepoint: the duplicate name is reported, the caller's
        # transaction goes on.
        with transaction.atomic():
            segment.save()
    except IntegrityError:
        raise SegmentError(
            "name", "A segment with this name already exists.", SegmentErrorCode.UNIQUE
        ) from None
    if rules_changed:
        # Its stored members follow the new rules without waiting for the
        # periodic refresh.
        from ..dispatch import send_task

        segment_id = str(segment.pk)
        transaction.on_commit(lambda: send_task("saleor_crm.refresh_segment", segment_id))
    return segment


def create_segment(
    name: str, rules: dict, description: str = "", created_by: Creator | None = None
) -> Segment:
    """A new segment; :class:`SegmentError` for a bad or taken name,
    :class:`~.rules.InvalidRules` for bad rules.
    """
    segment = Segment(
        name=_clean_name(name),
        description=_clean_description(description),
        rules=clean_rules(rules),
        created_by_user_id=created_by.user_pk if created_by else None,
        created_by_name=(created_by.name if created_by else "")[:255],
    )
    return _save(segment, rules_changed=True)


def update_segment(
    segment: Segment,
    *,
    name: str | None = None,
    description: str | None = None,
    rules: dict | None = None,
) -> Segment:
    """Change what is given (None: unchanged)."""
    if name is not None:
        segment.name = _clean_name(name)
    if description is not None:
        segment.description = _clean_description(description)
    rules_changed = False
    if rules is not None:
        cleaned = clean_rules(rules)
        rules_changed = cleaned != segment.rules
        segment.rules = cleaned
    return _save(segment, rules_changed=rules_changed)


def delete_segment(segment: Segment) -> None:
    segment.delete()
