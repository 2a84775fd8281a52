"""Campaigns in the API: the campaign, its variants, offer, stats and preview."""

from functools import cached_property

import graphene
from django.db.models import Count, Q
from graphql_relay import to_global_id

from ...currency import minor_units, round_amount
from ...marketing import error_codes, models
from ...marketing.attribution import CampaignRevenue, campaign_revenue
from ...marketing.offers import DiscountType
from ..core.connection import connection_type
from ..core.enums import CrmSortDirection, enum_from_choices
from ..core.mutations import error_type
from ..core.types import CrmDecimal, CrmMoney, money
from ..core.utils import saleor_id

CampaignStatusEnum = enum_from_choices(
    "CampaignStatusEnum",
    models.CampaignStatus,
    "Where a campaign is in its life.",
    {
        "draft": "Being written; nothing sent.",
        "scheduled": "Will start at `scheduledAt`.",
        "sending": "Going out (after an A/B test: the winner to the rest).",
        "testing": "Variants going out to the test group; the winner follows.",
        "sent": "Everything sent.",
        "cancelled": "Stopped; what was not sent never will be.",
    },
)
CampaignWinnerMetricEnum = enum_from_choices(
    "CampaignWinnerMetricEnum",
    models.WinnerMetric,
    "How an A/B test's winner is chosen: the variant with the highest rate in the test group.",
)
CampaignRecipientGroupEnum = enum_from_choices(
    "CampaignRecipientGroupEnum", models.RecipientGroup, "Which part of the audience."
)
CampaignDiscountTypeEnum = graphene.Enum(
    "CampaignDiscountTypeEnum",
    [(d.value, d.value) for d in DiscountType],
    description=lambda member: (
        {"PERCENTAGE": "A percentage off the order.", "FIXED": "An amount off the order."}[
            member.value
        ]
        if member
        else "What kind of discount an offer gives."
    ),
)
CampaignErrorCode = graphene.Enum.from_enum(
    error_codes.CampaignErrorCode, description="Error codes of campaign operations."
)
CampaignError = error_type(
    "CampaignError", CampaignErrorCode, "An error from a campaign operation."
)


class CampaignSortField(graphene.Enum):
    NAME = "name"
    CREATED_AT = "created_at"
    SCHEDULED_AT = "scheduled_at"

    class Meta:
        description = "Fields campaigns can be sorted by."

    @property
    def description(self):
        return {
            "name": "Name.",
            "created_at": "When it was created.",
            "scheduled_at": "When it is (or was) to start.",
        }[self.value]


class CampaignSortingInput(graphene.InputObjectType):
    direction = graphene.Field(CrmSortDirection, required=True, description="Sort direction.")
    field = graphene.Field(CampaignSortField, required=True, description="Sort by.")

    class Meta:
        description = "Order of campaigns."


class CampaignFilterInput(graphene.InputObjectType):
    status = graphene.List(
        graphene.NonNull(CampaignStatusEnum), description="Any of these statuses."
    )
    search = graphene.String(description="Part of the name.")

    class Meta:
        description = "Which campaigns."


class CampaignOfferInput(graphene.InputObjectType):
    discount_type = CampaignDiscountTypeEnum(required=True, description="PERCENTAGE or FIXED.")
    # Amounts as strings, checked by the offers service (a Decimal scalar
    # raised on text that is no number instead of refusing it).
    value = graphene.String(
        required=True, description='The percentage, or the amount off, such as "10" or "5.50".'
    )
    valid_days = graphene.Int(required=True, description="Days each code is valid from issue.")
    channel = graphene.String(required=True, description="Slug of the channel it is valid in.")
    minimum_spent = graphene.String(description="Smallest order total it applies to, as text.")

    class Meta:
        description = (
            "A personal offer: every recipient gets their own single-use code of one discount "
            "(in Saleor, one voucher of the campaign with a code per recipient)."
        )


class CampaignVariantInput(graphene.InputObjectType):
    subject = graphene.String(description="Subject (Handlebars); the campaign's when omitted.")
    body = graphene.String(description="HTML body (Handlebars); the campaign's when omitted.")

    class Meta:
        description = "An alternative subject and body for an A/B test."


