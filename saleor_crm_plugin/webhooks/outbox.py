"""Writing webhook events in the transaction of the change they describe.

Every event is written by the statement (or in the transaction) that
records the change, with one delivery per endpoint subscribed to its type at
that moment. When no active endpoint subscribes, nothing is written: the
statement costs an index probe of an empty table. Each site that records a
change the CRM announces calls :func:`record_events` or embeds
:func:`outbox_sql` in its own statement (the set-based ones: stage changes,
campaign sends, segment membership), so none needs a statement more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from ..bulk import dumps
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

ENDPOINT = WebhookEndpoint._meta.db_table
EVENT = WebhookEvent._meta.db_table
DELIVERY = WebhookDelivery._meta.db_table


@dataclass(frozen=True)
class OutboxEvent:
    type: str
    profile_id: Any
    occurred_at: datetime
    object_type: str = ""
    object_id: str = ""
    # Identifiers and facts naming no one: the payload reads the rest when sent.
    data: dict[str, Any] | None = None
    dedupe_key: str | None = None


def outbox_sql(source: str, now: str, prefix: str = "webhook") -> str:
    """CTEs (to follow a ``WITH … ,``) that write the events of ``source``,
    a CTE or subquery with the columns ``type``, ``profile_id``,
    ``occurred_at``, ``object_type``, ``object_id``, ``data`` (jsonb) and
    ``dedupe_key``, and their deliveries; ``now`` is the SQL of the current
    time (a parameter, so a frozen clock holds). An event whose
    ``dedupe_key`` exists is not written again.
    """
    return f"""
    {prefix}_endpoints AS (
        SELECT id, event_types FROM {ENDPOINT} WHERE is_active
    ),
    {prefix}_events AS (
        INSERT INTO {EVENT}
            (event_id, type, profile_id, occurred_at, object_type, object_id, data, dedupe_key,
             created_at)
        SELECT gen_random_uuid(), s.type, s.profile_id, s.occurred_at, s.object_type,
               s.object_id, s.data, s.dedupe_key, {now}
        FROM {source} s
        WHERE EXISTS (SELECT 1 FROM {prefix}_endpoints e WHERE s.type = ANY(e.event_types))
        ORDER BY s.occurred_at
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, type, profile_id
    ),
    {prefix}_deliveries AS (
        INSERT INTO {DELIVERY}
            (event_id, endpoint_id, profile_id, status, attempts, next_attempt_at, last_error,
             created_at)
        SELECT v.id, e.id, v.profile_id, 'pending', 0, {now}, '', {now}
        FROM {prefix}_events v JOIN {prefix}_endpoints e ON v.type = ANY(e.event_types)
        RETURNING endpoint_id
    )"""


def record_events(events: list[OutboxEvent], now: datetime | None = None) -> None:
    """Write ``events`` and their deliveries in one statement, in the
    caller's transaction; a worker is asked to deliver them once it commits.
    """
    if not events:
        return
    from django.utils import timezone

    now = now or timezone.now()
    rows = [
        {
            "type": str(e.type),
            "profile_id": str(e.profile_id) if e.profile_id else None,
            "occurred_at": e.occurred_at,
            "object_type": e.object_type,
            "object_id": e.object_id or "",
            "data": e.data or {},
            "dedupe_key": e.dedupe_key,
        }
        for e in events
    ]
    source = (
        "(SELECT * FROM json_to_recordset(%(events)s::json) AS r(type text, profile_id uuid, "
        "occurred_at timestamptz, object_type text, object_id text, data jsonb, "
        "dedupe_key text))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {outbox_sql(source, '%(now)s::timestamptz')} "
            "SELECT count(*) FROM webhook_deliveries",
            {"events": dumps(rows), "now": now},
        )
        (deliveries,) = cursor.fetchone()
    if deliveries:
        request_delivery()


def request_delivery() -> None:
    """Ask a worker to deliver what is due, once the transaction commits
    (never from the store's request itself).
    """
    from ..dispatch import send_task

    transaction.on_commit(lambda: send_task("saleor_crm.deliver_webhooks"))
