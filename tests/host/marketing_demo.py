"""The demo store's marketing: consent, segments and a sent campaign.

Consent comes in as in a live store: the storefront puts the shopper's
newsletter choice in the checkout's ``marketing_consent`` metadata
(:func:`tests.host.store.newsletter_choice`), the CRM's configuration names
that key, and ingestion records it. Two addresses then bounce hard, as a
mail provider would report them. The segments are the ones a merchant sets
up first; their members are materialised as the periodic refresh does. Last,
a campaign with a holdout and a personal offer went out 12 days earlier,
with opens, clicks and orders, so its report shows attribution and lift.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test import override_settings

from saleor_crm_plugin.ingestion.services import process_pending_events, record_events
from saleor_crm_plugin.marketing import sending, tracking
from saleor_crm_plugin.marketing.campaigns import Creator, create_campaign, schedule_campaign
from saleor_crm_plugin.marketing.consent import suppress
from saleor_crm_plugin.marketing.membership import refresh_members
from saleor_crm_plugin.marketing.models import (
    Campaign,
    CampaignRecipient,
    RecipientGroup,
    RecipientStatus,
    Segment,
    SuppressionReason,
)
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.profiles.models import CustomerProfile
from saleor_crm_plugin.snapshots import AddressSnapshot
from tests.host.store import _order as store_order
from tests.host.store import build_catalogue

CONSENT_METADATA_KEY = "marketing_consent"
# Addresses a mail provider reports as gone: the first subscribed guests.
BOUNCES = 2


def condition(field: str, operator: str, value: str | None = None, values=None) -> dict:
    found = {"field": field, "operator": operator}
    if value is not None:
        found["value"] = value
    if values is not None:
        found["values"] = values
    return found


SEGMENTS = (
    (
        "Champions",
        "The best customers by RFM: recent, frequent, big spenders.",
        {"match": "ALL", "conditions": [condition("RFM_SEGMENT", "EQ", "CHAMPIONS")]},
    ),
    (
        "Newsletter, bought this month",
        "Subscribers who ordered in the last 30 days: the audience of a launch email.",
        {
            "match": "ALL",
            "conditions": [
                condition("EMAIL_CONSENT", "EQ", "SUBSCRIBED"),
                condition("LAST_ORDER_AT", "WITHIN_LAST_DAYS", "30"),
            ],
        },
    ),
    (
        "Win back: at risk or lapsed, spent over 100",
        "Good customers drifting away, for a win-back offer.",
        {
            "match": "ALL",
            "conditions": [
                condition("LIFECYCLE_STAGE", "IN", values=["AT_RISK", "LAPSED"]),
                condition("TOTAL_SPENT", "GT", "100"),
            ],
        },
    ),
    (
        "Coffee or tea buyers in the EUR shop",
        "Bought single-origin coffee, an espresso blend or loose-leaf tea in the EUR channel.",
        {
            "match": "ALL",
            "conditions": [condition("CHANNEL", "EQ", "channel-eur")],
            "groups": [
                {
                    "match": "ANY",
                    "conditions": [
                        condition("BOUGHT_CATEGORY", "EQ", "Q2F0ZWdvcnk6MQ=="),
                        condition("BOUGHT_CATEGORY", "EQ", "Q2F0ZWdvcnk6Mg=="),
                        condition("BOUGHT_CATEGORY", "EQ", "Q2F0ZWdvcnk6Mw=="),
                    ],
                }
            ],
        },
    ),
)


@dataclass
class MarketingOutcome:
    segments_created: int = 0
    segments_existing: int = 0
    members: int = 0
    bounced: int = 0


def build_marketing() -> MarketingOutcome:
    """Bounces and segments; running it again changes nothing."""
    outcome = MarketingOutcome()
    subscribed_guests = CustomerProfile.objects.filter(
        user__isnull=True,
        erased_at__isnull=True,
        email__in=_subscribed_addresses(),
    ).order_by("email")[:BOUNCES]
    for profile in subscribed_guests:
        if suppress(profile.email, SuppressionReason.HARD_BOUNCE, source="demo_mail_provider"):
            outcome.bounced += 1
    for name, description, rules in SEGMENTS:
        segment = Segment.objects.filter(name=name).first()
        if segment is None:
            segment = create_segment(name, rules, description)
            outcome.segments_created += 1
        else:
            outcome.segments_existing += 1
        refresh_members(segment)
        outcome.members += segment.memberships.filter(left_at__isnull=True).count()
    return outcome


def _subscribed_addresses():
    from saleor_crm_plugin.marketing.consent import sendable_emails

    return sendable_emails()


# --- a sent campaign with its report -----------------------------------------

CAMPAIGN_NAME = "Spring coffee sale"
CAMPAIGN_SEGMENT = (
    "Newsletter subscribers, USD shop",
    "Subscribed customers who bought in the USD shop: the spring sale's audience.",
    {
        "match": "ALL",
        "conditions": [
            condition("EMAIL_CONSENT", "EQ", "SUBSCRIBED"),
            condition("CHANNEL", "EQ", "default-channel"),
        ],
    },
)
CAMPAIGN_BODY = (
    "<style>p { font-family: Georgia, serif; } .code { font-weight: bold; }</style>"
    "<p>Hi {{customer.first_name}},</p>"
    "<p>Spring roasts are in. Your personal code: <span class='code'>{{offer.code}}</span>"
    ' (20% off until {{date offer.expires_at "%d %B"}}).</p>'
    '<p><a href="https://shop.example.com/spring">See the spring roasts</a></p>'
    '<p><a href="{{unsubscribe_url}}">Unsubscribe</a> · {{shop.name}}</p>'
)
CAMPAIGN_OFFER = {
    "discount_type": "PERCENTAGE",
    "value": "20",
    "valid_days": 14,
    "channel": "default-channel",
}
# Days before the store's "now" the campaign went out: its window has closed.
CAMPAIGN_SENT_DAYS_AGO = 12
# Orders of this demo campaign are numbered from here (the store's are lower).
CAMPAIGN_ORDER_NUMBERS = 900_000
# The campaign's ID: with it, its holdout (a hash of campaign and profile IDs)
# is the same customers on every reset.
CAMPAIGN_ID = uuid.UUID("0f6f3d2a-52c4-4f5e-9d54-2d1c9a3e8b71")


@dataclass
class CampaignOutcome:
    created: bool = False
    recipients: int = 0
    holdout: int = 0
    opened: int = 0
    clicked: int = 0
    orders: int = 0


def _assign_by_email(campaign: Campaign) -> None:
    """The demo's own bucket of each recipient, from its address instead
    of its profile's ID (which is new on every reset), and the groups that
    follow from it as :func:`~saleor_crm_plugin.marketing.sending.materialise`
    sets them: the same shoppers are held out, open, click and buy on every
    reset. A live campaign never does this.
    """
    holdout_end, _ = sending.group_bounds(campaign)
    table = CampaignRecipient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} r SET bucket = b.bucket,
                "group" = CASE WHEN b.bucket < %s THEN 'holdout' ELSE 'main' END,
                status = CASE WHEN b.bucket < %s THEN 'skipped' ELSE 'queued' END,
                position = CASE WHEN b.bucket < %s THEN NULL ELSE 0 END
            FROM (
                SELECT id, ('x' || substr(md5(email), 1, 8))::bit(32)::bigint %% 10000 AS bucket
                FROM {table} WHERE campaign_id = %s
            ) b
            WHERE r.id = b.id
            """,
            [holdout_end, holdout_end, holdout_end, campaign.pk],
        )


