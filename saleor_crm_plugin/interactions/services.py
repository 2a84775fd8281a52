"""Log contacts with customers from any channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import CRMError
from ..privacy.scrub import erased_key, with_erased_key
from ..profiles.erasure import ERASED_TEXT
from ..profiles.identity import resolve_profile
from ..profiles.models import CustomerProfile, TimelineEventType
from ..profiles.timeline import add_timeline_event
from ..text import sanitize_html, text_to_html
from ..validation import (
    MAX_BODY,
    check_json_size,
    check_length,
    check_occurred_at,
    clean_email,
    max_length,
)
from .error_codes import InteractionErrorCode
from .models import Interaction

# Largest metadata (serialised as JSON) an interaction keeps.
MAX_METADATA_BYTES = 10_000


class InteractionError(CRMError):
    """Logging an interaction refused; ``code`` is an :class:`InteractionErrorCode` value."""

    code_enum = InteractionErrorCode


@dataclass(frozen=True)
class InteractionInput:
    channel: str
    direction: str
    email: str = ""
    user_id: str | None = None
    subject: str = ""
    body: str = ""
    # Plain text is escaped into paragraphs; HTML is sanitised.
    body_is_html: bool = False
    occurred_at: datetime | None = None
    author_user_id: Any = None
    author_name: str = ""
    order_id: str | None = None
    source: str = ""
    external_id: str | None = None
    metadata: dict[str, Any] | None = None


def log_interaction(
    data: InteractionInput, profile: CustomerProfile | None = None
) -> tuple[Interaction, bool]:
    """Store an interaction and put it on the customer's timeline.

    Idempotent by (``source``, ``external_id``): logging the same external
    contact again returns the stored one and ``False``. Refused with an
    :class:`InteractionError` on the field: an email that is not one, a time
    out of range, text longer than its column, a body over
    :data:`~..validation.MAX_BODY` characters, metadata over
    :data:`MAX_METADATA_BYTES`.
    """
    email = clean_email(data.email, "email", InteractionError)
    check_occurred_at(data.occurred_at, "occurredAt", InteractionError)
    subject = data.subject.strip()
    for field, name, value in (
        ("subject", "subject", subject),
        ("authorName", "author_name", data.author_name),
        ("source", "source", data.source),
        ("externalId", "external_id", data.external_id),
    ):
        check_length(value, max_length(Interaction, name), field, InteractionError)
    check_json_size(data.metadata, MAX_METADATA_BYTES, "metadata", InteractionError)
    if not data.body_is_html:
        check_length(data.body, MAX_BODY, "body", InteractionError)
    if data.external_id:
        existing = Interaction.objects.filter(
            source=data.source, external_id__in=with_erased_key(data.external_id)
        ).first()
        if existing is not None:
            return existing, False
    occurred_at = data.occurred_at or timezone.now()
    body = sanitize_html(data.body) if data.body_is_html else text_to_html(data.body)
    if data.body_is_html:
        # HTML counts as kept, as in tickets (tickets.services._body).
        check_length(body, MAX_BODY, "body", InteractionError)
    try:
        with transaction.atomic():
            if profile is None:
                resolved = resolve_profile(
                    email=email,
                    user_id=data.user_id,
                    seen_at=occurred_at,
                    source_time=occurred_at,
                )
                profile = resolved.profile
                if resolved.anonymous:
                    # A contact from before the customer was erased, sent
                    # late: it counts, but its content stays erased.
                    subject, body = ERASED_TEXT, f"<p>{ERASED_TEXT}</p>"
                    data = replace(
                        data,
                        author_name="",
                        metadata=None,
                        external_id=erased_key(data.external_id) if data.external_id else None,
                    )
            if profile is None:
                raise InteractionError(
                    "email", "Say who the customer is: an email.", InteractionErrorCode.REQUIRED
                )
            interaction = Interaction.objects.create(
                profile=profile,
                channel=data.channel,
                direction=data.direction,
                subject=subject,
                body=body,
                occurred_at=occurred_at,
                author_user_id=data.author_user_id,
                author_name=data.author_name,
                order_id=data.order_id,
                source=data.source,
                external_id=data.external_id,
                metadata=data.metadata or {},
            )
            add_timeline_event(
                profile,
                TimelineEventType.INTERACTION,
                occurred_at,
                object_type="interaction",
                object_id=str(interaction.pk),
                data={
                    "channel": data.channel,
                    "direction": data.direction,
                    "subject": interaction.subject,
                },
                dedupe_key=f"interaction:{interaction.pk}",
            )
    except IntegrityError:
        # The same external contact, logged concurrently.
        existing = Interaction.objects.filter(
            source=data.source, external_id__in=with_erased_key(data.external_id)
        ).first()
        if existing is None:
            raise
        return existing, False
    return interaction, True
