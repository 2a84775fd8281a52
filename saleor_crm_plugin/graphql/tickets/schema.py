"""Help desk: staff operations and the storefront's."""

import graphene

from ...commerce.order_actions import refund_reasons
from ..core.connection import connection_args
from .filters import TicketFilterInput
from .mutations.my_ticket_reply import MyTicketReply
from .mutations.sla_policy_delete import SlaPolicyDelete
from .mutations.sla_policy_set import SlaPolicySet
from .mutations.ticket_add_note import TicketAddNote
from .mutations.ticket_assign import TicketAssign
from .mutations.ticket_create import TicketCreate
from .mutations.ticket_issue_voucher import TicketIssueVoucher
from .mutations.ticket_link_order import TicketLinkOrder
from .mutations.ticket_merge import TicketMerge
from .mutations.ticket_open import TicketOpen
from .mutations.ticket_rate import TicketRate
from .mutations.ticket_refund_order import TicketRefundOrder
from .mutations.ticket_reply import TicketReply
from .mutations.ticket_update import TicketUpdate
from .resolvers import (
    resolve_my_ticket,
    resolve_my_tickets,
    resolve_sla_policies,
    resolve_ticket,
    resolve_ticket_by_access_token,
    resolve_tickets,
)
from .sorters import TicketSortingInput
from .types import (
    CustomerTicket,
    CustomerTicketCountableConnection,
    SlaPolicy,
    Ticket,
    TicketCountableConnection,
    TicketRefundReasons,
)


class TicketQueries(graphene.ObjectType):
    tickets = graphene.Field(
        TicketCountableConnection,
        filter=graphene.Argument(TicketFilterInput, description="Filtering options."),
        sort_by=graphene.Argument(TicketSortingInput, description="Sort order."),
        description="The ticket inbox. Requires MANAGE_USERS.",
        **connection_args(),
    )
    ticket = graphene.Field(
        Ticket,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the ticket."),
        description="One ticket. Requires MANAGE_USERS.",
    )
    sla_policies = graphene.List(
        graphene.NonNull(SlaPolicy),
        required=True,
        description="SLA targets per priority. Requires MANAGE_USERS.",
    )
    ticket_refund_reasons = graphene.Field(
        TicketRefundReasons,
        required=True,
        description=(
            "The reasons the store offers for refunds started from tickets, and whether "
            "ticketRefundOrder needs one. Requires MANAGE_USERS and MANAGE_ORDERS."
        ),
    )
    my_tickets = graphene.Field(
        CustomerTicketCountableConnection,
        description="The signed-in customer's own tickets, newest first.",
        **connection_args(),
    )
    my_ticket = graphene.Field(
        CustomerTicket,
        id=graphene.Argument(graphene.ID, required=True, description="ID of the ticket."),
        description="One of the signed-in customer's own tickets.",
    )
    ticket_by_access_token = graphene.Field(
        CustomerTicket,
        token=graphene.Argument(
            graphene.String,
            required=True,
            description="The `token` of the link ticketOpen emailed to the guest.",
        ),
        description=(
            "A guest's ticket, through the link emailed to them. The first use verifies the "
            "ticket: the guest has proven the email is theirs."
        ),
    )

    @staticmethod
    def resolve_tickets(root, info, filter=None, sort_by=None, **pagination):
        return resolve_tickets(info.context.requestor, filter, sort_by, **pagination)

    @staticmethod
    def resolve_ticket(root, info, id):
        return resolve_ticket(id)

    @staticmethod
    def resolve_sla_policies(root, info):
        return resolve_sla_policies()

    @staticmethod
    def resolve_ticket_refund_reasons(root, info):
        return refund_reasons(info.context.requestor)

    @staticmethod
    def resolve_my_tickets(root, info, **pagination):
        return resolve_my_tickets(info, **pagination)

    @staticmethod
    def resolve_my_ticket(root, info, id):
        return resolve_my_ticket(info, id)

    @staticmethod
    def resolve_ticket_by_access_token(root, info, token):
        return resolve_ticket_by_access_token(token)


class TicketMutations(graphene.ObjectType):
    # Staff.
    ticket_create = TicketCreate.Field()
    ticket_update = TicketUpdate.Field()
    ticket_assign = TicketAssign.Field()
    ticket_reply = TicketReply.Field()
    ticket_add_note = TicketAddNote.Field()
    ticket_merge = TicketMerge.Field()
    ticket_link_order = TicketLinkOrder.Field()
    ticket_issue_voucher = TicketIssueVoucher.Field()
    ticket_refund_order = TicketRefundOrder.Field()
    sla_policy_set = SlaPolicySet.Field()
    sla_policy_delete = SlaPolicyDelete.Field()
    # Storefront.
    ticket_open = TicketOpen.Field()
    my_ticket_reply = MyTicketReply.Field()
    ticket_rate = TicketRate.Field()
