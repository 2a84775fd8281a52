"""Which permission each GraphQL operation needs: the one table.

The schema middleware refuses any root field missing from this table, and the
permission tests walk the schema against it, so a new operation cannot ship
without a decision here.

Two more tables say what needs more than the operation that reaches it, as
Saleor guards a customer's orders with ``MANAGE_ORDERS`` on top of
``MANAGE_USERS``: fields (:data:`FIELD_PERMISSIONS`: without the permission
the field is null with a ``PermissionDenied`` error at its path, the rest of
the result stays) and arguments (:data:`ARGUMENT_PERMISSIONS`: given without
the permission, the whole operation is refused before it runs). Which of the
orders a requestor with ``MANAGE_ORDERS`` sees, by channel, is decided by
:mod:`saleor_crm_plugin.order_access`.
"""

from dataclasses import dataclass
from typing import Any

from ...auth import CRMPermission, Requestor, RequestorKind
from ...order_access import may_see_order, order_fact
from .errors import PermissionDenied


@dataclass(frozen=True)
class StaffOrApp:
    """Staff users or apps holding all the listed permissions."""

    permissions: tuple[str, ...]

    def allows(self, requestor: Requestor) -> bool:
        return requestor.has_perms(self.permissions)

    def describe(self) -> str:
        return ", ".join(self.permissions)


@dataclass(frozen=True)
class StaffOrAppInAllChannels(StaffOrApp):
    """Staff or apps holding the permissions and not restricted to some
    channels: for what is computed across every channel's orders.
    """

    def allows(self, requestor: Requestor) -> bool:
        return super().allows(requestor) and requestor.sees_all_channels

    def describe(self) -> str:
        return f"{super().describe()} (with access to all channels)"


@dataclass(frozen=True)
class SignedInCustomer:
    """A customer with their own Saleor access token; resolvers return only
    that customer's data.
    """

    def allows(self, requestor: Requestor) -> bool:
        return requestor.kind == RequestorKind.CUSTOMER and bool(requestor.user_id)

    def describe(self) -> str:
        return "a signed-in customer"


@dataclass(frozen=True)
class Public:
    """Anyone; the resolver checks what proves the right (a signed token, the
    customer's own ticket).
    """

    def allows(self, requestor: Requestor) -> bool:
        return True

    def describe(self) -> str:
        return "anyone"


MANAGE_USERS = StaffOrApp((CRMPermission.MANAGE_USERS,))
MANAGE_ORDERS = StaffOrApp((CRMPermission.MANAGE_ORDERS,))
MANAGE_ORDERS_ALL_CHANNELS = StaffOrAppInAllChannels((CRMPermission.MANAGE_ORDERS,))
MANAGE_USERS_AND_ORDERS = StaffOrApp((CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS))
MANAGE_STAFF = StaffOrApp((CRMPermission.MANAGE_STAFF,))
MANAGE_USERS_AND_DISCOUNTS = StaffOrApp(
    (CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_DISCOUNTS)
)
# Outbound webhooks: Saleor guards its own webhooks and apps with
# MANAGE_APPS; the CRM's events carry customer data, so MANAGE_USERS too.
MANAGE_APPS_AND_USERS = StaffOrApp((CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_APPS))
CUSTOMER = SignedInCustomer()
PUBLIC = Public()

Rule = StaffOrApp | SignedInCustomer | Public

OPERATION_PERMISSIONS: dict[str, dict[str, Rule]] = {
    "Query": {
        "customerProfile": MANAGE_USERS,
        "customerProfiles": MANAGE_USERS,
        "tickets": MANAGE_USERS,
        "ticket": MANAGE_USERS,
        "interactions": MANAGE_USERS,
        "slaPolicies": MANAGE_USERS,
        "crmCustomerStats": MANAGE_USERS,
        "crmTicketStats": MANAGE_USERS,
        "crmEventBacklog": MANAGE_USERS,
        "myTickets": CUSTOMER,
        "myTicket": CUSTOMER,
        "ticketByAccessToken": PUBLIC,
        "ticketRefundReasons": MANAGE_USERS_AND_ORDERS,
        # Segments list customers, as customerProfiles does; conditions on
        # order data need more (graphql/marketing/utils.py: ORDER_FIELDS).
        "segments": MANAGE_USERS,
        "segment": MANAGE_USERS,
        "segmentPreview": MANAGE_USERS,
        "myMarketingConsent": CUSTOMER,
        # Campaigns: a segment with order-data conditions needs more, checked
        # on the segment (graphql/marketing/campaign_utils.py).
        "campaigns": MANAGE_USERS,
        "campaign": MANAGE_USERS,
        "campaignPreview": MANAGE_USERS,
        "crmWebhooks": MANAGE_APPS_AND_USERS,
        "crmWebhook": MANAGE_APPS_AND_USERS,
        "crmWebhookDeliveries": MANAGE_APPS_AND_USERS,
    },
    "Mutation": {
        "customerProfileUpdate": MANAGE_USERS,
        "ticketCreate": MANAGE_USERS,
        "ticketUpdate": MANAGE_USERS,
        "ticketAssign": MANAGE_USERS,
        "ticketReply": MANAGE_USERS,
        "ticketAddNote": MANAGE_USERS,
        "ticketMerge": MANAGE_USERS,
        "ticketLinkOrder": MANAGE_USERS_AND_ORDERS,
        # A personal code of a Saleor voucher for the ticket's customer.
        "ticketIssueVoucher": MANAGE_USERS_AND_DISCOUNTS,
        # Saleor's refund operation, which checks its own permissions again.
        "ticketRefundOrder": MANAGE_USERS_AND_ORDERS,
        "interactionCreate": MANAGE_USERS,
        "slaPolicySet": MANAGE_USERS,
        "slaPolicyDelete": MANAGE_USERS,
        # Order data in the document needs MANAGE_ORDERS too (see the mutation).
        "customerDataExport": MANAGE_USERS,
        "segmentCreate": MANAGE_USERS,
        "segmentUpdate": MANAGE_USERS,
        "segmentDelete": MANAGE_USERS,
        "marketingConsentUpdate": MANAGE_USERS,
        "marketingConsentUnsuppress": MANAGE_USERS,
        "myMarketingConsentUpdate": CUSTOMER,
        # Anonymous sign-up; throttled, answers the same for every address.
        "newsletterSubscribe": PUBLIC,
        "campaignCreate": MANAGE_USERS,
        "campaignUpdate": MANAGE_USERS,
        "campaignDelete": MANAGE_USERS,
        "campaignSend": MANAGE_USERS,
        "campaignCancel": MANAGE_USERS,
        "ticketOpen": PUBLIC,
        "myTicketReply": PUBLIC,
        "ticketRate": PUBLIC,
        "crmWebhookCreate": MANAGE_APPS_AND_USERS,
        "crmWebhookUpdate": MANAGE_APPS_AND_USERS,
        "crmWebhookDelete": MANAGE_APPS_AND_USERS,
        "crmWebhookDeliveryReplay": MANAGE_APPS_AND_USERS,
    },
}

