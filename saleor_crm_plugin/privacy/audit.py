"""Who opened which profile, and when: the staff read audit.

What counts as opening a profile: the single-profile query
(``customerProfile``, as the Dashboard's profile page, customer card and
order card ask it), reading a profile's personal record (its note,
timeline, tickets, interactions or orders) wherever the profile is reached
(a page of ``customerProfiles``, a ticket's or an interaction's
``customer``, a mutation's payload; the API's ``READ_AUDITED_FIELDS``), and
an export of the person's data. A list page of names, emails and figures is
not a read of each row, and writes nothing.

The API collects the profiles a request read and records them at its end
in one statement, ``INSERT … ON CONFLICT DO NOTHING`` on the window's
unique key: reading the same profile again within the window
(``SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS``) adds nothing. A failure to
record is logged and never fails the read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ..auth import Requestor, RequestorKind
from ..conf import crm_setting
from ..hosting import writer
from .models import ProfileRead, ProfileReaderKind, ProfileReadKind

logger = logging.getLogger(__name__)


def window_start(at: datetime) -> datetime:
    """``at`` floored to the read window (windows start at the epoch, UTC)."""
    seconds = max(int(crm_setting("SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS")), 1)
    epoch = int(at.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def reader_of(requestor: Requestor) -> tuple[str, str] | None:
    """(reader kind, reader ID) of a staff member or an app; None for anyone else."""
    if requestor.kind == RequestorKind.STAFF and (requestor.user_id or requestor.email):
        return ProfileReaderKind.STAFF, str(requestor.user_id or requestor.email)
    if requestor.kind == RequestorKind.APP and requestor.app_id:
        return ProfileReaderKind.APP, str(requestor.app_id)
    return None


def record_read(
    profile_id: Any,
    reader: tuple[str, str] | None,
    kind: str = ProfileReadKind.VIEW,
    *,
    at: datetime | None = None,
) -> None:
    """Note that ``reader`` read the profile (at most once per window)."""
    record_reads([profile_id], reader, kind, at=at)


def record_reads(
    profile_ids: Iterable[Any],
    reader: tuple[str, str] | None,
    kind: str = ProfileReadKind.VIEW,
    *,
    at: datetime | None = None,
) -> None:
    """Note that ``reader`` read these profiles (each at most once per
    window): one insert for all of them.
    """
    # Sorted: two requests recording the same profiles lock rows in one order.
    ids = sorted({profile_id for profile_id in profile_ids if profile_id is not None}, key=str)
    if reader is None or not ids:
        return
    at = at or timezone.now()
    reader_id = reader[1][: ProfileRead._meta.get_field("reader_id").max_length]
    start = window_start(at)
    rows = [
        ProfileRead(
            profile_id=profile_id,
            kind=kind,
            reader_kind=reader[0],
            reader_id=reader_id,
            read_at=at,
            window_start=start,
        )
        for profile_id in ids
    ]
    try:
        with writer(), transaction.atomic():
            ProfileRead.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError:
        logger.exception("CRM could not record a read of profiles %s", ids)


def record_profile_read(
    profile_id: Any, requestor: Requestor, kind: str = ProfileReadKind.VIEW
) -> None:
    """Note that the requestor (a staff member or an app) read the profile."""
    record_read(profile_id, reader_of(requestor), kind)


def record_profile_reads(profile_ids: Iterable[Any], requestor: Requestor) -> None:
    """Note that the requestor (a staff member or an app) viewed these profiles."""
    record_reads(profile_ids, reader_of(requestor))


def move_reads(source_id: Any, target_id: Any) -> None:
    """Keep the reads of a profile merged into another: they move to the
    target, except those it already has for the same reader and window.
    """
    table = ProfileRead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS moved SET profile_id = %(target)s
            WHERE moved.profile_id = %(source)s AND NOT EXISTS (
                SELECT 1 FROM {table} AS kept
                WHERE kept.profile_id = %(target)s AND kept.reader_kind = moved.reader_kind
                  AND kept.reader_id = moved.reader_id AND kept.kind = moved.kind
                  AND kept.window_start = moved.window_start
            )
            """,
            {"source": source_id, "target": target_id},
        )