class CampaignInput(graphene.InputObjectType):
    name = graphene.String(description="Name. Required to create.")
    segment = graphene.ID(description="ID of the segment it goes to. Required to create.")
    subject = graphene.String(
        description="Subject, a Handlebars template (`{{customer.first_name}}`). Required to "
        "create."
    )
    body = graphene.String(
        description="HTML body, a Handlebars template; `<style>` is inlined, scripts and "
        "forms are removed. Required to create."
    )
    from_email = graphene.String(description="Sender address; the store's default when empty.")
    offer = graphene.Field(CampaignOfferInput, description="A personal offer; null for none.")
    holdout_percent = graphene.Int(
        description="Share of the audience (0-50) that gets nothing, to measure the lift."
    )
    variants = graphene.List(
        graphene.NonNull(CampaignVariantInput),
        description="Up to 4 alternatives to the campaign's own subject and body (A/B test).",
    )
    test_percent = graphene.Int(
        description="Share (0-50) of the audience not held out that gets the variants; the "
        "winner goes to the rest."
    )
    winner_metric = CampaignWinnerMetricEnum(description="How the winner is chosen.")
    winner_after_hours = graphene.Int(
        description="Hours after the test group's mail is out before the winner is sent (1-720)."
    )

    class Meta:
        description = "Fields of a campaign; on update, those given replace the old ones."


class CampaignOffer(graphene.ObjectType):
    discount_type = CampaignDiscountTypeEnum(required=True, description="PERCENTAGE or FIXED.")
    value = CrmDecimal(required=True, description="The percentage, or the amount off.")
    valid_days = graphene.Int(required=True, description="Days each code is valid.")
    channel = graphene.String(required=True, description="Channel slug.")
    minimum_spent = CrmDecimal(description="Smallest order total it applies to.")

    class Meta:
        description = "A campaign's personal offer."


class CampaignVariant(graphene.ObjectType):
    position = graphene.Int(required=True, description="1, 2, …; 0 is the campaign's own content.")
    subject = graphene.String(required=True, description="Subject template.")
    body = graphene.String(required=True, description="Body template.")

    class Meta:
        description = "An alternative subject and body of an A/B test."


# Said on the stats computed from orders (FIELD_PERMISSIONS).
ORDER_FIGURES = (
    "Requires MANAGE_ORDERS with access to all channels (null otherwise, with a "
    "PermissionDenied error)."
)
# Per-member figures keep two decimals more than the currency: a lift of a
# fraction of a cent per recipient is still money over 100k recipients.
PER_MEMBER_EXTRA_DECIMALS = 2


class CampaignLiftInterval(graphene.ObjectType):
    low = graphene.Float(required=True, description="Lower end, per recipient.")
    high = graphene.Float(required=True, description="Upper end, per recipient.")
    confidence = graphene.Float(required=True, description="Confidence level (0.95).")

    class Meta:
        description = (
            "A 95% confidence interval for the lift (Welch's t interval for a difference of "
            "means): the range of lifts consistent with what the two groups bought. If it "
            "spans zero, the campaign's effect cannot be told apart from chance yet."
        )


