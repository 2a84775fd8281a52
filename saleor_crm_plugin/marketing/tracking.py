"""Signed links of campaign emails: unsubscribe, open pixel, click
redirect; and what following them records.

Each token is a recipient's ID signed with Django's ``SECRET_KEY`` (its
own salt per kind); a click token adds the link's index into the list of
links stored with the recipient's content (``Campaign.links`` /
``CampaignVariant.links``), so a redirect only ever goes to a link that
was in that email: a forged or altered token matches nothing. Opens and
clicks are recorded once per recipient (a click counts as an open too),
each with a timeline entry on the profile.

Bounces and complaints the mail provider reports (the consent bounce
endpoint) mark the recipient they are about BOUNCED (:func:`record_bounce`).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, quote_plus

from django.conf import settings
from django.core import signing
from django.utils import timezone

from ..conf import crm_setting
from ..profiles.models import TimelineEventType
from ..profiles.timeline import TimelineEntry, add_timeline_rows
from ..snapshots import normalize_email
from .models import CampaignRecipient, RecipientStatus

ROUTE = "/plugins/global/saleor.crm"
UNSUBSCRIBE_PATH = "/campaigns/unsubscribe/"
OPEN_PATH = "/campaigns/open/"
CLICK_PATH = "/campaigns/click/"
SALTS = {
    "unsubscribe": "saleor_crm.campaign.unsubscribe",
    "open": "saleor_crm.campaign.open",
    "click": "saleor_crm.campaign.click",
}


def _signer(kind: str) -> signing.Signer:
    return _cached_signer(kind, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


@lru_cache(maxsize=16)
def _cached_signer(kind: str, secret: str, fallbacks: tuple[str, ...]) -> signing.Signer:
    # One per kind and keys (a campaign signs seven links per email); new
    # keys (a rotation, a test's override) get their own.
    return signing.Signer(key=secret, fallback_keys=list(fallbacks), salt=SALTS[kind])


def token(kind: str, recipient_id: int, link: int | None = None) -> str:
    value = str(recipient_id) if link is None else f"{recipient_id}.{link}"
    return _signer(kind).sign(value)


def read_token(kind: str, value: str) -> tuple[int, int | None] | None:
    """(recipient ID, link index or None) of a valid token; None otherwise."""
    try:
        raw = _signer(kind).unsign(value or "")
    except signing.BadSignature:
        return None
    recipient, _, link = raw.partition(".")
    if not recipient.isdigit() or (link and not link.isdigit()):
        return None
    return int(recipient), int(link) if link else None


def url(kind: str, recipient_id: int, link: int | None = None) -> str:
    base = (crm_setting("SALEOR_CRM_PUBLIC_URL") or "").rstrip("/")
    path = {"unsubscribe": UNSUBSCRIBE_PATH, "open": OPEN_PATH, "click": CLICK_PATH}[kind]
    # quote_plus is what urlencode applies to the one value, without its overhead.
    return f"{base}{ROUTE}{path}?t={quote_plus(token(kind, recipient_id, link))}"


def mailto(recipient_id: int, address: str) -> str:
    """The ``mailto:`` of the email's ``List-Unsubscribe``: the subject a
    mail client fills in carries the recipient's unsubscribe token, so the
    mail that comes back names its recipient as the one-click link does
    (anyone can write a ``From``; nobody can forge the token).
    """
    return f"mailto:{address}?subject={quote('unsubscribe ' + token('unsubscribe', recipient_id))}"


# A signed unsubscribe token: the recipient's ID, ":", Django's URL-safe signature.
_TOKEN_IN_TEXT = re.compile(r"(?<![\w:-])(\d{1,18}:[A-Za-z0-9_-]{20,100})(?![\w:-])")


def recipient_for_mailto(subject: str) -> CampaignRecipient | None:
    """The recipient the subject of a mail sent to the ``mailto:`` address
    names (a client may prefix or quote it); None when no valid token is in it.
    """
    for candidate in _TOKEN_IN_TEXT.findall(subject or ""):
        if (recipient := recipient_for_unsubscribe(candidate)) is not None:
            return recipient
    return None


def _timeline(recipient: CampaignRecipient, type: str, at: datetime, key: str) -> None:
    add_timeline_rows(
        [
            (
                recipient.profile_id,
                TimelineEntry(
                    type=type,
                    occurred_at=at,
                    object_type="campaign",
                    object_id=str(recipient.campaign_id),
                    data={"campaign": recipient.campaign.name},
                    dedupe_key=f"{key}:{recipient.pk}",
                ),
            )
        ]
    )


def _mark(recipient_id: int, field: str, now: datetime) -> CampaignRecipient | None:
    """Set ``field`` once (a click sets ``opened_at`` too, unless already
    set); the recipient when ``field`` was new, None when it was set.
    """
    rows = CampaignRecipient.objects.filter(pk=recipient_id)
    if field == "clicked_at":
        rows.filter(opened_at__isnull=True).update(opened_at=now)
    if not rows.filter(**{f"{field}__isnull": True}).update(**{field: now}):
        return None
    return CampaignRecipient.objects.select_related("campaign").get(pk=recipient_id)


def record_open(value: str, now: datetime | None = None) -> bool:
    """The open pixel was loaded: recorded once. False for a bad token."""
    now = now or timezone.now()
    claims = read_token("open", value)
    if claims is None or not CampaignRecipient.objects.filter(pk=claims[0]).exists():
        return False
    if (recipient := _mark(claims[0], "opened_at", now)) is not None:
        _timeline(recipient, TimelineEventType.CAMPAIGN_OPENED, now, "campaign_opened")
    return True


def click_target(value: str, now: datetime | None = None) -> str | None:
    """Where a click token leads (a link of that recipient's email), with
    the click recorded once; None for a bad token or an unknown link.
    """
    now = now or timezone.now()
    claims = read_token("click", value)
    if claims is None or claims[1] is None:
        return None
    recipient_id, index = claims
    recipient = (
        CampaignRecipient.objects.select_related("campaign")
        .filter(pk=recipient_id, position__isnull=False)
        .first()
    )
    if recipient is None:
        return None
    if recipient.position:
        variant = recipient.campaign.variants.filter(position=recipient.position).first()
        links = variant.links if variant else []
    else:
        links = recipient.campaign.links
    if not 0 <= index < len(links):
        return None
    if _mark(recipient_id, "clicked_at", now) is not None:
        _timeline(recipient, TimelineEventType.CAMPAIGN_CLICKED, now, "campaign_clicked")
    return links[index]


def recipient_for_unsubscribe(value: str) -> CampaignRecipient | None:
    claims = read_token("unsubscribe", value)
    if claims is None:
        return None
    return CampaignRecipient.objects.select_related("campaign").filter(pk=claims[0]).first()


def unsubscribe_recipient(
    recipient: CampaignRecipient,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> None:
    """Unsubscribe the recipient's address (the consent ledger records it,
    with the campaign as source); idempotent.
    """
    from .consent import unsubscribe

    now = now or timezone.now()
    unsubscribe(
        recipient.email,
        source=f"campaign:{recipient.campaign_id}",
        ip=ip,
        user_agent=(user_agent or "")[:255] or None,
    )
    if CampaignRecipient.objects.filter(pk=recipient.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now
    ):
        _timeline(recipient, TimelineEventType.CAMPAIGN_UNSUBSCRIBED, now, "campaign_unsubscribed")


# What sending.message_id writes: <crm.<campaign id>.<recipient id>@<domain>>.
_MESSAGE_ID = re.compile(r"^\s*<?crm\.([0-9a-f-]{36})\.(\d{1,18})@[^>\s]+>?\s*$", re.IGNORECASE)


def recipient_for_bounce(email: str, message_id: str = "") -> CampaignRecipient | None:
    """The campaign email a bounce or complaint for ``email`` is about: the
    one whose ``Message-ID`` the report names (a message recovered as
    ``interrupted`` too: the bounce proves it went out), else the latest
    sent to the address. None when no campaign mailed it.
    """
    from ..profiles.models import CustomerProfile

    address = normalize_email(email)
    if not address:
        return None
    mailed = CampaignRecipient.objects.filter(email=address)
    if match := _MESSAGE_ID.match(message_id or ""):
        named = mailed.filter(
            campaign_id=match.group(1).lower(),
            pk=int(match.group(2)),
            status__in=(RecipientStatus.SENT, RecipientStatus.FAILED, RecipientStatus.BOUNCED),
        ).first()
        if named is not None:
            return named
    # By the address's profiles: the index on profile, not a scan of every send.
    profiles = CustomerProfile.objects.filter(email=address).values("pk")
    return (
        mailed.filter(
            profile__in=profiles, status__in=(RecipientStatus.SENT, RecipientStatus.BOUNCED)
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


def record_bounce(
    email: str, *, message_id: str = "", occurred_at: datetime | None = None
) -> CampaignRecipient | None:
    """A hard bounce or complaint: the recipient it is about (see
    :func:`recipient_for_bounce`) becomes BOUNCED, once (the first report's
    time is kept). The recipient, or None when no campaign mailed it.
    """
    recipient = recipient_for_bounce(email, message_id)
    if recipient is None:
        return None
    CampaignRecipient.objects.filter(pk=recipient.pk).exclude(
        status=RecipientStatus.BOUNCED
    ).update(status=RecipientStatus.BOUNCED, bounced_at=occurred_at or timezone.now())
    return recipient
