"""Campaigns: create, change, schedule, cancel and delete them. Sending is
in :mod:`.sending`, tracking in :mod:`.tracking`.

A campaign's content is its ``subject`` and ``body`` (position 0); an A/B
test adds up to :data:`MAX_VARIANTS` variants (positions 1, 2, …), each
sent to an equal share of ``test_percent`` of the audience that is not held
out; after ``winner_after_hours`` the winner goes to the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ..errors import CRMError
from .error_codes import CampaignErrorCode
from .models import (
    EDITABLE_STATUSES,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    CampaignVariant,
    RecipientStatus,
    Segment,
    WinnerMetric,
)
from .offers import OfferSpec, validate_offer
from .templates import MAX_BODY, MAX_SUBJECT, TemplateError, check_template, literal_links

MAX_NAME = 255
MAX_VARIANTS = 4
MAX_HOLDOUT_PERCENT = 50
MAX_TEST_PERCENT = 50
MAX_WINNER_AFTER_HOURS = 24 * 30
# How far ahead a send may be scheduled.
MAX_SCHEDULE_DAYS = 366


class CampaignError(CRMError):
    """A campaign action refused; ``code`` is a :class:`CampaignErrorCode` value."""

    code_enum = CampaignErrorCode


@dataclass(frozen=True)
class Creator:
    user_pk: Any
    name: str


FIELDS = (
    "name",
    "segment",
    "subject",
    "body",
    "from_email",
    "offer",
    "holdout_percent",
    "variants",
    "test_percent",
    "winner_metric",
    "winner_after_hours",
)


def _offer_spec(offer: dict) -> OfferSpec:
    minimum = offer.get("minimum_spent")
    return OfferSpec(
        discount_type=str(offer.get("discount_type") or ""),
        value=offer.get("value"),
        valid_days=offer.get("valid_days"),
        channel=offer.get("channel") or "",
        minimum_spent=None if minimum is None else minimum,
    )


def offer_spec(campaign: Campaign) -> OfferSpec | None:
    """The campaign's offer as :class:`~.offers.OfferSpec` (None: no offer)."""
    if not campaign.offer:
        return None
    offer = campaign.offer
    return OfferSpec(
        discount_type=offer["discount_type"],
        value=Decimal(offer["value"]),
        valid_days=int(offer["valid_days"]),
        channel=offer["channel"],
        minimum_spent=None
        if offer.get("minimum_spent") is None
        else Decimal(offer["minimum_spent"]),
    )


class _Errors:
    def __init__(self) -> None:
        self.items: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: CampaignErrorCode | str) -> None:
        code = code.value if isinstance(code, CampaignErrorCode) else code
        self.items.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def _template(errors: _Errors, field: str, source: Any, limit: int, *, with_offer: bool) -> str:
    if not isinstance(source, str) or not source.strip():
        errors.add(field, "Required.", CampaignErrorCode.REQUIRED)
        return ""
    if len(source) > limit:
        errors.add(field, f"At most {limit} characters.", CampaignErrorCode.INVALID)
        return source
    try:
        check_template(source, with_offer=with_offer)
    except TemplateError as error:
        errors.add(field, str(error), error.code)
    return source


