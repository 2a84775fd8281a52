import graphene

from ....marketing import consent
from ....marketing.error_codes import ConsentErrorCode
from ....marketing.subscription import request_subscription
from ...core.mutations import BaseMutation
from ...core.permissions import CUSTOMER
from ...core.throttling import throttle
from ..consent_types import (
    MarketingConsent,
    MarketingConsentError,
    MarketingConsentStatusEnum,
    consent_for,
)
from .newsletter_subscribe import proof_of


class MyMarketingConsentUpdate(BaseMutation):
    consent = graphene.Field(MarketingConsent, description="Your consent now.")
    requires_confirmation = graphene.Boolean(
        description=(
            "True when subscribing needs the emailed confirmation link first (an account "
            "whose email the store has not confirmed)."
        )
    )

    class Arguments:
        status = MarketingConsentStatusEnum(
            required=True, description="SUBSCRIBED or UNSUBSCRIBED."
        )

    class Meta:
        description = (
            "The signed-in customer subscribes to or unsubscribes from marketing email. Throttled."
        )
        permission = CUSTOMER
        error_type_class = MarketingConsentError

    @classmethod
    def throttle(cls, info, data):
        throttle(info, "consent_update", email=info.context.requestor.email)

    @classmethod
    def perform_mutation(cls, root, info, /, *, status):
        requestor = info.context.requestor
        address = consent.clean_email(requestor.email)
        if status not in (consent.ConsentStatus.SUBSCRIBED, consent.ConsentStatus.UNSUBSCRIBED):
            raise consent.ConsentError(
                "status", "Choose SUBSCRIBED or UNSUBSCRIBED.", ConsentErrorCode.INVALID
            )
        proof = proof_of(info)
        if status == consent.ConsentStatus.SUBSCRIBED and not requestor.is_confirmed:
            # The address is not proven to be theirs: the link proves it.
            request_subscription(address, "", proof)
            return cls(consent=consent_for(info, address), requires_confirmation=True)
        consent.record_consent(
            address,
            status,
            source="customer_account",
            ip=proof.ip,
            user_agent=proof.user_agent,
            actor="customer",
        )
        return cls(consent=consent_for(info, address), requires_confirmation=False)