# Fields that need more than the operation that reached them (GraphQL type
# and field names). Staff restricted to some channels get these computed
# from their channels' orders only (``CustomerProfile``'s figures, orders
# and favourites; ``newVsReturning``). Lifecycle stage and RFM are not here:
# store-wide segments, shown with MANAGE_USERS; they carry no order or amount.
PROFILE_ORDER_FIELDS = (
    "ordersCount",
    "totalSpent",
    "averageOrderValue",
    "spendByCurrency",
    "unconvertedSpend",
    "firstOrderAt",
    "lastOrderAt",
    "channels",
    "favouriteProducts",
    "favouriteCategories",
    "orders",
)
FIELD_PERMISSIONS: dict[str, dict[str, Rule]] = {
    "CustomerProfile": {
        **dict.fromkeys(PROFILE_ORDER_FIELDS, MANAGE_ORDERS),
        # Who opened the profile: the read audit.
        "reads": MANAGE_STAFF,
    },
    "CrmCustomerStats": {"newVsReturning": MANAGE_ORDERS},
    # Customers see their status; why an address is suppressed is staff's.
    "MarketingConsent": {"suppressedAt": MANAGE_USERS, "suppressionReason": MANAGE_USERS},
    # Which order a ticket or a contact is about; staff restricted to some
    # channels get null for another channel's (order_access.shows_order).
    "Ticket": {"order": MANAGE_ORDERS, "refunds": MANAGE_ORDERS},
    "Interaction": {"order": MANAGE_ORDERS},
    # Computed from every channel's orders (marketing/attribution.py).
    "CampaignStats": dict.fromkeys(
        (
            "orders",
            "revenue",
            "revenuePerRecipient",
            "holdoutRevenuePerRecipient",
            "lift",
            "liftInterval",
        ),
        MANAGE_ORDERS_ALL_CHANNELS,
    ),
}

# Fields whose reading is a read of the profile for its audit (``reads``,
# privacy/audit.py): its personal record, wherever the profile is reached (a
# page of profiles, a ticket's customer, a payload). Names, emails, tags and
# figures, what a list page shows, are not. The schema collects the profiles
# read during a request and records them at its end, in one insert.
READ_AUDITED_FIELDS: dict[str, frozenset[str]] = {
    "CustomerProfile": frozenset({"note", "timeline", "tickets", "interactions", "orders"}),
}

# Arguments that need more than their operation, per operation: a dotted
# path of GraphQL argument and input field names, optionally ``=VALUE`` (an
# enum value's name) when only that value does. Filtering and sorting by
# orders count or last order stay with MANAGE_USERS, as Saleor's
# ``customers(filter: {numberOfOrders, placedOrders}, sortBy: ORDER_COUNT)``.
ARGUMENT_PERMISSIONS: dict[str, dict[str, dict[str, Rule]]] = {
    "Query": {
        "customerProfile": {"orderId": MANAGE_ORDERS},
        "customerProfiles": {
            "filter.totalSpent": MANAGE_ORDERS_ALL_CHANNELS,
            "sortBy.field=TOTAL_SPENT": MANAGE_ORDERS_ALL_CHANNELS,
        },
        # Who is behind an order, as customerProfile(orderId); an order of
        # another channel matches nothing for restricted staff.
        "tickets": {"filter.order": MANAGE_ORDERS},
        "interactions": {"filter.order": MANAGE_ORDERS},
    },
    "Mutation": {
        # Linking an order (ticketLinkOrder needs MANAGE_ORDERS as a whole).
        "ticketCreate": {"input.order": MANAGE_ORDERS},
        "interactionCreate": {"input.order": MANAGE_ORDERS},
    },
}


def check_order_access(requestor: Requestor, *order_ids: Any) -> None:
    """Refuse to link (or unlink) an order the requestor may not see: without
    MANAGE_ORDERS, or of a channel they have no access to; PermissionDenied
    with Saleor's message for the channel. Unknown orders are left to the
    service, which reports them as not found.
    """
    for order_id in filter(None, order_ids):
        if not requestor.sees_orders:
            raise PermissionDenied(MANAGE_ORDERS.describe())
        if not may_see_order(requestor, order_fact(order_id)):
            raise PermissionDenied(message="You don't have access to some objects' channel.")
