"""Marketing consent as the API shows it: on a profile, and to the customer."""

from __future__ import annotations

from types import SimpleNamespace

import graphene
from promise import Promise

from ...marketing import error_codes
from ...marketing import models as marketing_models
from ...marketing.consent import NEVER
from ...marketing.models import ConsentChannel, ConsentStatus, SuppressionReason
from ...profiles.identity import email_hash
from ...snapshots import normalize_email
from ..core.dataloaders import DataLoader
from ..core.enums import enum_from_choices
from ..core.mutations import error_type

MarketingConsentStatusEnum = enum_from_choices(
    "MarketingConsentStatusEnum",
    ConsentStatus,
    "Marketing consent of an address.",
    {
        ConsentStatus.SUBSCRIBED: "Agreed to receive marketing; campaigns are sent to it "
        "unless the address is suppressed.",
        ConsentStatus.UNSUBSCRIBED: "Declined or unsubscribed.",
        ConsentStatus.NEVER_SUBSCRIBED: "Never asked for marketing (nothing recorded).",
        ConsentStatus.PENDING: "Signed up on the storefront, confirmation link not used yet.",
    },
)
MarketingConsentChannelEnum = enum_from_choices(
    "MarketingConsentChannelEnum", ConsentChannel, "Channel a consent is about."
)
MarketingSuppressionReasonEnum = enum_from_choices(
    "MarketingSuppressionReasonEnum", SuppressionReason, "Why an address is never mailed."
)
MarketingConsentErrorCode = graphene.Enum.from_enum(
    error_codes.ConsentErrorCode, description="Error codes of consent operations."
)
MarketingConsentError = error_type(
    "MarketingConsentError",
    MarketingConsentErrorCode,
    "Why a consent operation was refused.",
    throttled=True,
)


def never_subscribed(channel: str = ConsentChannel.EMAIL) -> SimpleNamespace:
    """What an address without a consent row shows."""
    return SimpleNamespace(
        status=ConsentStatus.NEVER_SUBSCRIBED,
        channel=channel,
        occurred_at=NEVER,
        source="",
        suppressed_at=None,
        suppression_reason="",
    )


class MarketingConsent(graphene.ObjectType):
    status = graphene.Field(
        MarketingConsentStatusEnum, required=True, description="Current status."
    )
    channel = graphene.Field(MarketingConsentChannelEnum, required=True, description="Channel.")
    updated_at = graphene.DateTime(
        description="When the current status was given; null when never subscribed."
    )
    source = graphene.String(
        required=True,
        description=(
            "Where the current status came from: staff, newsletter_form, double_opt_in, "
            "unsubscribe_link, customer_account, customer_metadata, checkout_metadata…"
        ),
    )
    is_sendable = graphene.Boolean(
        required=True, description="Campaigns are sent to it: SUBSCRIBED and not suppressed."
    )
    suppressed_at = graphene.DateTime(
        description="When the address was suppressed (hard bounce, complaint, staff, erasure). "
        "Requires MANAGE_USERS."
    )
    suppression_reason = graphene.Field(
        MarketingSuppressionReasonEnum,
        description="Why the address is suppressed; null if it is not. Requires MANAGE_USERS.",
    )

    class Meta:
        description = (
            "Marketing consent of an address on a channel. Suppression wins over the status: "
            "a suppressed address is never sent campaigns."
        )

    @staticmethod
    def resolve_updated_at(root, info):
        return None if root.occurred_at == NEVER else root.occurred_at

    @staticmethod
    def resolve_is_sendable(root, info):
        return root.status == ConsentStatus.SUBSCRIBED and root.suppressed_at is None

    @staticmethod
    def resolve_suppression_reason(root, info):
        return root.suppression_reason or None


class ConsentByEmailLoader(DataLoader):
    """The email channel's consent of each address (never subscribed when none)."""

    context_key = "marketing_consent_by_email"

    def batch_load(self, keys: list[str]) -> list:
        hashes = {key: email_hash(normalize_email(key)) for key in keys}
        rows = {
            row.email_hash: row
            for row in marketing_models.MarketingConsent.objects.filter(
                email_hash__in=sorted(set(hashes.values())), channel=ConsentChannel.EMAIL
            )
        }
        return [rows.get(hashes[key]) or never_subscribed() for key in keys]


def consent_for(info, email: str) -> Promise:
    return ConsentByEmailLoader(info.context).load(normalize_email(email))
