import graphene
from graphql_relay import to_global_id

from ...order_access import shows_order_id
from ...privacy.names import STAFF_LABEL, public_author_name
from ...text import PLAIN_TEXT, sanitize_html
from ...tickets import models
from ...tickets.services import is_breached
from ..core.connection import connection_args, connection_type
from ..core.mutations import error_type
from ..core.types import CrmDecimal, money
from ..core.utils import saleor_id
from ..interactions.enums import InteractionChannelEnum
from ..marketing.enums import OfferDiscountTypeEnum
from ..privacy.dataloaders import staff_display_name
from ..profiles.dataloaders import CustomerProfileByIdLoader, order_reference
from .dataloaders import (
    CustomerRepliesByTicketLoader,
    RefundsByTicketLoader,
    TicketMessagesByTicketLoader,
    VouchersByTicketLoader,
)
from .enums import (
    TicketAuthorKindEnum,
    TicketErrorCode,
    TicketMessageKindEnum,
    TicketPriorityEnum,
    TicketRefundStatusEnum,
    TicketStatusEnum,
)


class TicketSatisfaction(graphene.ObjectType):
    rating = graphene.Int(required=True, description="1 (poor) to 5 (great).")
    comment = graphene.String(required=True, description=f"The customer's comment. {PLAIN_TEXT}")
    rated_at = graphene.DateTime(required=True, description="When the customer rated.")

    class Meta:
        description = "The customer's rating of a solved ticket."


def _satisfaction(ticket: models.Ticket):
    if ticket.satisfaction_rating is None:
        return None
    return TicketSatisfaction(
        rating=ticket.satisfaction_rating,
        comment=ticket.satisfaction_comment,
        rated_at=ticket.rated_at,
    )


