"""Which permission each GraphQL operation needs: the one table.

The schema middleware refuses any root field missing from this table, and the
permission tests walk the schema against it, so a new operation cannot ship
without a decision here.
"""

from dataclasses import dataclass

from ...auth import CRMPermission, Requestor, RequestorKind


@dataclass(frozen=True)
class StaffOrApp:
    """Staff users or apps holding all the listed permissions."""

    permissions: tuple[str, ...]

    def allows(self, requestor: Requestor) -> bool:
        return requestor.has_perms(self.permissions)

    def describe(self) -> str:
        return ", ".join(self.permissions)


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
MANAGE_USERS_AND_ORDERS = StaffOrApp((CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS))
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
        "interactionCreate": MANAGE_USERS,
        "slaPolicySet": MANAGE_USERS,
        "slaPolicyDelete": MANAGE_USERS,
        "ticketOpen": PUBLIC,
        "myTicketReply": PUBLIC,
        "ticketRate": PUBLIC,
    },
}