class CampaignStats(graphene.ObjectType):
    recipients = graphene.Int(required=True, description="Audience mailed or to be mailed.")
    holdout = graphene.Int(required=True, description="Held out (never mailed).")
    queued = graphene.Int(required=True, description="Waiting to be sent.")
    sent = graphene.Int(required=True, description="Accepted by the mail server.")
    failed = graphene.Int(required=True, description="Refused, or interrupted by a crash.")
    skipped = graphene.Int(
        required=True, description="Not mailed: no longer sendable, or the campaign cancelled."
    )
    opened = graphene.Int(required=True, description="Opened at least once (pixel or a click).")
    clicked = graphene.Int(required=True, description="Clicked at least one link.")
    unsubscribed = graphene.Int(required=True, description="Unsubscribed from this email.")
    bounced = graphene.Int(required=True, description="Bounced.")
    orders = graphene.Int(
        description="Orders attributed to the campaign: placed with a recipient's personal code, "
        "or within the attribution window after a click (SALEOR_CRM_ATTRIBUTION_WINDOW_DAYS, "
        "default 5), each counted once by last touch; fully refunded orders are not counted. "
        f"{ORDER_FIGURES}"
    )
    revenue = graphene.Field(
        CrmMoney,
        description="What the attributed orders brought, net of refunds, in the reporting "
        "currency (orders in currencies without an exchange rate add nothing). "
        f"{ORDER_FIGURES}",
    )
    revenue_per_recipient = graphene.Float(
        description="Mean revenue of the mailed recipients from every order they placed in the "
        "attribution window after the send started (those who bought nothing count as zero), "
        "in the reporting currency: measured as the holdout is, so the two compare. Null "
        f"before the campaign starts. {ORDER_FIGURES}"
    )
    holdout_revenue_per_recipient = graphene.Float(
        description="The same for the holdout's members (who got no email); null without a "
        f"holdout. {ORDER_FIGURES}"
    )
    lift = graphene.Float(
        description="revenuePerRecipient minus holdoutRevenuePerRecipient: what the email added "
        f"per recipient. Null without a holdout. {ORDER_FIGURES}"
    )
    lift_interval = graphene.Field(
        CampaignLiftInterval,
        description="95% interval of the lift; null without a holdout, with fewer than 10 "
        f"members in either group, or when no member of either group bought. {ORDER_FIGURES}",
    )

    class Meta:
        description = "How a campaign went, counted once per recipient."

    @staticmethod
    def resolve_orders(root: "StatsRoot", info):
        return root.revenue_figures.orders

    @staticmethod
    def resolve_revenue(root: "StatsRoot", info):
        figures = root.revenue_figures
        return money(round_amount(figures.revenue, figures.currency), figures.currency)

    @staticmethod
    def resolve_revenue_per_recipient(root: "StatsRoot", info):
        return root.per_member(root.revenue_figures.revenue_per_recipient)

    @staticmethod
    def resolve_holdout_revenue_per_recipient(root: "StatsRoot", info):
        return root.per_member(root.revenue_figures.holdout_revenue_per_member)

    @staticmethod
    def resolve_lift(root: "StatsRoot", info):
        return root.per_member(root.revenue_figures.lift)

    @staticmethod
    def resolve_lift_interval(root: "StatsRoot", info):
        interval = root.revenue_figures.lift_interval
        if interval is None:
            return None
        low, high = interval
        return CampaignLiftInterval(
            low=root.per_member(low), high=root.per_member(high), confidence=0.95
        )


class StatsRoot:
    """A campaign's stats: the recipient counts (one query) and, when an
    order figure is asked for, the attribution (one more, whichever and
    however many of those fields are selected).
    """

    def __init__(self, campaign: models.Campaign, info) -> None:
        self.campaign = campaign
        self.info = info
        self.__dict__.update(stats_of(campaign))

    @cached_property
    def revenue_figures(self) -> CampaignRevenue:
        return campaign_revenue(self.campaign, self.info.context.configuration)

    def per_member(self, value) -> float | None:
        if value is None:
            return None
        places = minor_units(self.revenue_figures.currency) + PER_MEMBER_EXTRA_DECIMALS
        return round(float(value), places)


class CampaignVariantResult(graphene.ObjectType):
    position = graphene.Int(required=True, description="0: the campaign's own content.")
    sent = graphene.Int(required=True, description="Sent in the test group.")
    opened = graphene.Int(required=True, description="Opened.")
    clicked = graphene.Int(required=True, description="Clicked.")

    class Meta:
        description = "One variant's result in an A/B test's test group."