def _percent(errors: _Errors, field: str, value: Any, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        errors.add(field, f"A whole number from 0 to {high}.", CampaignErrorCode.INVALID)
        return 0
    return value


def _apply(campaign: Campaign, data: dict, errors: _Errors) -> list[dict] | None:
    """Check ``data`` (the fields given) onto ``campaign``; the variants to
    store (None: unchanged).
    """
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            errors.add("name", "A campaign needs a name.", CampaignErrorCode.REQUIRED)
        elif len(name) > MAX_NAME:
            errors.add("name", f"At most {MAX_NAME} characters.", CampaignErrorCode.INVALID)
        campaign.name = name
    if "segment" in data:
        if not isinstance(data["segment"], Segment):
            errors.add("segment", "A campaign needs a segment.", CampaignErrorCode.REQUIRED)
        else:
            campaign.segment = data["segment"]
    if "offer" in data:
        offer = data["offer"]
        if offer is None:
            campaign.offer = None
        else:
            spec = _offer_spec(offer)
            problems = validate_offer(spec, field_prefix="offer.")
            for problem in problems:
                code = (
                    problem.code
                    if problem.code in CampaignErrorCode._value2member_map_
                    else "invalid"
                )
                errors.add(problem.field or "offer", str(problem), code)
            if not problems:
                campaign.offer = {
                    "discount_type": spec.discount_type,
                    "value": str(Decimal(str(spec.value))),
                    "valid_days": spec.valid_days,
                    "channel": spec.channel.strip(),
                    "minimum_spent": None
                    if spec.minimum_spent is None
                    else str(Decimal(str(spec.minimum_spent))),
                }
    with_offer = bool(campaign.offer)
    if "subject" in data or "offer" in data or campaign._state.adding:
        campaign.subject = _template(
            errors,
            "subject",
            data.get("subject", campaign.subject),
            MAX_SUBJECT,
            with_offer=with_offer,
        )
    if "body" in data or "offer" in data or campaign._state.adding:
        campaign.body = _template(
            errors, "body", data.get("body", campaign.body), MAX_BODY, with_offer=with_offer
        )
        campaign.links = literal_links(campaign.body)
    if "from_email" in data:
        address = (data["from_email"] or "").strip()
        if address:
            try:
                validate_email(address)
            except ValidationError:
                errors.add("fromEmail", "Not an email address.", CampaignErrorCode.INVALID)
        campaign.from_email = address
    if "holdout_percent" in data:
        campaign.holdout_percent = _percent(
            errors, "holdoutPercent", data["holdout_percent"], MAX_HOLDOUT_PERCENT
        )
    if "test_percent" in data:
        campaign.test_percent = _percent(
            errors, "testPercent", data["test_percent"], MAX_TEST_PERCENT
        )
    if "winner_metric" in data and data["winner_metric"] is not None:
        metric = str(data["winner_metric"]).lower()
        if metric not in WinnerMetric.values:
            errors.add("winnerMetric", "OPEN_RATE or CLICK_RATE.", CampaignErrorCode.INVALID)
        else:
            campaign.winner_metric = metric
    if "winner_after_hours" in data:
        hours = data["winner_after_hours"]
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int)
            or not (1 <= hours <= MAX_WINNER_AFTER_HOURS)
        ):
            errors.add(
                "winnerAfterHours",
                f"A whole number of hours from 1 to {MAX_WINNER_AFTER_HOURS}.",
                CampaignErrorCode.INVALID,
            )
        else:
            campaign.winner_after_hours = hours
    variants = None
    if "variants" in data or ("offer" in data and not campaign._state.adding):
        given = data.get("variants")
        if given is None:
            given = (
                [{"subject": v.subject, "body": v.body} for v in campaign.variants.all()]
                if campaign.pk and not campaign._state.adding
                else []
            )
        if len(given) > MAX_VARIANTS:
            errors.add("variants", f"At most {MAX_VARIANTS} variants.", CampaignErrorCode.INVALID)
            given = []
        variants = []
        for i, variant in enumerate(given):
            subject = variant.get("subject") or campaign.subject
            body = variant.get("body") or campaign.body
            variants.append(
                {
                    "subject": _template(
                        errors,
                        f"variants.{i}.subject",
                        subject,
                        MAX_SUBJECT,
                        with_offer=with_offer,
                    ),
                    "body": _template(
                        errors, f"variants.{i}.body", body, MAX_BODY, with_offer=with_offer
                    ),
                }
            )
    count = (
        len(variants)
        if variants is not None
        else (campaign.variants.count() if campaign.pk and not campaign._state.adding else 0)
    )
    if count and not campaign.test_percent:
        errors.add(
            "testPercent",
            "Variants need a test group: set testPercent.",
            CampaignErrorCode.REQUIRED,
        )
    if campaign.test_percent and not count:
        errors.add(
            "variants", "An A/B test needs at least one variant.", CampaignErrorCode.REQUIRED
        )
    return variants


def _save(campaign: Campaign, variants: list[dict] | None) -> Campaign:
    campaign.save()
    if variants is not None:
        campaign.variants.all().delete()
        CampaignVariant.objects.bulk_create(
            CampaignVariant(
                campaign=campaign,
                position=i + 1,
                subject=v["subject"],
                body=v["body"],
                links=literal_links(v["body"]),
            )
            for i, v in enumerate(variants)
        )
    return campaign