def build_campaign(now: datetime) -> CampaignOutcome:
    """Run after ingestion and before the recompute (its orders are then
    scored with the rest, so a second run re-ranks nothing). A campaign sent ``CAMPAIGN_SENT_DAYS_AGO`` days before ``now`` with a
    holdout and a personal offer; some recipients open and click it, some
    order (with their code, after a click, or neither), and so do some of
    the holdout. Who does what follows from each recipient's stable bucket,
    and every time from the campaign's start: running it again records
    the same opens, clicks and orders, which the CRM already has.
    """
    outcome = CampaignOutcome()
    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
    if campaign is None:
        name, description, rules = CAMPAIGN_SEGMENT
        segment = Segment.objects.filter(name=name).first() or create_segment(
            name, rules, description
        )
        campaign = create_campaign(
            {
                "name": CAMPAIGN_NAME,
                "segment": segment,
                "subject": "{{customer.first_name}}, spring roasts: 20% off for you",
                "body": CAMPAIGN_BODY,
                "offer": CAMPAIGN_OFFER,
                "holdout_percent": 25,
            },
            Creator(user_pk=None, name="Demo"),
        )
        Campaign.objects.filter(pk=campaign.pk).update(id=CAMPAIGN_ID)
        campaign = Campaign.objects.get(pk=CAMPAIGN_ID)
        started = now - timedelta(days=CAMPAIGN_SENT_DAYS_AGO)
        # Scheduled a minute ahead of its start, started and sent in one
        # transaction at the times given: the send tasks start_campaign asks
        # for are dispatched at its end and find nothing left to send.
        with (
            transaction.atomic(),
            # Mail goes to the host's test outbox, never to the shoppers' addresses.
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        ):
            schedule_campaign(campaign, started, now=started - timedelta(minutes=1))
            sending.start_campaign(campaign.pk, now=started)
            _assign_by_email(campaign)
            while sending.send_batch(campaign.pk, now=started + timedelta(minutes=5)):
                pass
            sending.finish_if_done(campaign.pk, now=started + timedelta(minutes=10))
        campaign.refresh_from_db()
        outcome.created = True
    started = campaign.started_at
    catalogue = build_catalogue()
    events = []
    recipients = CampaignRecipient.objects.filter(campaign=campaign).select_related("profile")
    for number, recipient in enumerate(recipients.order_by("email")):
        roll = recipient.bucket % 100
        held = recipient.group == RecipientGroup.HOLDOUT
        outcome.holdout += held
        outcome.recipients += not held
        placed_at = None
        code = None
        if not held and recipient.status == RecipientStatus.SENT:
            opened_at = started + timedelta(hours=1 + roll % 30)
            if roll < 45:
                tracking.record_open(tracking.token("open", recipient.pk), now=opened_at)
                outcome.opened += 1
            if roll < 18:
                clicked_at = opened_at + timedelta(minutes=3)
                tracking.click_target(tracking.token("click", recipient.pk, 0), now=clicked_at)
                outcome.clicked += 1
                if roll < 14:  # bought after the click, half of them with the code
                    placed_at = clicked_at + timedelta(hours=2 + roll * 3)
                    code = recipient.offer_code if roll % 2 == 0 else None
            elif 80 <= roll < 88:  # bought in the window, no click
                placed_at = started + timedelta(days=1, hours=roll % 24)
        elif held and roll < 5:  # the holdout buys too, less
            placed_at = started + timedelta(days=1, hours=roll * 7)
        if placed_at is None:
            continue
        profile = recipient.profile
        rng = random.Random(f"campaign-order:{recipient.email}")
        order = store_order(
            rng,
            catalogue,
            order_id=str(uuid.uuid5(CAMPAIGN_ID, recipient.email)),
            number=CAMPAIGN_ORDER_NUMBERS + number,
            placed_at=placed_at,
            email=profile.email,
            user_id=None,
            country="US",
            address=AddressSnapshot(
                country="US",
                city=profile.city,
                first_name=profile.first_name,
                last_name=profile.last_name,
            ),
            favourites=(0,),
            checkout_token=None,
        )
        if code:
            order = replace(
                order, voucher_code=code, total_gross=order.total_gross * Decimal("0.8")
            )
        events.append(("order_created", order, placed_at))
        outcome.orders += 1
    record_events(events, dispatch=False)
    while process_pending_events(limit=500)["processed"]:
        pass
    return outcome