def stats_of(campaign: models.Campaign) -> dict:
    S, G = models.RecipientStatus, models.RecipientGroup
    figures = models.CampaignRecipient.objects.filter(campaign=campaign).aggregate(
        recipients=Count("id", filter=~Q(group=G.HOLDOUT)),
        holdout=Count("id", filter=Q(group=G.HOLDOUT)),
        queued=Count("id", filter=Q(status__in=(S.QUEUED, S.SENDING))),
        sent=Count("id", filter=Q(status=S.SENT)),
        failed=Count("id", filter=Q(status=S.FAILED)),
        skipped=Count("id", filter=Q(status=S.SKIPPED) & ~Q(group=G.HOLDOUT)),
        opened=Count("opened_at"),
        clicked=Count("clicked_at"),
        unsubscribed=Count("unsubscribed_at"),
        bounced=Count("id", filter=Q(status=S.BOUNCED)),
    )
    return figures


class Campaign(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the campaign.")
    name = graphene.String(required=True, description="Name.")
    segment = graphene.Field(
        "saleor_crm_plugin.graphql.marketing.types.Segment",
        description="The segment it goes to; null once the segment is deleted.",
    )
    subject = graphene.String(required=True, description="Subject template.")
    body = graphene.String(required=True, description="Body template (HTML).")
    from_email = graphene.String(required=True, description="Sender address; empty: default.")
    offer = graphene.Field(CampaignOffer, description="The personal offer, if any.")
    holdout_percent = graphene.Int(required=True, description="Share held out.")
    test_percent = graphene.Int(required=True, description="Share in the A/B test group.")
    variants = graphene.List(
        graphene.NonNull(CampaignVariant), required=True, description="A/B variants."
    )
    winner_metric = CampaignWinnerMetricEnum(required=True, description="How the winner is chosen.")
    winner_after_hours = graphene.Int(required=True, description="Hours before the winner goes.")
    winner_position = graphene.Int(description="The A/B winner (0: the campaign's own content).")
    variant_results = graphene.List(
        graphene.NonNull(CampaignVariantResult),
        required=True,
        description="Per variant, the test group's figures.",
    )
    status = CampaignStatusEnum(required=True, description="Status.")
    scheduled_at = graphene.DateTime(description="When it starts (or started).")
    started_at = graphene.DateTime(description="When its audience was fixed.")
    finished_at = graphene.DateTime(description="When it was sent or cancelled.")
    stats = graphene.Field(CampaignStats, required=True, description="How it went.")
    created_by = graphene.ID(description="Saleor global ID of the staff member who created it.")
    created_at = graphene.DateTime(required=True, description="Created.")
    updated_at = graphene.DateTime(required=True, description="Last changed.")

    class Meta:
        description = "A personalised email to a segment, with its A/B test, holdout and offer."

    @staticmethod
    def resolve_id(root: models.Campaign, info):
        return to_global_id("Campaign", root.pk)

    @staticmethod
    def resolve_offer(root: models.Campaign, info):
        return CampaignOffer(**root.offer) if root.offer else None

    @staticmethod
    def resolve_variants(root: models.Campaign, info):
        return list(root.variants.all())

    @staticmethod
    def resolve_variant_results(root: models.Campaign, info):
        from ...marketing.sending import variant_rates

        rates = variant_rates(root)
        return [
            CampaignVariantResult(position=p, sent=s, opened=o, clicked=c)
            for p, (s, o, c) in sorted(rates.items())
        ]

    @staticmethod
    def resolve_stats(root: models.Campaign, info):
        return StatsRoot(root, info)

    @staticmethod
    def resolve_created_by(root: models.Campaign, info):
        return saleor_id("User", root.created_by_user_id)


CampaignCountableConnection = connection_type(Campaign, "Campaign", "A page of campaigns.")


class CampaignPreview(graphene.ObjectType):
    subject = graphene.String(description="The subject as the customer would see it.")
    html = graphene.String(
        description="The HTML part (show it in a sandboxed iframe); links are not tracked."
    )
    text = graphene.String(description="The plain-text part.")
    errors = graphene.List(
        graphene.NonNull(CampaignError),
        required=True,
        description="What is wrong with the templates, on their fields.",
    )

    class Meta:
        description = "A campaign email rendered for one customer, before it is sent."