def create_campaign(data: dict, created_by: Creator | None = None) -> Campaign:
    """A new draft; ``ValidationError`` with every problem on its field."""
    errors = _Errors()
    campaign = Campaign(
        created_by_user_id=created_by.user_pk if created_by else None,
        created_by_name=(created_by.name if created_by else "")[:255],
    )
    data = {"name": data.get("name"), "segment": data.get("segment"), **data}
    variants = _apply(campaign, data, errors)
    errors.raise_any()
    return _save(campaign, variants or [])


def draft(data: dict, campaign: Campaign | None = None) -> tuple[Campaign, list[dict]]:
    """An unsaved campaign with ``data`` applied (over ``campaign`` when
    given) and its variants, checked as a save would (for previews).
    """
    errors = _Errors()
    if campaign is None:
        base = Campaign()
        data = {"name": data.get("name") or "Preview", "segment": data.get("segment"), **data}
    else:
        base = Campaign.objects.get(pk=campaign.pk)
    variants = _apply(base, data, errors)
    errors.raise_any()
    if variants is None:
        variants = [{"subject": v.subject, "body": v.body} for v in base.variants.all()]
    return base, variants


def check_editable(campaign: Campaign) -> None:
    if campaign.status not in EDITABLE_STATUSES:
        raise CampaignError(
            None,
            f"A {campaign.status} campaign cannot be changed.",
            CampaignErrorCode.NOT_EDITABLE,
        )


def update_campaign(campaign: Campaign, data: dict) -> Campaign:
    """Change the fields given; only before the campaign starts."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    errors = _Errors()
    variants = _apply(campaign, data, errors)
    errors.raise_any()
    return _save(campaign, variants)


def delete_campaign(campaign: Campaign) -> None:
    """Delete a campaign that never started (a sent one is its report)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (*EDITABLE_STATUSES, CampaignStatus.CANCELLED) or (
        campaign.started_at is not None
    ):
        raise CampaignError(
            None, "A campaign that has started cannot be deleted.", CampaignErrorCode.NOT_EDITABLE
        )
    campaign.delete()


def schedule_campaign(
    campaign: Campaign, scheduled_at: datetime | None = None, now: datetime | None = None
) -> Campaign:
    """Send now (``scheduled_at`` None or past) or at ``scheduled_at``: the
    campaign becomes SCHEDULED; the audience is fixed when it starts.
    """
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_editable(campaign)
    if campaign.segment_id is None:
        raise CampaignError("segment", "The campaign's segment was deleted.", "required")
    if scheduled_at is not None:
        if timezone.is_naive(scheduled_at):
            raise CampaignError("scheduledAt", "Give a time with its zone.", "invalid")
        if scheduled_at > now + timedelta(days=MAX_SCHEDULE_DAYS):
            raise CampaignError(
                "scheduledAt", f"At most {MAX_SCHEDULE_DAYS} days ahead.", "invalid"
            )
    campaign.status = CampaignStatus.SCHEDULED
    campaign.scheduled_at = max(scheduled_at or now, now)
    campaign.save(update_fields=["status", "scheduled_at", "updated_at"])
    if campaign.scheduled_at <= now:
        from ..dispatch import send_task

        campaign_id = str(campaign.pk)
        transaction.on_commit(lambda: send_task("saleor_crm.start_campaign", campaign_id))
    return campaign


def cancel_campaign(campaign: Campaign, now: datetime | None = None) -> Campaign:
    """Stop a campaign: nothing more is mailed (a batch already handed to
    the mail server finishes); recipients not yet mailed are SKIPPED.
    """
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
        raise CampaignError(
            None, f"A {campaign.status} campaign cannot be cancelled.", "invalid_status"
        )
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = now
    campaign.save(update_fields=["status", "finished_at", "updated_at"])
    CampaignRecipient.objects.filter(campaign=campaign, status=RecipientStatus.QUEUED).update(
        status=RecipientStatus.SKIPPED, error="cancelled"
    )
    return campaign
