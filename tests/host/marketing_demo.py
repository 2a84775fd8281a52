"""The demo store's marketing: consent and segments.

Consent comes in as in a live store: the storefront puts the shopper's
newsletter choice in the checkout's ``marketing_consent`` metadata
(:func:`tests.host.store.newsletter_choice`), the CRM's configuration names
that key, and ingestion records it. Two addresses then bounce hard, as a
mail provider would report them. The segments are the ones a merchant sets
up first; their members are materialised as the periodic refresh does.
"""

from __future__ import annotations

from dataclasses import dataclass

from saleor_crm_plugin.marketing.consent import suppress
from saleor_crm_plugin.marketing.membership import refresh_members
from saleor_crm_plugin.marketing.models import Segment, SuppressionReason
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.profiles.models import CustomerProfile

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
