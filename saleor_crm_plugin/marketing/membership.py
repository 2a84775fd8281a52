"""Materialised segment membership: who is in each segment, with when they
entered and left (:class:`.models.SegmentMember`).

Live counts never read it (:mod:`.rules` evaluates the rules); it is for
what needs a stable list and its changes: sends, and flows triggered when a
customer enters or leaves a segment. A refresh evaluates the rules once,
in the database, and writes the difference in two statements: the stays
of profiles no longer matching are closed, the profiles newly matching get
an open one. Nothing is loaded into Python.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import Segment, SegmentMember
from .rules import InvalidRules, evaluating, members

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    entered: int
    left: int


def refresh_members(segment: Segment, now: datetime | None = None) -> Refreshed:
    """Bring ``segment``'s stored members in line with its rules at ``now``
    (default: the time of the call). Refreshes of one segment run one at a
    time (its row is locked); running it twice changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic(), evaluating(segment.rules):
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        current = members(segment.rules, now).values("pk")
        left = (
            SegmentMember.objects.filter(segment=segment, left_at__isnull=True)
            .exclude(profile_id__in=current)
            .update(left_at=now)
        )
        table = SegmentMember._meta.db_table
        sql, params = current.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (segment_id, profile_id, entered_at)
                SELECT %s, m.id, %s FROM ({sql}) AS m(id)
                WHERE NOT EXISTS (
                    SELECT 1 FROM {table} o
                    WHERE o.segment_id = %s AND o.profile_id = m.id AND o.left_at IS NULL
                )
                """,
                [segment.pk, now, *params, segment.pk],
            )
            entered = cursor.rowcount
        segment.members_refreshed_at = now
        segment.save(update_fields=["members_refreshed_at"])
    return Refreshed(entered=entered, left=left)


def refresh_all_segments(now: datetime | None = None) -> dict[str, int]:
    """Refresh every segment, each in its own transaction; a segment whose
    saved rules no longer validate is skipped and logged.
    """
    now = now or timezone.now()
    totals = {"segments": 0, "entered": 0, "left": 0, "skipped": 0}
    for segment in Segment.objects.order_by("pk").only("pk"):
        try:
            refreshed = refresh_members(segment, now)
        except InvalidRules as error:
            logger.warning("CRM segment %s has invalid rules: %s", segment.pk, error)
            totals["skipped"] += 1
            continue
        except Segment.DoesNotExist:  # deleted meanwhile
            continue
        totals["segments"] += 1
        totals["entered"] += refreshed.entered
        totals["left"] += refreshed.left
    return totals


def current_members(segment: Segment):
    """The profiles in ``segment`` as last refreshed."""
    from ..profiles.models import CustomerProfile

    return CustomerProfile.objects.filter(
        pk__in=SegmentMember.objects.filter(segment=segment, left_at__isnull=True).values(
            "profile_id"
        )
    )
