"""Erasure beyond the profile: the event log and the copies of mail.

When a customer is erased (:func:`~saleor_crm_plugin.profiles.erasure.erase_customer`)
the store events about them still hold their snapshots: processed ones for
the retention period, failed ones until an operator acts. They are scrubbed
in the same transaction as the erasure:

- **Payloads** keep their shape, so an event can still be processed or
  replayed: the email becomes the anonymised profile's address (an
  :class:`~saleor_crm_plugin.profiles.models.ErasedIdentity` of its own
  attaches it to the anonymised profile, as the real address did), the
  store user, names, phone numbers and street addresses are blanked (the
  country stays, as it does on the order facts). Only events that describe
  the person's past are rewritten (version time up to the erasure); a new
  account made later with the same email is someone else's to keep.
- **Pending** events are rewritten too, so a worker processes the scrubbed
  snapshot and ends where it would have with the real one. Events another
  worker holds right now (``SKIP LOCKED``) are left to the sweeper.
- **Idempotency** stays: the event's ``dedupe_key`` (a hash of the original
  snapshot) is kept, so the very same event recorded again is still one row.
- **Error texts** of failed attempts lose every email and name of the person.

The sweeper (:func:`scrub_erased_events`, hourly) catches what the erasure
could not: events a concurrent worker held, and late or replayed events about
an erased email recorded afterwards. It matches payload emails against
``ErasedIdentity`` by hash, in SQL.

Mail: the stored ``Message-ID`` headers of the person's tickets are kept only
as hashes (:func:`erased_key`), so a copy delivered again is still recognised
and stored once; interactions' external IDs likewise.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from ..ingestion.models import InboundEvent
from ..snapshots import normalize_email

ERASED_KEY_PREFIX = "erased:"
REDACTED = "[erased]"

ADDRESS_KEYS = (
    "billing_address",
    "shipping_address",
    "default_billing_address",
    "default_shipping_address",
)
BATCH = 1000


def erased_key(value: str) -> str:
    """An identifier an idempotency check needs, kept without its content."""
    return ERASED_KEY_PREFIX + hashlib.sha256(value.encode()).hexdigest()


def with_erased_key(value: str) -> list[str]:
    """``value`` and its erased form: what a duplicate check looks for."""
    return [value, erased_key(value)]


def _sql_erased_key(column: str) -> str:
    # The same as erased_key(), in SQL.
    return f"'{ERASED_KEY_PREFIX}' || encode(sha256(convert_to({column}, 'UTF8')), 'hex')"


@dataclass
class ErasedPerson:
    """Everything that identifies an erased person in the CRM's records."""

    erased_at: datetime
    # The anonymised profile's address; empty when the CRM had no profile.
    placeholder: str = ""
    emails: set[str] = field(default_factory=set)
    user_ids: set[str] = field(default_factory=set)
    order_ids: set[str] = field(default_factory=set)
    checkout_tokens: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def needles(self) -> list[str]:
        """Texts to cut out of free text (error messages), longest first."""
        found = {normalize_email(e) for e in self.emails} | {n.strip() for n in self.names}
        return sorted((n for n in found if len(n) >= 2), key=len, reverse=True)


