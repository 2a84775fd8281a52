"""Loaders for the help desk: a profile's tickets, a ticket's messages."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import QuerySet

from ...tickets import models
from ...tickets.models import TicketMessageKind
from ..core.dataloaders import ListByParentLoader, PageByParentLoader


class TicketsByProfileLoader(PageByParentLoader):
    """``CustomerProfile.tickets``, newest first."""

    context_key = "tickets_by_profile"
    parent_field = "profile_id"
    sort = (("created_at", True),)

    def queryset(self, filters: Hashable) -> QuerySet:
        return models.Ticket.objects.all()


class TicketMessagesByTicketLoader(PageByParentLoader):
    """``Ticket.messages``: replies and notes, oldest first."""

    context_key = "ticket_messages_by_ticket"
    parent_field = "ticket_id"
    sort = (("created_at", False),)

    def queryset(self, filters: Hashable) -> QuerySet:
        return models.TicketMessage.objects.all()


class CustomerRepliesByTicketLoader(ListByParentLoader):
    """``CustomerTicket.messages``: the public conversation, oldest first."""

    context_key = "customer_replies_by_ticket"
    parent_field = "ticket_id"

    def queryset(self) -> QuerySet:
        return models.TicketMessage.objects.filter(kind=TicketMessageKind.REPLY).order_by(
            "created_at", "id"
        )


class VouchersByTicketLoader(ListByParentLoader):
    """``Ticket.vouchers``: goodwill vouchers, oldest first."""

    context_key = "vouchers_by_ticket"
    parent_field = "ticket_id"

    def queryset(self) -> QuerySet:
        return models.TicketVoucher.objects.select_related("offer_code__offer").order_by(
            "created_at", "number"
        )


class RefundsByTicketLoader(ListByParentLoader):
    """``Ticket.refunds``: refunds started from the ticket, oldest first."""

    context_key = "refunds_by_ticket"
    parent_field = "ticket_id"

    def queryset(self) -> QuerySet:
        return models.TicketRefund.objects.order_by("created_at", "id")
