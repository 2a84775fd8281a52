"""Delivering webhook events: at least once, in order per profile, signed.

A worker claims due deliveries (``FOR UPDATE SKIP LOCKED``, so workers
share them) and marks them ``sending`` with a lease, in a transaction of its
own; it sends each one outside any transaction, then records the attempt.
A delivery is due when it is pending and its back-off has passed, and no
earlier delivery of the same profile to the same endpoint is still pending
or being sent: one profile's events reach an endpoint in the order they
happened. A failed attempt is retried with exponential back-off
(``SALEOR_CRM_WEBHOOK_RETRY_BASE_SECONDS``, doubling, at most an hour)
until ``SALEOR_CRM_WEBHOOK_MAX_ATTEMPTS``; the delivery is then ``failed``
(staff replay it) and the profile's later events go on. After
``SALEOR_CRM_WEBHOOK_DISABLE_AFTER_FAILURES`` failed attempts in a row the
endpoint is turned off, with the reason on it.

The payload is rendered when it is sent, from the profile as it is then:
an erased customer's events, queued before or after the erasure, carry no
personal data.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from graphql_relay import to_global_id

from ..conf import crm_setting
from ..http.inbound import sign
from ..profiles.models import CustomerProfile
from .destinations import Destination, DestinationRefused, resolve
from .events import OBJECT_TYPES, PAYLOAD_VERSION, WebhookEventType
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)
USER_AGENT = "saleor-crm-plugin webhooks"
# A claimed delivery not recorded within this time belongs to a worker that
# died: it is due again (at least once).
LEASE = timedelta(minutes=5)
MAX_ERROR = 500


@dataclass(frozen=True)
class Attempt:
    """What one attempt gave: an HTTP status (None: no response) and an error
    (empty on success).
    """

    response_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return not self.error


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2 × base, …, at most an hour."""
    base = crm_setting("SALEOR_CRM_WEBHOOK_RETRY_BASE_SECONDS")
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


# --- the payload -------------------------------------------------------------


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def render_payload(event: WebhookEvent, profile: CustomerProfile | None) -> dict[str, Any]:
    """The JSON document subscribers receive (see the README's "Webhooks").

    Personal data (email, names) comes from the profile as it is now; an
    erased profile gives its CRM ID and ``erased: true`` only, and the
    ``profile.erased`` event the Saleor ID the account had, so subscribers
    can find their copy.
    """
    profile_part: dict[str, Any] | None = None
    if profile is not None:
        profile_part = {"id": to_global_id("CustomerProfile", profile.pk)}
        if profile.erased_at is not None:
            saleor_user = (event.data or {}).get("saleor_user_id")
            if event.type != WebhookEventType.PROFILE_ERASED:
                saleor_user = None
            profile_part.update(
                saleorId=to_global_id("User", saleor_user) if saleor_user else None,
                erased=True,
            )
        else:
            profile_part.update(
                saleorId=to_global_id("User", profile.user_id) if profile.user_id else None,
                erased=False,
                email=profile.email,
                firstName=profile.first_name,
                lastName=profile.last_name,
                lifecycleStage=profile.lifecycle_stage.upper(),
            )
    elif event.profile_id is None and event.type == WebhookEventType.PROFILE_ERASED:
        profile_part = None
    object_part = None
    if event.object_type:
        type_name = OBJECT_TYPES.get(event.object_type, event.object_type)
        object_part = {"type": type_name, "id": to_global_id(type_name, event.object_id)}
    data = {k: v for k, v in (event.data or {}).items() if k != "saleor_user_id"}
    return {
        "version": PAYLOAD_VERSION,
        "id": str(event.event_id),
        "type": event.type,
        "occurredAt": _time(event.occurred_at),
        "profile": profile_part,
        "object": object_part,
        "data": data,
    }


def request_headers(
    endpoint: WebhookEndpoint, event: WebhookEvent, delivery_id: int, body: bytes, now: datetime
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CRM-Event": event.type,
        "X-CRM-Event-Id": str(event.event_id),
        # The same for every attempt and replay of the event to any endpoint.
        "Idempotency-Key": str(event.event_id),
        "X-CRM-Delivery": str(delivery_id),
        **sign(endpoint.secret, body, int(now.timestamp())),
    }


# --- HTTP --------------------------------------------------------------------


def _connection(destination: Destination, timeout: float) -> http.client.HTTPConnection:
    connection_class: type[http.client.HTTPConnection]
    options: dict[str, Any] = {"timeout": timeout}
    if destination.scheme == "https":
        connection_class = http.client.HTTPSConnection
        options["context"] = ssl.create_default_context()
    else:
        connection_class = http.client.HTTPConnection
    conn = connection_class(destination.host, destination.port, **options)

    # To the address that was checked; the host name stays the Host header
    # and the TLS server name (and certificate) checked.
    def create_connection(address, timeout=None, source_address=None):
        return socket.create_connection(
            (destination.address, destination.port), timeout, source_address
        )

    conn._create_connection = create_connection  # type: ignore[attr-defined]
    return conn


