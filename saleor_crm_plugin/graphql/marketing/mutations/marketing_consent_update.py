import graphene

from ....marketing import consent
from ....marketing.error_codes import ConsentErrorCode
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ...core.utils import staff_identity
from ..consent_types import (
    MarketingConsent,
    MarketingConsentError,
    MarketingConsentStatusEnum,
    consent_for,
)


class MarketingConsentUpdate(BaseMutation):
    consent = graphene.Field(MarketingConsent, description="The address's consent now.")
    changed = graphene.Boolean(
        description="False when the address already had this status (nothing recorded)."
    )

    class Arguments:
        email = graphene.String(required=True, description="The customer's email.")
        status = MarketingConsentStatusEnum(
            required=True, description="SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED."
        )
        source = graphene.String(
            description='Where staff got it from ("phone", "in store"); at most 64 '
            "characters. Default: staff."
        )

    class Meta:
        description = (
            "Record a customer's marketing consent (email channel) in the consent ledger, as "
            "staff. PENDING is the storefront's double opt-in only. Requires MANAGE_USERS."
        )
        permission = MANAGE_USERS
        error_type_class = MarketingConsentError

    @classmethod
    def perform_mutation(cls, root, info, /, *, email, status, source=None):
        address = consent.clean_email(email)
        if status == consent.ConsentStatus.PENDING:
            raise consent.ConsentError(
                "status",
                "PENDING is set by the storefront's sign-up, not by staff.",
                ConsentErrorCode.INVALID,
            )
        identity = staff_identity(info.context.requestor)
        change = consent.record_consent(
            address,
            status,
            source=consent.clean_source(source, "staff"),
            actor=identity.name,
        )
        return cls(consent=consent_for(info, address), changed=change is not None)
