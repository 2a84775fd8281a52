"""The help desk's order actions: a goodwill voucher for the ticket's
customer, and a refund of the ticket's order.

A voucher is a personal code of its own offer (the path campaigns use,
:func:`~saleor_crm_plugin.marketing.offers.issue_offer_codes`); a refund is
started by the store (:mod:`saleor_crm_plugin.commerce.order_actions`).
Each is recorded on the ticket (a row, and an internal note staff see in the
conversation) and on the customer's timeline, in the transaction that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..auth import Requestor
from ..commerce.models import OrderFact
from ..commerce.order_actions import OrderActionError, order_actions
from ..currency import minor_units
from ..marketing.models import OfferCode
from ..marketing.offers import MAX_AMOUNT, OfferError, OfferSpec, issue_offer_codes, validate_offer
from ..profiles.models import TimelineEventType
from ..validation import check_length
from .error_codes import TicketErrorCode
from .models import (
    Ticket,
    TicketAuthorKind,
    TicketMessage,
    TicketMessageKind,
    TicketRefund,
    TicketVoucher,
)
from .services import Author, TicketError, _locked, _timeline

MAX_NOTE = 2000
MAX_REASON = 2000
OFFER_KEY = "ticket:{ticket}:{number}"


@dataclass(frozen=True)
class VoucherRequest:
    spec: OfferSpec
    note: str = ""


def _ticket_error(error: OfferError) -> TicketError:
    known = {code.value for code in TicketErrorCode}
    return TicketError(error.field, str(error), error.code if error.code in known else "invalid")


def _record(ticket: Ticket, author: Author, text: str) -> None:
    TicketMessage.objects.create(
        ticket=ticket,
        kind=TicketMessageKind.NOTE,
        author_kind=TicketAuthorKind.SYSTEM,
        author_user_id=author.user_id,
        author_name=author.name,
        body=f"<p>{escape(text)}</p>",
        via=ticket.channel,
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def _describe(spec: OfferSpec, currency: str) -> str:
    if spec.discount_type == "PERCENTAGE":
        return f"{spec.value.normalize():f}% off"
    return f"{spec.value:f} {currency} off".replace("  ", " ")


def issue_voucher(ticket: Ticket, request: VoucherRequest, author: Author) -> TicketVoucher:
    """A personal single-use code for the ticket's customer, valid on
    ``request.spec``'s terms; recorded on the ticket and the timeline.
    :class:`TicketError` for an unverified ticket (no customer yet),
    :class:`~saleor_crm_plugin.marketing.offers.OfferError` for bad terms.
    """
    check_length(request.note, MAX_NOTE, "note", TicketError)
    if errors := validate_offer(request.spec):
        raise _ticket_error(errors[0])
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.profile_id is None:
            raise TicketError(
                "id",
                "The ticket is unverified: it has no customer to give a voucher to yet.",
                TicketErrorCode.INVALID,
            )
        number = (ticket.vouchers.aggregate(last=Max("number"))["last"] or 0) + 1
        recipient = f"profile:{ticket.profile_id}"
        try:
            issued = issue_offer_codes(
                OFFER_KEY.format(ticket=ticket.pk, number=number),
                request.spec,
                [recipient],
                name=f"Ticket #{ticket.number} goodwill voucher",
            )[recipient]
        except OfferError as error:
            raise _ticket_error(error) from None
        voucher = TicketVoucher.objects.create(
            ticket=ticket,
            number=number,
            offer_code=OfferCode.objects.select_related("offer").get(code=issued.code),
            note=request.note.strip(),
            issued_by_user_id=author.user_id,
            issued_by_name=author.name,
        )
        offer = voucher.offer_code.offer
        terms = _describe(request.spec, offer.currency)
        _record(
            ticket,
            author,
            f"Voucher {issued.code} issued: {terms} in {offer.channel}, "
            f"valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC."
            + (f" {request.note.strip()}" if request.note.strip() else ""),
        )
        _timeline(
            ticket,
            TimelineEventType.VOUCHER_ISSUED,
            voucher.created_at,
            f"ticket-voucher:{voucher.pk}",
            code=issued.code,
            terms=terms,
            channel=offer.channel,
            expires_at=issued.expires_at.isoformat(),
        )
    return voucher


def _amount(value, currency: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise TicketError("amount", "Give an amount.", TicketErrorCode.INVALID) from None
    if not amount.is_finite() or amount <= 0:
        raise TicketError("amount", "Must be more than 0.", TicketErrorCode.INVALID)
    if amount > MAX_AMOUNT:
        raise TicketError("amount", f"At most {MAX_AMOUNT}.", TicketErrorCode.INVALID)
    places = minor_units(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise TicketError(
            "amount", f"At most {places} decimal places in {currency}.", TicketErrorCode.INVALID
        )
    return amount


def refund_order(
    ticket: Ticket, amount, reason: str, author: Author, requestor: Requestor
) -> TicketRefund:
    """Start a refund of ``amount`` of the ticket's linked order through the
    store (as ``requestor``, whose permissions the store checks again);
    recorded on the ticket and the timeline. :class:`TicketError` when the
    ticket has no order, the amount is not one the order was paid in, or
    the store refuses (``unavailable`` outside Saleor, ``cannot_refund``).
    """
    reason = (reason or "").strip()
    check_length(reason, MAX_REASON, "reason", TicketError)
    with transaction.atomic():
        ticket = _locked(ticket)
        if not ticket.order_id:
            raise TicketError("id", "Link the ticket to an order first.", TicketErrorCode.REQUIRED)
        fact = OrderFact.objects.filter(pk=ticket.order_id).first()
        currency = fact.currency if fact else ""
        amount = _amount(amount, currency)
        if fact is not None and amount > fact.total_gross:
            raise TicketError(
                "amount",
                f"At most the order's total, {fact.total_gross:f} {currency}.",
                TicketErrorCode.INVALID,
            )
        try:
            refund = order_actions().refund(ticket.order_id, amount, reason, requestor)
        except OrderActionError as error:
            raise TicketError(error.field, str(error), error.code) from None
        row = TicketRefund.objects.create(
            ticket=ticket,
            order_id=ticket.order_id,
            amount=refund.amount,
            currency=refund.currency,
            reason=reason,
            status=refund.status,
            reference=refund.reference,
            kind=refund.kind,
            requested_by_user_id=author.user_id,
            requested_by_name=author.name,
        )
        _record(
            ticket,
            author,
            f"Refund of {refund.amount:f} {refund.currency} started ({refund.status})."
            + (f" Reason: {reason}" if reason else ""),
        )
        _timeline(
            ticket,
            TimelineEventType.REFUND_STARTED,
            row.created_at,
            f"ticket-refund:{row.pk}",
            order_id=ticket.order_id,
            amount=f"{refund.amount:f}",
            currency=refund.currency,
            status=refund.status,
        )
    return row