def scrub_payload(object_type: str, payload: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """The snapshot without the person: same shape, still processable."""
    scrubbed = dict(payload)
    if "email" in scrubbed:
        scrubbed["email"] = placeholder
    if "user_id" in scrubbed:
        # A customer snapshot requires one; an order's or a cart's may be null.
        scrubbed["user_id"] = "" if object_type == "customer" else None
    for key in ("first_name", "last_name", "language_code"):
        if key in scrubbed:
            scrubbed[key] = ""
    for key in ADDRESS_KEYS:
        if isinstance(scrubbed.get(key), dict):
            scrubbed[key] = {"country": scrubbed[key].get("country", "")}
    return scrubbed


def describes_the_past(
    object_type: str, payload: dict[str, Any] | None, erased_at: datetime
) -> bool:
    """Whether the event's snapshot is of the erased person's past: its
    version (an account's ``updated_at``, an order's or cart's ``created_at``,
    as the CRM resolves them) is no later than the erasure.
    """
    if payload is None:
        return False
    name = "updated_at" if object_type == "customer" else "created_at"
    try:
        version = datetime.fromisoformat(payload.get(name))
    except (TypeError, ValueError):
        version = None
    # An unreadable version is treated as the past: privacy first.
    return version is None or version <= erased_at


def redact(text: str, needles: Iterable[str]) -> str:
    needles = [n for n in needles if n]
    if not text or not needles:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    return pattern.sub(REDACTED, text)


def _rewrite(rows: list[tuple], person_of) -> int:
    """Scrub locked rows ``(id, event_type, object_type, payload, last_error, …)``;
    ``person_of(row, payload)`` gives the :class:`ErasedPerson` a row is about.
    """
    changed = []
    for row in rows:
        event_id, _, object_type, payload, last_error = row[:5]
        if isinstance(payload, str):
            payload = json.loads(payload)
        person = person_of(row, payload)
        new_payload = payload
        if payload is not None and describes_the_past(object_type, payload, person.erased_at):
            new_payload = scrub_payload(object_type, payload, person.placeholder)
        new_error = redact(last_error or "", person.needles())
        if new_payload != payload or new_error != (last_error or ""):
            changed.append(InboundEvent(pk=event_id, payload=new_payload, last_error=new_error))
    if changed:
        InboundEvent.objects.bulk_update(changed, ["payload", "last_error"], batch_size=BATCH)
    return len(changed)


def scrub_events(person: ErasedPerson) -> int:
    """Scrub the events about ``person``, whatever their status (in the
    erasure's transaction). Returns how many were changed.
    """
    users = sorted(u for u in person.user_ids if u)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, event_type, object_type, payload, last_error
            FROM {InboundEvent._meta.db_table}
            WHERE (object_type = 'customer' AND object_id = ANY(%(users)s))
               OR (object_type = 'order' AND object_id = ANY(%(orders)s))
               OR (object_type = 'checkout' AND object_id = ANY(%(checkouts)s))
               OR lower(btrim(payload->>'email')) = ANY(%(emails)s)
               OR payload->>'user_id' = ANY(%(users)s)
               OR (last_error <> '' AND EXISTS (
                    SELECT 1 FROM unnest(%(needles)s::text[]) AS needle
                    WHERE strpos(lower(last_error), lower(needle)) > 0))
            ORDER BY id
            FOR UPDATE SKIP LOCKED
            """,
            {
                "users": users,
                "orders": sorted(person.order_ids),
                "checkouts": sorted(person.checkout_tokens),
                "emails": sorted(normalize_email(e) for e in person.emails if e),
                "needles": person.needles(),
            },
        )
        rows = cursor.fetchall()
    return _rewrite(rows, lambda row, payload: person)


def _erased_person_of_row(row: tuple, payload: dict[str, Any]) -> ErasedPerson:
    # (…, erased_at, placeholder) of the sweeper's query.
    return ErasedPerson(erased_at=row[5], placeholder=row[6], emails={payload["email"]})


def scrub_erased_events() -> int:
    """The sweeper: scrub events whose payload names an erased email (by its
    hash in ``ErasedIdentity``) and describes that person's past, a
    transaction per batch. Events workers hold are skipped and found next
    time. Returns how many changed.
    """
    from ..profiles.erasure import ERASED_EMAIL_DOMAIN
    from ..profiles.models import CustomerProfile, ErasedIdentity

    events = InboundEvent._meta.db_table
    erased = ErasedIdentity._meta.db_table
    profiles = CustomerProfile._meta.db_table
    total, last_id = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT e.id, e.event_type, e.object_type, e.payload, e.last_error,
                       x.erased_at, coalesce(p.email, '')
                FROM {events} AS e
                JOIN {erased} AS x ON x.email_hash
                    = encode(sha256(convert_to(lower(btrim(e.payload->>'email')), 'UTF8')), 'hex')
                LEFT JOIN {profiles} AS p ON p.id = x.profile_id
                WHERE e.id > %(after)s AND e.payload IS NOT NULL
                  AND coalesce(e.payload->>'email', '') <> ''
                  AND e.payload->>'email' NOT LIKE %(placeholders)s
                ORDER BY e.id
                LIMIT %(limit)s
                FOR UPDATE OF e SKIP LOCKED
                """,
                {
                    "after": last_id,
                    "placeholders": f"%@{ERASED_EMAIL_DOMAIN}",
                    "limit": BATCH,
                },
            )
            rows = cursor.fetchall()
            if not rows:
                return total
            last_id = rows[-1][0]
            total += _rewrite(rows, _erased_person_of_row)


def scrub_mail(ticket_ids: list[Any], interaction_ids: list[Any]) -> None:
    """Keep the stored ``Message-ID`` headers of these tickets' messages and
    the external IDs of these interactions only as hashes: a copy delivered
    again is recognised (:func:`with_erased_key`) without the identifier.
    """
    from ..interactions.models import Interaction
    from ..tickets.models import TicketMessage

    with connection.cursor() as cursor:
        if ticket_ids:
            cursor.execute(
                f"""
                UPDATE {TicketMessage._meta.db_table}
                SET email_message_id = {_sql_erased_key("email_message_id")}
                WHERE ticket_id = ANY(%s) AND email_message_id IS NOT NULL
                  AND email_message_id NOT LIKE %s
                """,
                [list(ticket_ids), f"{ERASED_KEY_PREFIX}%"],
            )
        if interaction_ids:
            cursor.execute(
                f"""
                UPDATE {Interaction._meta.db_table}
                SET external_id = {_sql_erased_key("external_id")}
                WHERE id = ANY(%s) AND external_id IS NOT NULL AND external_id NOT LIKE %s
                """,
                [list(interaction_ids), f"{ERASED_KEY_PREFIX}%"],
            )


def is_erased_key(value: str | None) -> bool:
    return bool(value) and value.startswith(ERASED_KEY_PREFIX)


__all__ = [
    "ErasedPerson",
    "erased_key",
    "is_erased_key",
    "redact",
    "scrub_erased_events",
    "scrub_events",
    "scrub_mail",
    "scrub_payload",
    "with_erased_key",
]
