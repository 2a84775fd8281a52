from decimal import Decimal

import graphene
from graphene.types.generic import GenericScalar
from graphql_relay import to_global_id

from ...commerce.models import OrderFact
from ...currency import round_amount
from ...profiles import models
from ...text import PLAIN_TEXT
from ..core.connection import connection_args, connection_type
from ..core.mutations import error_type
from ..core.types import CrmMoney, money
from ..interactions.dataloaders import InteractionsByProfileLoader
from ..marketing.consent_types import MarketingConsent, consent_for
from ..tickets.dataloaders import TicketsByProfileLoader
from .dataloaders import OrdersByProfileLoader, TimelineEventsByProfileLoader
from .enums import (
    CrmOrderChargeStatusEnum,
    CustomerLifecycleStageEnum,
    CustomerProfileErrorCode,
    CustomerRfmSegmentEnum,
    CustomerTimelineEventTypeEnum,
    OrderStatusEnum,
)
from .figures import profile_figures


def _money(amount, currency):
    """An amount as the API shows it: in the currency's precision."""
    if amount is None or currency is None:
        return None
    return money(round_amount(amount, currency), currency)


# Said on every field FIELD_PERMISSIONS guards with MANAGE_ORDERS.
ORDERS_ONLY = (
    "Requires MANAGE_ORDERS (null otherwise, with a PermissionDenied error); for staff "
    "restricted to some channels, counted from the orders of those channels."
)

# How a timeline entry's source is named in Saleor's global IDs.
SALEOR_TYPE_NAMES = {"order": "Order", "checkout": "Checkout", "user": "User"}


class CustomerRfm(graphene.ObjectType):
    recency = graphene.Int(description="Recency score, 1 (long ago) to 5 (recent).")
    frequency = graphene.Int(description="Frequency score, 1 (rarely) to 5 (often).")
    monetary = graphene.Int(description="Monetary score, 1 (low spend) to 5 (high spend).")
    segment = graphene.Field(CustomerRfmSegmentEnum, description="Named RFM segment.")

    class Meta:
        description = (
            "RFM scores: the customer ranked against all buyers at the last full "
            "recompute (quintiles). Null for customers without orders."
        )


class CustomerProfileCurrencySpend(graphene.ObjectType):
    currency = graphene.String(required=True, description="Currency code.")
    orders_count = graphene.Int(required=True, description="Orders paid in this currency.")
    total_spent = graphene.Field(
        CrmMoney, required=True, description="Total spent in this currency, less refunds."
    )
    average_order_value = graphene.Field(
        CrmMoney, required=True, description="Average order value in this currency."
    )

    class Meta:
        description = "What a customer spent in one currency."


