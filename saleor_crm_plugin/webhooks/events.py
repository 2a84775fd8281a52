"""The events the CRM sends to webhook endpoints."""

from enum import StrEnum

# The payload's shape; a change subscribers must adapt to gets a new one.
PAYLOAD_VERSION = 1


class WebhookEventType(StrEnum):
    PROFILE_CREATED = "profile.created"
    PROFILE_STAGE_CHANGED = "profile.stage_changed"
    PROFILE_ERASED = "profile.erased"
    SEGMENT_ENTERED = "segment.entered"
    SEGMENT_LEFT = "segment.left"
    CONSENT_CHANGED = "consent.changed"
    TICKET_CREATED = "ticket.created"
    TICKET_SOLVED = "ticket.solved"
    TICKET_RATED = "ticket.rated"
    CAMPAIGN_SENT = "campaign.sent"


DESCRIPTIONS = {
    WebhookEventType.PROFILE_CREATED: "A customer profile was created (first order, cart, "
    "account or verified ticket).",
    WebhookEventType.PROFILE_STAGE_CHANGED: "A profile's lifecycle stage changed (`data.from`, "
    "`data.to`).",
    WebhookEventType.PROFILE_ERASED: "The customer was erased: delete your copy of their data.",
    WebhookEventType.SEGMENT_ENTERED: "A profile entered a segment (`object` is the segment).",
    WebhookEventType.SEGMENT_LEFT: "A profile left a segment (`object` is the segment).",
    WebhookEventType.CONSENT_CHANGED: "A profile's marketing consent changed (`data.channel`, "
    "`data.status`).",
    WebhookEventType.TICKET_CREATED: "A ticket was opened on a profile (or joined it when "
    "its requester was verified).",
    WebhookEventType.TICKET_SOLVED: "A ticket was solved.",
    WebhookEventType.TICKET_RATED: "A customer rated a solved ticket (`data.rating`, 1-5).",
    WebhookEventType.CAMPAIGN_SENT: "A campaign email was sent to a profile (`object` is the "
    "campaign).",
}

# GraphQL type names of the objects events are about (their global IDs).
OBJECT_TYPES = {
    "ticket": "Ticket",
    "segment": "Segment",
    "campaign": "Campaign",
}