class TicketMessage(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the message.")
    kind = graphene.Field(TicketMessageKindEnum, required=True, description="Reply or note.")
    author_kind = graphene.Field(TicketAuthorKindEnum, required=True, description="Who wrote it.")
    author = graphene.ID(description="Saleor global ID of the staff author.")
    author_name = graphene.String(
        required=True, description=f"Name shown for the author. {PLAIN_TEXT}"
    )
    body = graphene.String(required=True, description="Sanitised HTML.")
    via = graphene.Field(InteractionChannelEnum, required=True, description="Channel.")
    created_at = graphene.DateTime(required=True, description="When it was written.")
    emailed_at = graphene.DateTime(description="When it was emailed to the customer.")

    class Meta:
        description = "A message on a ticket, as staff see it (notes included)."

    @staticmethod
    def resolve_body(root, info):
        # Sanitised again on the way out: a body stored before sanitising
        # existed, or under an older allow-list, is rendered as HTML.
        return sanitize_html(root.body)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TicketMessage", root.pk)

    @staticmethod
    def resolve_author(root, info):
        return saleor_id("User", root.author_user_id)


class TicketVoucher(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the voucher.")
    code = graphene.String(
        required=True,
        description=(
            "The customer's personal single-use code. In Saleor, a code of a voucher "
            "created for this ticket; standalone, issued locally and redeemable in no shop."
        ),
    )
    expires_at = graphene.DateTime(required=True, description="Valid until.")
    discount_type = graphene.Field(
        OfferDiscountTypeEnum, required=True, description="Percentage or fixed amount."
    )
    value = CrmDecimal(required=True, description="Percent off, or the amount off in `currency`.")
    currency = graphene.String(description="The channel's currency, when the store has one.")
    channel = graphene.String(required=True, description="Slug of the channel it is valid in.")
    minimum_spent = CrmDecimal(description="Order total it needs, in `currency`.")
    voucher = graphene.ID(description="Saleor global ID of the voucher; null standalone.")
    note = graphene.String(required=True, description=f"Staff's note. {PLAIN_TEXT}")
    issued_by = graphene.ID(description="Saleor global ID of the staff member who issued it.")
    issued_by_name = graphene.String(required=True, description=f"Who issued it. {PLAIN_TEXT}")
    created_at = graphene.DateTime(required=True, description="When it was issued.")

    class Meta:
        description = "A goodwill voucher issued from a ticket to its customer."

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TicketVoucher", root.pk)

    @staticmethod
    def resolve_code(root, info):
        return root.offer_code.code

    @staticmethod
    def resolve_expires_at(root, info):
        return root.offer_code.offer.expires_at

    @staticmethod
    def resolve_discount_type(root, info):
        return root.offer_code.offer.discount_type

    @staticmethod
    def resolve_value(root, info):
        return root.offer_code.offer.value

    @staticmethod
    def resolve_currency(root, info):
        return root.offer_code.offer.currency or None

    @staticmethod
    def resolve_channel(root, info):
        return root.offer_code.offer.channel

    @staticmethod
    def resolve_minimum_spent(root, info):
        return root.offer_code.offer.minimum_spent

    @staticmethod
    def resolve_voucher(root, info):
        offer = root.offer_code.offer
        return saleor_id("Voucher", offer.external_id) if offer.backend == "saleor" else None

    @staticmethod
    def resolve_issued_by(root, info):
        return saleor_id("User", root.issued_by_user_id)


class TicketRefundStoreError(graphene.ObjectType):
    field = graphene.String(description="Saleor's input field it is about, if any.")
    code = graphene.String(required=True, description="Saleor's error code.")
    message = graphene.String(description="Saleor's message.")

    class Meta:
        description = "An error Saleor gave when it refused a refund."


class TicketRefund(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the refund record.")
    order = graphene.ID(required=True, description="Saleor global ID of the order refunded.")
    amount = graphene.Field(
        "saleor_crm_plugin.graphql.core.types.CrmMoney", required=True, description="Amount."
    )
    reason = graphene.String(required=True, description=f"Why. {PLAIN_TEXT}")
    reason_reference = graphene.ID(
        description="Saleor global ID of the store's refund reason given, if any."
    )
    reason_title = graphene.String(
        description=f"Title of that refund reason when the refund was asked for. {PLAIN_TEXT}"
    )
    status = graphene.Field(
        TicketRefundStatusEnum, required=True, description="Requested, started or failed."
    )
    store_status = graphene.String(
        description="Saleor's status when it was started: success, pending or failure."
    )
    store_errors = graphene.List(
        graphene.NonNull(TicketRefundStoreError),
        required=True,
        description="Why Saleor refused it (FAILED); empty otherwise.",
    )
    kind = graphene.String(
        description=(
            "How Saleor refunds it: `transaction` (a granted refund requested from the "
            "payment app) or `payment` (the older payments' refund); null until started."
        ),
    )
    reference = graphene.String(
        description="Saleor global ID of the granted refund or of the payment; null until started.",
    )
    requested_by = graphene.ID(description="Saleor global ID of the staff member.")
    requested_by_name = graphene.String(required=True, description=f"Who. {PLAIN_TEXT}")
    created_at = graphene.DateTime(required=True, description="When it was started.")

    class Meta:
        description = "A refund of the ticket's order, started from the ticket through Saleor."

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TicketRefund", root.pk)

    @staticmethod
    def resolve_order(root, info):
        return saleor_id("Order", root.order_id)

    @staticmethod
    def resolve_reason_reference(root, info):
        return root.reason_reference or None

    @staticmethod
    def resolve_reason_title(root, info):
        return root.reason_title or None

    @staticmethod
    def resolve_amount(root, info):
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_store_status(root, info):
        return root.store_status or None

    @staticmethod
    def resolve_kind(root, info):
        return root.kind or None

    @staticmethod
    def resolve_reference(root, info):
        return root.reference or None

    @staticmethod
    def resolve_store_errors(root, info):
        return [
            TicketRefundStoreError(
                field=error.get("field"), code=error.get("code") or "", message=error.get("message")
            )
            for error in root.store_errors or []
        ]

    @staticmethod
    def resolve_requested_by(root, info):
        return saleor_id("User", root.requested_by_user_id)


TicketMessageCountableConnection = connection_type(
    TicketMessage, "TicketMessage", "A page of ticket messages."
)


class Ticket(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the ticket.")
    number = graphene.Int(required=True, description="Ticket number, shown to customers.")
    subject = graphene.String(required=True, description=f"Subject. {PLAIN_TEXT}")
    status = graphene.Field(TicketStatusEnum, required=True, description="Status.")
    priority = graphene.Field(TicketPriorityEnum, required=True, description="Priority.")
    channel = graphene.Field(InteractionChannelEnum, required=True, description="Came in by.")
    customer = graphene.Field(
        "saleor_crm_plugin.graphql.profiles.types.CustomerProfile",
        description=(
            "The customer's profile; null while the ticket is unverified (see `isVerified`): "
            "until the requester proves the email, the ticket is no customer's."
        ),
    )
    requester_email = graphene.String(required=True, description="Where replies are sent.")
    is_verified = graphene.Boolean(
        required=True,
        description=(
            "The requester proved they own `requesterEmail`: signed in with a confirmed "
            "account, opened by staff, or a guest who used the emailed link (or answered "
            "our mail from that address). Unverified tickets may be written by anyone in "
            "anyone's name: they are on no customer's profile, and replies still go only to "
            "`requesterEmail`."
        ),
    )
    verified_at = graphene.DateTime(description="When the requester proved the email.")
    order = graphene.ID(
        description=(
            "Saleor global ID of the order it is about. Requires MANAGE_ORDERS; null for "
            "staff restricted to other channels than the order's."
        )
    )
    assignee = graphene.ID(description="Saleor global ID of the staff member assigned.")
    tags = graphene.List(
        graphene.NonNull(graphene.String), required=True, description=f"Tags. {PLAIN_TEXT}"
    )
    created_at = graphene.DateTime(required=True, description="Opened.")
    updated_at = graphene.DateTime(required=True, description="Last activity.")
    first_response_at = graphene.DateTime(description="First staff reply.")
    first_response_due_at = graphene.DateTime(description="SLA target for the first reply.")
    resolution_due_at = graphene.DateTime(description="SLA target for solving it.")
    first_response_breached_at = graphene.DateTime(
        description="When the first-reply target was found missed."
    )
    resolution_breached_at = graphene.DateTime(
        description="When the resolution target was found missed."
    )
    is_breached = graphene.Boolean(required=True, description="An SLA target was missed.")
    solved_at = graphene.DateTime(description="Solved.")
    closed_at = graphene.DateTime(description="Closed.")
    satisfaction = graphene.Field(TicketSatisfaction, description="The customer's rating.")
    merged_into = graphene.ID(description="The ticket this one was merged into.")
    from_unknown_sender = graphene.Boolean(
        required=True,
        description=(
            "Opened by an email that answered another ticket (`senderRepliedTo`) from an "
            "address that is neither its requester nor a participant (a CC, a forward, "
            "someone else), so it was not posted there as the customer. Merge it into that "
            "ticket if the sender speaks for the customer."
        ),
    )
    sender_replied_to = graphene.ID(
        description="The ticket the unknown sender's email answered (see `fromUnknownSender`)."
    )
    messages = graphene.Field(
        TicketMessageCountableConnection,
        required=True,
        description="Replies and notes, oldest first.",
        **connection_args(),
    )
    vouchers = graphene.List(
        graphene.NonNull(TicketVoucher),
        required=True,
        description="Goodwill vouchers issued to the customer from this ticket, oldest first.",
    )
    refunds = graphene.List(
        graphene.NonNull(TicketRefund),
        description=(
            "Refunds of the ticket's order started from it, oldest first. Requires "
            "MANAGE_ORDERS (null without); empty for staff restricted to other channels than "
            "the order's."
        ),
    )

    class Meta:
        description = "A customer service ticket (staff view)."

    @staticmethod
    def resolve_vouchers(root, info):
        return VouchersByTicketLoader(info.context).load(root.pk)

    @staticmethod
    def resolve_refunds(root, info):
        if not shows_order_id(info.context.requestor, root.order_id):
            return []
        return RefundsByTicketLoader(info.context).load(root.pk)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("Ticket", root.pk)

    @staticmethod
    def resolve_customer(root, info):
        if root.profile_id is None:
            return None  # unverified
        if models.Ticket.profile.is_cached(root):
            return root.profile
        return CustomerProfileByIdLoader(info.context).load(root.profile_id)

    @staticmethod
    def resolve_order(root, info):
        return order_reference(info, root.order_id)

    @staticmethod
    def resolve_assignee(root, info):
        return saleor_id("User", root.assignee_id)

    @staticmethod
    def resolve_is_verified(root, info):
        return root.verified_at is not None

    @staticmethod
    def resolve_is_breached(root, info):
        return is_breached(root)

    @staticmethod
    def resolve_satisfaction(root, info):
        return _satisfaction(root)

    @staticmethod
    def resolve_merged_into(root, info):
        return saleor_id("Ticket", root.merged_into_id)

    @staticmethod
    def resolve_sender_replied_to(root, info):
        return saleor_id("Ticket", root.sender_replied_to_id)

    @staticmethod
    def resolve_messages(root, info, **pagination):
        return TicketMessagesByTicketLoader(info.context).load_page(root.pk, **pagination)


TicketCountableConnection = connection_type(Ticket, "Ticket", "A page of tickets.")


class CustomerTicketMessage(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the message.")
    author_kind = graphene.Field(TicketAuthorKindEnum, required=True, description="Who wrote it.")
    author_name = graphene.String(
        required=True,
        description=(
            "Name shown for the author: the customer's as they gave it; staff by their first "
            f"and last name, or “{STAFF_LABEL}” (never an email). {PLAIN_TEXT}"
        ),
    )
    body = graphene.String(required=True, description="Sanitised HTML.")
    created_at = graphene.DateTime(required=True, description="When it was written.")

    class Meta:
        description = "A public message on a ticket, as the customer sees it."

    @staticmethod
    def resolve_body(root, info):
        # Sanitised again on the way out: a body stored before sanitising
        # existed, or under an older allow-list, is rendered as HTML.
        return sanitize_html(root.body)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("TicketMessage", root.pk)

    @staticmethod
    def resolve_author_name(root, info):
        if root.author_kind == models.TicketAuthorKind.CUSTOMER:
            return root.author_name
        return staff_display_name(info, root.author_user_id).then(
            lambda name: public_author_name(root.author_kind, root.author_name, name)
        )


class CustomerTicket(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the ticket.")
    number = graphene.Int(required=True, description="Ticket number.")
    subject = graphene.String(required=True, description=f"Subject. {PLAIN_TEXT}")
    status = graphene.Field(TicketStatusEnum, required=True, description="Status.")
    order = graphene.ID(description="Saleor global ID of the order it is about.")
    created_at = graphene.DateTime(required=True, description="Opened.")
    updated_at = graphene.DateTime(required=True, description="Last activity.")
    solved_at = graphene.DateTime(description="Solved.")
    can_rate = graphene.Boolean(required=True, description="Solved and open to a rating.")
    satisfaction = graphene.Field(TicketSatisfaction, description="The customer's rating.")
    messages = graphene.List(
        graphene.NonNull(CustomerTicketMessage),
        required=True,
        description="The conversation, oldest first (internal notes excluded).",
    )

    class Meta:
        description = "A ticket as its customer sees it: no notes, no internal fields."

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("Ticket", root.pk)

    @staticmethod
    def resolve_order(root, info):
        return saleor_id("Order", root.order_id)

    @staticmethod
    def resolve_can_rate(root, info):
        return root.status in (models.TicketStatus.SOLVED, models.TicketStatus.CLOSED)

    @staticmethod
    def resolve_satisfaction(root, info):
        return _satisfaction(root)

    @staticmethod
    def resolve_messages(root, info):
        return CustomerRepliesByTicketLoader(info.context).load(root.pk)


CustomerTicketCountableConnection = connection_type(
    CustomerTicket, "CustomerTicket", "A page of the customer's own tickets."
)


class SlaPolicy(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the policy.")
    priority = graphene.Field(TicketPriorityEnum, required=True, description="Priority.")
    first_response_minutes = graphene.Int(required=True, description="First reply within.")
    resolution_minutes = graphene.Int(required=True, description="Solved within.")

    class Meta:
        description = "SLA targets of one priority, in calendar minutes from opening."

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("SlaPolicy", root.pk)


TicketError = error_type(
    "TicketError", TicketErrorCode, "An error from a help desk mutation.", throttled=True
)


class TicketRefundReason(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor global ID of the reason (a page).")
    title = graphene.String(required=True, description=f"The reason's title. {PLAIN_TEXT}")

    class Meta:
        description = "A reason the store offers for refunds."


class TicketRefundReasons(graphene.ObjectType):
    required = graphene.Boolean(
        required=True,
        description="Whether ticketRefundOrder needs a `reasonReference` from you.",
    )
    reasons = graphene.List(
        graphene.NonNull(TicketRefundReason),
        required=True,
        description="The reasons, by title (at most 100); empty when the store has none.",
    )

    class Meta:
        description = (
            "The store's refund reasons (Saleor 3.22+: the pages of the refund reason "
            "reference type its settings name; Saleor requires one of staff)."
        )