class CustomerProfileFavourite(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor global ID of the product or category.")
    name = graphene.String(required=True, description="Name at the time of purchase.")
    quantity = graphene.Int(required=True, description="Units bought.")

    class Meta:
        description = "A product or category the customer buys most."


class CustomerTimelineEvent(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the timeline event.")
    type = graphene.Field(
        CustomerTimelineEventTypeEnum, required=True, description="What happened."
    )
    occurred_at = graphene.DateTime(required=True, description="When it happened.")
    object_type = graphene.String(
        description="Kind of store object it concerns: ORDER, CHECKOUT or USER."
    )
    object_id = graphene.ID(description="Saleor global ID of that object.")
    data = GenericScalar(required=True, description="Details, depending on the type.")

    class Meta:
        description = "One dated event in a customer's history."

    @staticmethod
    def resolve_id(root: models.TimelineEvent, info):
        return to_global_id("CustomerTimelineEvent", root.pk)

    @staticmethod
    def resolve_object_type(root: models.TimelineEvent, info):
        return root.object_type.upper() or None

    @staticmethod
    def resolve_object_id(root: models.TimelineEvent, info):
        type_name = SALEOR_TYPE_NAMES.get(root.object_type)
        if type_name and root.object_id:
            return to_global_id(type_name, root.object_id)
        return None


class CustomerProfileOrder(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor global ID of the order.")
    number = graphene.String(required=True, description="Order number.")
    placed_at = graphene.DateTime(required=True, description="When the order was placed.")
    status = graphene.Field(OrderStatusEnum, required=True, description="Saleor order status.")
    charge_status = graphene.Field(
        CrmOrderChargeStatusEnum,
        description="Saleor charge status; null when the store did not report one.",
    )
    channel = graphene.String(required=True, description="Channel slug.")
    total = graphene.Field(CrmMoney, required=True, description="Order total (gross).")
    total_refunded = graphene.Field(CrmMoney, required=True, description="Refunded so far.")
    is_sale = graphene.Boolean(
        required=True,
        description="Counts towards the customer's figures (not draft, cancelled or fully refunded).",
    )

    class Meta:
        description = "The CRM's record of one of the customer's orders."

    @staticmethod
    def resolve_id(root: OrderFact, info):
        return to_global_id("Order", root.order_id)

    @staticmethod
    def resolve_charge_status(root: OrderFact, info):
        return root.charge_status or None

    @staticmethod
    def resolve_total(root: OrderFact, info):
        return _money(root.total_gross, root.currency)

    @staticmethod
    def resolve_total_refunded(root: OrderFact, info):
        return _money(root.total_refunded, root.currency)


CustomerTimelineEventCountableConnection = connection_type(
    CustomerTimelineEvent, "CustomerTimelineEvent", "A page of timeline events."
)
CustomerProfileOrderCountableConnection = connection_type(
    CustomerProfileOrder, "CustomerProfileOrder", "A page of a customer's orders."
)


class CustomerProfile(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the profile.")
    email = graphene.String(
        required=True, description="Normalised email; a placeholder once erased."
    )
    first_name = graphene.String(required=True, description="First name.")
    last_name = graphene.String(required=True, description="Last name.")
    user = graphene.ID(description="Saleor global ID of the customer's account; null for guests.")
    is_guest = graphene.Boolean(required=True, description="No account in the store.")
    is_erased = graphene.Boolean(
        required=True, description="Personal data erased after the account was deleted."
    )
    language_code = graphene.String(required=True, description="Preferred language.")
    country = graphene.String(required=True, description="Country code from addresses.")
    city = graphene.String(required=True, description="City from addresses.")
    first_seen_at = graphene.DateTime(
        required=True, description="First contact: account, checkout or order."
    )
    account_created_at = graphene.DateTime(description="When the account was created.")
    first_order_at = graphene.DateTime(description=f"First order placed. {ORDERS_ONLY}")
    last_order_at = graphene.DateTime(description=f"Last order placed. {ORDERS_ONLY}")
    last_checkout_at = graphene.DateTime(description="Last checkout activity.")
    orders_count = graphene.Int(description=f"Orders placed (all currencies). {ORDERS_ONLY}")
    total_spent = graphene.Field(
        CrmMoney,
        description=(
            "Total spent, less refunds, in the reporting currency. Orders in "
            f"currencies without an exchange rate are left out; see spendByCurrency. {ORDERS_ONLY}"
        ),
    )
    average_order_value = graphene.Field(
        CrmMoney, description=f"Average order value in the reporting currency. {ORDERS_ONLY}"
    )
    spend_by_currency = graphene.List(
        graphene.NonNull(CustomerProfileCurrencySpend),
        description=f"Exact spend per currency. {ORDERS_ONLY}",
    )
    unconverted_spend = graphene.List(
        graphene.NonNull(CrmMoney),
        description=(
            "Spend in currencies the plugin has no exchange rate for, per currency: "
            f"left out of totalSpent until a rate is set in the plugin's configuration. {ORDERS_ONLY}"
        ),
    )
    channels = graphene.List(
        graphene.NonNull(graphene.String), description=f"Channels bought in. {ORDERS_ONLY}"
    )
    favourite_products = graphene.List(
        graphene.NonNull(CustomerProfileFavourite),
        description=f"Most bought products, most first. {ORDERS_ONLY}",
    )
    favourite_categories = graphene.List(
        graphene.NonNull(CustomerProfileFavourite),
        description=f"Most bought categories, most first. {ORDERS_ONLY}",
    )
    lifecycle_stage = graphene.Field(
        CustomerLifecycleStageEnum, required=True, description="Lifecycle stage."
    )
    lifecycle_stage_changed_at = graphene.DateTime(description="When the stage last changed.")
    rfm = graphene.Field(CustomerRfm, required=True, description="RFM scores and segment.")
    tags = graphene.List(
        graphene.NonNull(graphene.String), required=True, description=f"Staff's tags. {PLAIN_TEXT}"
    )
    note = graphene.String(required=True, description=f"Staff's free notes. {PLAIN_TEXT}")
    timeline = graphene.Field(
        CustomerTimelineEventCountableConnection,
        required=True,
        types=graphene.Argument(
            graphene.List(graphene.NonNull(CustomerTimelineEventTypeEnum)),
            description="Only these kinds of events.",
        ),
        description=(
            "The customer's history, newest first. Entries about an order only with "
            "MANAGE_ORDERS, and for staff restricted to some channels only those of their "
            "channels' orders."
        ),
        **connection_args(),
    )
    marketing_consent = graphene.Field(
        MarketingConsent,
        required=True,
        description=(
            "Marketing consent of the profile's email (NEVER_SUBSCRIBED when nothing is "
            "recorded), with its suppression."
        ),
    )
    satisfaction_average = graphene.Float(
        description="Average help desk rating, 1-5; null before any rating."
    )
    satisfaction_count = graphene.Int(required=True, description="Ratings given.")
    tickets = graphene.Field(
        "saleor_crm_plugin.graphql.tickets.types.TicketCountableConnection",
        required=True,
        description="The customer's tickets, newest first.",
        **connection_args(),
    )
    interactions = graphene.Field(
        "saleor_crm_plugin.graphql.interactions.types.InteractionCountableConnection",
        required=True,
        description="Contacts with the customer, newest first.",
        **connection_args(),
    )
    orders = graphene.Field(
        CustomerProfileOrderCountableConnection,
        description=f"The customer's orders, newest first. {ORDERS_ONLY}",
        **connection_args(),
    )
    reads = graphene.Field(
        "saleor_crm_plugin.graphql.privacy.types.CustomerProfileReadCountableConnection",
        description=(
            "Who opened this profile or exported the customer's data, and when, newest "
            "first (the read audit). Requires MANAGE_STAFF: null without it, with a "
            "PermissionDenied error at its path."
        ),
        **connection_args(),
    )

    class Meta:
        description = "Customer 360 profile: everything the store knows about one buyer."

    @staticmethod
    def resolve_id(root: models.CustomerProfile, info):
        return to_global_id("CustomerProfile", root.pk)

    @staticmethod
    def resolve_user(root: models.CustomerProfile, info):
        return to_global_id("User", root.user_id) if root.user_id else None

    @staticmethod
    def resolve_is_guest(root: models.CustomerProfile, info):
        return root.user_id is None

    @staticmethod
    def resolve_is_erased(root: models.CustomerProfile, info):
        return root.is_erased

    # The order figures: stored, or from the requestor's channels (figures.py).
    @staticmethod
    def resolve_orders_count(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: f.orders_count)

    @staticmethod
    def resolve_first_order_at(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: f.first_order_at)

    @staticmethod
    def resolve_last_order_at(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: f.last_order_at)

    @staticmethod
    def resolve_channels(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: list(f.channels))

    @staticmethod
    def resolve_total_spent(root: models.CustomerProfile, info):
        return profile_figures(
            root, info, lambda f: _money(f.total_spent, _reporting_currency(f, info))
        )

    @staticmethod
    def resolve_average_order_value(root: models.CustomerProfile, info):
        return profile_figures(
            root, info, lambda f: _money(f.average_order_value, _reporting_currency(f, info))
        )

    @staticmethod
    def resolve_spend_by_currency(root: models.CustomerProfile, info):
        return profile_figures(root, info, _spend_by_currency)

    @staticmethod
    def resolve_unconverted_spend(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: _unconverted_spend(f, info))

    @staticmethod
    def resolve_favourite_products(root: models.CustomerProfile, info):
        return profile_figures(root, info, lambda f: _favourites(f.favourite_products, "Product"))

    @staticmethod
    def resolve_favourite_categories(root: models.CustomerProfile, info):
        return profile_figures(
            root, info, lambda f: _favourites(f.favourite_categories, "Category")
        )

    @staticmethod
    def resolve_rfm(root: models.CustomerProfile, info):
        return CustomerRfm(
            recency=root.rfm_recency,
            frequency=root.rfm_frequency,
            monetary=root.rfm_monetary,
            segment=root.rfm_segment or None,
        )

    @staticmethod
    def resolve_timeline(root: models.CustomerProfile, info, types=None, **pagination):
        types = tuple(sorted(set(types))) if types else ()
        return TimelineEventsByProfileLoader(info.context).load_page(root.pk, types, **pagination)

    @staticmethod
    def resolve_marketing_consent(root: models.CustomerProfile, info):
        return consent_for(info, root.email)

    @staticmethod
    def resolve_satisfaction_average(root: models.CustomerProfile, info):
        return float(root.satisfaction_average) if root.satisfaction_average is not None else None

    @staticmethod
    def resolve_tickets(root: models.CustomerProfile, info, **pagination):
        return TicketsByProfileLoader(info.context).load_page(root.pk, **pagination)

    @staticmethod
    def resolve_interactions(root: models.CustomerProfile, info, **pagination):
        return InteractionsByProfileLoader(info.context).load_page(root.pk, **pagination)

    @staticmethod
    def resolve_orders(root: models.CustomerProfile, info, **pagination):
        return OrdersByProfileLoader(info.context).load_page(root.pk, **pagination)

    @staticmethod
    def resolve_reads(root: models.CustomerProfile, info, **pagination):
        from ..privacy.resolvers import resolve_profile_reads

        return resolve_profile_reads(root, info, **pagination)


def _spend_by_currency(figures) -> list[CustomerProfileCurrencySpend]:
    result = []
    for currency, spent in sorted((figures.spend_by_currency or {}).items()):
        orders, total = int(spent["orders"]), Decimal(str(spent["total"]))
        result.append(
            CustomerProfileCurrencySpend(
                currency=currency,
                orders_count=orders,
                total_spent=_money(total, currency),
                average_order_value=_money(total / orders if orders else 0, currency),
            )
        )
    return result


def _unconverted_spend(figures, info) -> list:
    config = info.context.configuration
    rated = {_reporting_currency(figures, info), config.reporting_currency}
    rated |= set(config.exchange_rates or {})
    return [
        _money(Decimal(str(spent["total"])), currency)
        for currency, spent in sorted((figures.spend_by_currency or {}).items())
        if currency not in rated and Decimal(str(spent["total"])) > 0
    ]


def _reporting_currency(root, info) -> str:
    if root.reporting_currency:
        return root.reporting_currency
    return info.context.configuration.reporting_currency


def _favourites(items: list, type_name: str) -> list[CustomerProfileFavourite]:
    return [
        CustomerProfileFavourite(
            id=to_global_id(type_name, item["id"]), name=item["name"], quantity=item["quantity"]
        )
        for item in items
    ]


CustomerProfileCountableConnection = connection_type(
    CustomerProfile, "CustomerProfile", "A page of customer profiles."
)

CustomerProfileError = error_type(
    "CustomerProfileError", CustomerProfileErrorCode, "An error from a customer profile mutation."
)
