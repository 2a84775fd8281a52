import graphene

from ....marketing import consent
from ....marketing.subscription import Proof, request_subscription
from ....throttling.services import client_ip
from ...core.mutations import BaseMutation
from ...core.permissions import PUBLIC
from ...core.throttling import throttle
from ..consent_types import MarketingConsentError

MAX_CHANNEL = 255


def proof_of(info) -> Proof:
    """The visitor's IP and user agent, kept with a storefront change."""
    request = getattr(info.context, "request", None)
    if request is None:
        return Proof()
    return Proof(
        ip=client_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[: consent.MAX_USER_AGENT],
    )


class NewsletterSubscribe(BaseMutation):
    requires_confirmation = graphene.Boolean(
        description=(
            "Always true: a confirmation link is emailed to the address (unless it is already "
            "subscribed); the subscription starts when it is used. The answer is the same for "
            "every address."
        )
    )

    class Arguments:
        email = graphene.String(required=True, description="The visitor's email.")
        channel = graphene.String(
            description="Slug of the store's sales channel the form is on (kept in the ledger)."
        )

    class Meta:
        description = (
            "Storefront newsletter sign-up with double opt-in: records PENDING with the "
            "visitor's IP and user agent and emails a confirmation link. Anyone may call it; "
            "throttled per IP and per address."
        )
        permission = PUBLIC
        error_type_class = MarketingConsentError

    @classmethod
    def throttle(cls, info, data):
        throttle(info, "newsletter_subscribe", email=data.get("email"))

    @classmethod
    def perform_mutation(cls, root, info, /, *, email, channel=None):
        address = consent.clean_email(email)
        sales_channel = (channel or "").strip()
        if len(sales_channel) > MAX_CHANNEL:
            raise consent.ConsentError("channel", f"At most {MAX_CHANNEL} characters.")
        request_subscription(address, sales_channel, proof_of(info))
        return cls(requires_confirmation=True)
