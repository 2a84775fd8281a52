import graphene

from ....marketing.offers import OfferSpec
from ....tickets import models, order_actions
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS_AND_DISCOUNTS
from ...core.types import CrmDecimal
from ...marketing.enums import OfferDiscountTypeEnum
from ..types import Ticket, TicketError, TicketVoucher
from ..utils import get_ticket, staff_author


class TicketVoucherInput(graphene.InputObjectType):
    discount_type = graphene.Field(
        OfferDiscountTypeEnum, required=True, description="Percentage or fixed amount off."
    )
    value = CrmDecimal(
        required=True,
        description="Percent off (up to 100), or the amount off in the channel's currency.",
    )
    valid_days = graphene.Int(required=True, description="Days it is valid, from now (1-365).")
    channel = graphene.String(required=True, description="Slug of the channel it is valid in.")
    minimum_spent = CrmDecimal(description="Order total it needs, in the channel's currency.")
    note = graphene.String(description="Why (kept on the ticket, never sent).")

    class Meta:
        description = "A goodwill voucher for the ticket's customer."


class TicketIssueVoucher(BaseMutation):
    ticket = graphene.Field(Ticket, description="The ticket.")
    voucher = graphene.Field(TicketVoucher, description="The voucher issued.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the ticket.")
        input = TicketVoucherInput(required=True, description="Terms of the voucher.")

    class Meta:
        description = (
            "Issue the ticket's customer a personal single-use code: in Saleor, of a voucher "
            "created for it (whole order, valid in one channel for `validDays`), which "
            "`checkoutAddPromoCode` accepts once. Recorded on the ticket and the customer's "
            "timeline. Requires MANAGE_USERS and MANAGE_DISCOUNTS."
        )
        permission = MANAGE_USERS_AND_DISCOUNTS
        error_type_class = TicketError

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        ticket = get_ticket(id)
        request = order_actions.VoucherRequest(
            spec=OfferSpec(
                discount_type=input.discount_type,
                value=input.value,
                valid_days=input.valid_days,
                channel=input.channel,
                minimum_spent=input.get("minimum_spent"),
            ),
            note=input.get("note") or "",
        )
        voucher = order_actions.issue_voucher(ticket, request, staff_author(info))
        return cls(ticket=models.Ticket.objects.get(pk=ticket.pk), voucher=voucher)
