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

from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import outbox_sql, request_delivery
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
        sql, params = members(segment.rules, now).values("pk").query.sql_with_params()
        table = SegmentMember._meta.db_table
        # Each statement announces its changes to webhook endpoints too
        # (webhooks/outbox.py): entered and left, one event per stay.
        announced = {"now": now, "segment": segment.pk}
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH closed AS (
                    UPDATE {table} SET left_at = %(now)s
                    WHERE segment_id = %(segment)s AND left_at IS NULL
                      AND profile_id NOT IN (SELECT m.id FROM ({_named(sql)}) AS m(id))
                    RETURNING id, profile_id
                ),
                {_events("closed", "left", WebhookEventType.SEGMENT_LEFT)}
                SELECT (SELECT count(*) FROM closed), (SELECT count(*) FROM webhook_deliveries)
                """,
                {**announced, **_params(params)},
            )
            left, left_deliveries = cursor.fetchone()
            cursor.execute(
                f"""
                WITH opened AS (
                    INSERT INTO {table} (segment_id, profile_id, entered_at)
                    SELECT %(segment)s, m.id, %(now)s FROM ({_named(sql)}) AS m(id)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM {table} o
                        WHERE o.segment_id = %(segment)s AND o.profile_id = m.id
                          AND o.left_at IS NULL
                    )
                    RETURNING id, profile_id
                ),
                {_events("opened", "entered", WebhookEventType.SEGMENT_ENTERED)}
                SELECT (SELECT count(*) FROM opened), (SELECT count(*) FROM webhook_deliveries)
                """,
                {**announced, **_params(params)},
            )
            entered, entered_deliveries = cursor.fetchone()
        segment.members_refreshed_at = now
        segment.save(update_fields=["members_refreshed_at"])
        if left_deliveries or entered_deliveries:
            request_delivery()
    return Refreshed(entered=entered, left=left)


def _named(sql: str) -> str:
    """The members query with its ``%s`` placeholders named (``%(m0)s``, …),
    so it can sit in a statement with named parameters.
    """
    parts = sql.replace("%%", "\0").split("%s")
    named = parts[0]
    for index, part in enumerate(parts[1:]):
        named += f"%(m{index})s" + part
    return named.replace("\0", "%%")


def _params(params: tuple) -> dict:
    return {f"m{index}": value for index, value in enumerate(params)}


def _events(source: str, kind: str, event_type: WebhookEventType) -> str:
    events = f"{kind}_events"
    return f"""{events} AS (
                    SELECT '{event_type.value}'::text AS type, profile_id,
                           %(now)s::timestamptz AS occurred_at, 'segment'::text AS object_type,
                           %(segment)s::text AS object_id, '{{}}'::jsonb AS data,
                           'segment_{kind}:' || id AS dedupe_key
                    FROM {source}
                ),
                {outbox_sql(events, "%(now)s::timestamptz")}"""


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
