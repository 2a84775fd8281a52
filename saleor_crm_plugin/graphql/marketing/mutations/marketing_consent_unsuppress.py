import graphene

from ....marketing import consent
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ...core.utils import staff_identity
from ..consent_types import (
    MarketingConsent,
    MarketingConsentChannelEnum,
    MarketingConsentError,
    consent_for,
    never_subscribed,
)


class MarketingConsentUnsuppress(BaseMutation):
    consent = graphene.Field(MarketingConsent, description="The address's consent now.")
    changed = graphene.Boolean(
        description="False when the address was not suppressed (nothing recorded)."
    )

    class Arguments:
        email = graphene.String(required=True, description="The suppressed address.")
        channel = MarketingConsentChannelEnum(
            description="Channel of the suppression. Default: EMAIL."
        )
        reason = graphene.String(
            description="Why the suppression was a mistake (kept in the consent ledger); at "
            f"most {consent.MAX_NOTE} characters."
        )

    class Meta:
        description = (
            "Lift a mistaken suppression (a bounce or complaint that was not one, or staff's "
            "own): the address gets campaigns again if it is SUBSCRIBED. Recorded in the "
            "consent ledger with who lifted it and why, and on the customer's timeline. An "
            "erased customer's address is never lifted (ERASED). Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = MarketingConsentError

    @classmethod
    def perform_mutation(cls, root, info, /, *, email, channel=None, reason=None):
        channel = channel or consent.ConsentChannel.EMAIL
        identity = staff_identity(info.context.requestor)
        entry = consent.lift_suppression(
            email, channel=channel, actor=identity.name, note=reason or ""
        )
        address = consent.clean_email(email)
        if channel == consent.ConsentChannel.EMAIL:
            current = consent_for(info, address)
        else:
            current = consent.consent_of(address, channel) or never_subscribed(channel)
        return cls(consent=current, changed=entry is not None)