def post(url: str, body: bytes, headers: dict[str, str]) -> Attempt:
    """POST ``body`` to ``url`` once: destinations checked, no redirects
    followed, short timeouts, at most SALEOR_CRM_WEBHOOK_MAX_RESPONSE_BYTES
    of the response read (and dropped).
    """
    try:
        destination = resolve(url)
    except DestinationRefused as refused:
        return Attempt(None, str(refused))
    conn = _connection(destination, crm_setting("SALEOR_CRM_WEBHOOK_TIMEOUT_SECONDS"))
    try:
        conn.request("POST", destination.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(crm_setting("SALEOR_CRM_WEBHOOK_MAX_RESPONSE_BYTES"))
    except TimeoutError:
        return Attempt(None, "The endpoint did not answer in time.")
    except ssl.SSLError as error:
        return Attempt(None, f"TLS error: {error.reason or error}"[:MAX_ERROR])
    except (OSError, http.client.HTTPException) as error:
        return Attempt(None, f"Connection failed: {type(error).__name__}: {error}"[:MAX_ERROR])
    finally:
        conn.close()
    status = response.status
    if 200 <= status < 300:
        return Attempt(status, "")
    if 300 <= status < 400:
        return Attempt(status, f"HTTP {status}: redirects are not followed.")
    return Attempt(status, f"HTTP {status} {response.reason}"[:MAX_ERROR])


# --- claiming and recording --------------------------------------------------

_CLAIM = """
WITH due AS (
    SELECT d.id FROM {delivery} d
    JOIN {endpoint} e ON e.id = d.endpoint_id AND e.is_active
    WHERE ((d.status = 'pending' AND d.next_attempt_at <= %(now)s)
           OR (d.status = 'sending' AND d.lease_until < %(now)s))
      AND NOT EXISTS (
          SELECT 1 FROM {delivery} o
          WHERE o.endpoint_id = d.endpoint_id AND o.profile_id = d.profile_id
            AND o.id < d.id AND o.status IN ('pending', 'sending')
      )
    ORDER BY d.id
    LIMIT %(limit)s
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE {delivery} d SET status = 'sending', lease_until = %(lease)s
FROM due WHERE d.id = due.id
RETURNING d.id
"""


def claim(now: datetime, limit: int) -> list[int]:
    """Mark up to ``limit`` due deliveries ``sending`` (committed); their ids, oldest first."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(
                delivery=WebhookDelivery._meta.db_table, endpoint=WebhookEndpoint._meta.db_table
            ),
            {"now": now, "limit": limit, "lease": now + LEASE},
        )
        return sorted(row[0] for row in cursor.fetchall())


def record(delivery_id: int, attempt: Attempt, now: datetime) -> None:
    """Store the attempt's outcome on the delivery and its endpoint."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.SENDING:
            return  # deleted with its endpoint, or recorded by a worker that took over
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_code = attempt.response_code
        delivery.lease_until = None
        if attempt.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = now
            delivery.last_error = ""
            endpoint.consecutive_failures = 0
        else:
            delivery.last_error = attempt.error[:MAX_ERROR]
            if delivery.attempts >= crm_setting("SALEOR_CRM_WEBHOOK_MAX_ATTEMPTS"):
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.status = DeliveryStatus.PENDING
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            endpoint.consecutive_failures += 1
            limit = crm_setting("SALEOR_CRM_WEBHOOK_DISABLE_AFTER_FAILURES")
            if limit and endpoint.is_active and endpoint.consecutive_failures >= limit:
                endpoint.is_active = False
                endpoint.disabled_at = now
                endpoint.disabled_reason = (
                    f"Turned off after {endpoint.consecutive_failures} failed deliveries in a "
                    f"row; the last: {delivery.last_error}"
                )[:MAX_ERROR]
                logger.warning("CRM webhook %s turned off: %s", endpoint.pk, delivery.last_error)
        delivery.save()
        endpoint.save(
            update_fields=[
                "consecutive_failures",
                "is_active",
                "disabled_at",
                "disabled_reason",
                "updated_at",
            ]
        )


def send_one(delivery_id: int, now: datetime) -> Attempt | None:
    """Attempt one claimed delivery and record it; None if it is gone."""
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return None
    event, endpoint = delivery.event, delivery.endpoint
    if not endpoint.is_active:
        # Turned off since the claim (by an earlier attempt of this batch):
        # the delivery waits for it to be turned on again.
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, lease_until=None
        )
        return None
    profile = (
        CustomerProfile.objects.filter(pk=event.profile_id).first() if event.profile_id else None
    )
    body = json.dumps(render_payload(event, profile), separators=(",", ":")).encode()
    attempt = post(endpoint.url, body, request_headers(endpoint, event, delivery.pk, body, now))
    record(delivery_id, attempt, now)
    return attempt


def deliver_due(now: datetime | None = None, *, max_rounds: int = 50) -> dict[str, int]:
    """Deliver what is due, batch after batch (each batch holds at most one
    delivery per profile and endpoint), until nothing is due or
    ``max_rounds`` batches were sent. Returns counts.
    """
    totals = {"sent": 0, "succeeded": 0, "failed": 0}
    size = crm_setting("SALEOR_CRM_WEBHOOK_BATCH_SIZE")
    for _ in range(max_rounds):
        moment = now or timezone.now()
        ids = claim(moment, size)
        if not ids:
            break
        for delivery_id in ids:
            attempt = send_one(delivery_id, moment)
            if attempt is None:
                continue
            totals["sent"] += 1
            totals["succeeded" if attempt.ok else "failed"] += 1
    return totals
