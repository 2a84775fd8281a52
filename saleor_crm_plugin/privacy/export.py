"""Everything the CRM holds on a person, as one JSON document.

For an access request (GDPR art. 15): the profile, its figures and staff's
tags and note, the CRM's copies of the person's orders (with lines) and
carts, the timeline, tickets with every message (internal notes included,
marked as such: staff decide what to pass on), interactions and
satisfaction ratings. Staff authors are named as customers see them
(:mod:`.names`), never by email.

The document follows the requestor's rights, as the API does: order data
(orders, order figures, the order entries of the timeline, the order a
ticket, an interaction or a completed cart names) only with
``MANAGE_ORDERS``, and only of the requestor's channels; carts too only of
the requestor's channels. When something was left out, ``complete`` is
false and ``omitted`` says what, so a partial export is never mistaken for a
whole one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..auth import Requestor
from ..commerce.models import CheckoutFact, OrderFact
from ..currency import round_amount
from ..errors import CRMError
from ..interactions.models import Interaction
from ..order_access import visible_checkouts, visible_orders, visible_timeline
from ..profiles.identity import email_hash
from ..profiles.models import CustomerProfile, ErasedIdentity, TimelineEvent
from ..tickets.models import Ticket, TicketMessage
from ..validation import clean_email
from .error_codes import CustomerDataExportErrorCode
from .names import STAFF_LABEL, public_author_name, staff_display_names

FORMAT = "saleor-crm-customer-data/1"

# Profile fields computed from orders (``PROFILE_ORDER_FIELDS`` of the API).
ORDER_FIGURES = (
    "ordersCount",
    "totalSpent",
    "averageOrderValue",
    "spendByCurrency",
    "firstOrderAt",
    "lastOrderAt",
    "channels",
    "favouriteProducts",
    "favouriteCategories",
)


class CustomerDataExportError(CRMError):
    """An export refused; ``code`` is a :class:`CustomerDataExportErrorCode` value."""

    code_enum = CustomerDataExportErrorCode


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(amount: Decimal | None, currency: str) -> dict[str, Any] | None:
    if amount is None or not currency:
        return None
    return {"amount": str(round_amount(amount, currency)), "currency": currency}


def find_person(email: str) -> tuple[str, CustomerProfile | None]:
    """The normalised email and its profile: the profile keyed by it, else
    the one its orders, carts or tickets belong to (an address the customer
    used before). None when only unattached tickets name the address.
    """
    # A lookup: any address Saleor may have stored, quoted ones too.
    address = clean_email(email, "email", CustomerDataExportError, existing=True)
    if not address:
        raise CustomerDataExportError(
            "email", "Give the customer's email.", CustomerDataExportErrorCode.REQUIRED
        )
    profile = CustomerProfile.objects.filter(email=address).first()
    for model, field in (
        (OrderFact, "email"),
        (CheckoutFact, "email"),
        (Ticket, "requester_email"),
    ):
        if profile is not None:
            break
        profile_id = (
            model.objects.filter(**{field: address}, profile__isnull=False)
            .values_list("profile_id", flat=True)
            .first()
        )
        profile = CustomerProfile.objects.filter(pk=profile_id).first() if profile_id else None
    if profile is None and not Ticket.objects.filter(requester_email=address).exists():
        if ErasedIdentity.objects.filter(email_hash=email_hash(address)).exists():
            raise CustomerDataExportError(
                "email",
                "This customer's data was erased when their account was deleted.",
                CustomerDataExportErrorCode.ERASED,
            )
        raise CustomerDataExportError(
            "email", "The CRM holds no data on this email.", CustomerDataExportErrorCode.NOT_FOUND
        )
    return address, profile


def _profile(profile: CustomerProfile, with_figures: bool) -> dict[str, Any]:
    currency = profile.reporting_currency
    document = {
        "id": str(profile.pk),
        "email": profile.email,
        "firstName": profile.first_name,
        "lastName": profile.last_name,
        "user": str(profile.user_id) if profile.user_id is not None else None,
        "languageCode": profile.language_code,
        "country": profile.country,
        "city": profile.city,
        "firstSeenAt": _time(profile.first_seen_at),
        "accountCreatedAt": _time(profile.account_created_at),
        "lastCheckoutAt": _time(profile.last_checkout_at),
        "lifecycleStage": profile.lifecycle_stage,
        "lifecycleStageChangedAt": _time(profile.lifecycle_stage_changed_at),
        "rfm": {
            "recency": profile.rfm_recency,
            "frequency": profile.rfm_frequency,
            "monetary": profile.rfm_monetary,
            "segment": profile.rfm_segment or None,
        },
        "tags": list(profile.tags),
        "note": profile.note,
        "createdAt": _time(profile.created_at),
        "updatedAt": _time(profile.updated_at),
    }
    if with_figures:
        document.update(
            {
                "ordersCount": profile.orders_count,
                "totalSpent": _money(profile.total_spent, currency),
                "averageOrderValue": _money(profile.average_order_value, currency),
                "spendByCurrency": [
                    {
                        "currency": code,
                        "ordersCount": int(figures["orders"]),
                        "totalSpent": _money(Decimal(str(figures["total"])), code),
                    }
                    for code, figures in sorted(profile.spend_by_currency.items())
                ],
                "firstOrderAt": _time(profile.first_order_at),
                "lastOrderAt": _time(profile.last_order_at),
                "channels": list(profile.channels),
                "favouriteProducts": profile.favourite_products,
                "favouriteCategories": profile.favourite_categories,
            }
        )
    return document


def _orders(orders) -> list[dict[str, Any]]:
    return [
        {
            "id": order.order_id,
            "number": order.number,
            "email": order.email,
            "user": order.user_id,
            "channel": order.channel,
            "status": order.status,
            "chargeStatus": order.charge_status or None,
            "origin": order.origin,
            "total": _money(order.total_gross, order.currency),
            "totalNet": _money(order.total_net, order.currency),
            "totalCharged": _money(order.total_charged, order.currency),
            "totalRefunded": _money(order.total_refunded, order.currency),
            "voucherCode": order.voucher_code,
            "checkoutToken": order.checkout_token,
            "country": order.country,
            "city": order.city,
            "placedAt": _time(order.placed_at),
            "paidAt": _time(order.paid_at),
            "fulfilledAt": _time(order.fulfilled_at),
            "cancelledAt": _time(order.cancelled_at),
            "fullyRefundedAt": _time(order.fully_refunded_at),
            "lines": [
                {
                    "productName": line.product_name,
                    "variantName": line.variant_name,
                    "sku": line.sku,
                    "product": line.product_id,
                    "variant": line.variant_id,
                    "category": line.category_name,
                    "quantity": line.quantity,
                    "unitPrice": _money(line.unit_price_gross, order.currency),
                    "total": _money(line.total_price_gross, order.currency),
                }
                for line in order.lines.all()
            ],
        }
        for order in orders.order_by("placed_at", "order_id").prefetch_related("lines")
    ]


def _checkouts(checkouts: list[CheckoutFact], shown: set[str] | None) -> list[dict[str, Any]]:
    return [
        {
            "token": checkout.token,
            "email": checkout.email,
            "user": checkout.user_id,
            "channel": checkout.channel,
            "total": _money(checkout.total_gross, checkout.currency),
            "quantity": checkout.quantity,
            "lines": checkout.lines,
            "startedAt": _time(checkout.started_at),
            "lastChange": _time(checkout.last_change),
            "completedOrder": _order_reference(checkout.completed_order_id, shown),
            "completedAt": _time(checkout.completed_at),
            "abandonedAt": _time(checkout.abandoned_at),
        }
        for checkout in checkouts
    ]


def _timeline(events) -> list[dict[str, Any]]:
    return [
        {
            "type": event.type,
            "occurredAt": _time(event.occurred_at),
            "objectType": event.object_type or None,
            "objectId": event.object_id or None,
            "data": event.data,
        }
        for event in events.order_by("occurred_at", "id")
    ]


def _order_reference(order_id: str | None, shown: set[str] | None) -> str | None:
    """The order a ticket, an interaction or a cart names, if the requestor
    may see it (``shown``: the IDs they may see; None: all).
    """
    if order_id is None or (shown is not None and order_id not in shown):
        return None
    return order_id


def _shown_orders(order_ids, requestor: Requestor | None) -> set[str] | None:
    """Of ``order_ids``, those the requestor may see named (None: all of them)."""
    if requestor is None or (requestor.sees_orders and requestor.sees_all_channels):
        return None
    wanted = {order_id for order_id in order_ids if order_id}
    return set(
        visible_orders(OrderFact.objects.filter(order_id__in=wanted), requestor).values_list(
            "order_id", flat=True
        )
    )


def _tickets(tickets: list[Ticket], shown: set[str] | None) -> list[dict[str, Any]]:
    messages = list(
        TicketMessage.objects.filter(ticket__in=tickets).order_by("ticket_id", "created_at", "id")
    )
    names = staff_display_names(m.author_user_id for m in messages)
    by_ticket: dict[Any, list[dict[str, Any]]] = {}
    for message in messages:
        by_ticket.setdefault(message.ticket_id, []).append(
            {
                "kind": message.kind,
                "authorKind": message.author_kind,
                "author": public_author_name(
                    message.author_kind, message.author_name, names.get(message.author_user_id)
                ),
                "body": message.body,
                "via": message.via,
                "createdAt": _time(message.created_at),
                "emailedAt": _time(message.emailed_at),
            }
        )
    return [
        {
            "id": str(ticket.pk),
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "requesterEmail": ticket.requester_email,
            "order": _order_reference(ticket.order_id, shown),
            "tags": list(ticket.tags),
            "createdAt": _time(ticket.created_at),
            "updatedAt": _time(ticket.updated_at),
            "solvedAt": _time(ticket.solved_at),
            "closedAt": _time(ticket.closed_at),
            "satisfaction": (
                {
                    "rating": ticket.satisfaction_rating,
                    "comment": ticket.satisfaction_comment,
                    "ratedAt": _time(ticket.rated_at),
                }
                if ticket.satisfaction_rating is not None
                else None
            ),
            "messages": by_ticket.get(ticket.pk, []),
        }
        for ticket in tickets
    ]


def _interactions(interactions: list[Interaction], shown: set[str] | None) -> list[dict[str, Any]]:
    names = staff_display_names(i.author_user_id for i in interactions)
    return [
        {
            "id": str(interaction.pk),
            "channel": interaction.channel,
            "direction": interaction.direction,
            "subject": interaction.subject,
            "body": interaction.body,
            "occurredAt": _time(interaction.occurred_at),
            # Logged by staff: named as customers see staff; by a tool: its name.
            "author": (
                names.get(interaction.author_user_id, STAFF_LABEL)
                if interaction.author_user_id is not None
                else interaction.author_name
            ),
            "order": _order_reference(interaction.order_id, shown),
            "source": interaction.source,
            "externalId": interaction.external_id,
            "metadata": interaction.metadata,
        }
        for interaction in interactions
    ]


def _consent(addresses: set[str]) -> list[dict[str, Any]]:
    """The consent state and ledger of the person's addresses, oldest first."""
    from ..marketing.models import MarketingConsent, MarketingConsentChange
    from ..profiles.identity import email_hash

    hashes = sorted({email_hash(a) for a in addresses if a})
    states = MarketingConsent.objects.filter(email_hash__in=hashes).order_by("channel", "id")
    changes = MarketingConsentChange.objects.filter(email_hash__in=hashes).order_by(
        "occurred_at", "id"
    )
    ledger: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for change in changes:
        ledger.setdefault((change.email_hash, change.channel), []).append(
            {
                "status": change.status.upper(),
                "suppressionReason": change.suppression_reason.upper() or None,
                "liftedSuppression": change.lifted_suppression.upper() or None,
                "note": change.note or None,
                "source": change.source,
                "salesChannel": change.sales_channel or None,
                "ip": change.ip,
                "userAgent": change.user_agent or None,
                "actor": change.actor or None,
                "applied": change.applied,
                "occurredAt": _time(change.occurred_at),
            }
        )
    return [
        {
            "email": state.email or None,
            "channel": state.channel.upper(),
            "status": state.status.upper(),
            "source": state.source,
            "suppressedAt": _time(state.suppressed_at),
            "suppressionReason": state.suppression_reason.upper() or None,
            "changes": ledger.get((state.email_hash, state.channel), []),
        }
        for state in states
    ]


def export_customer_data(
    email: str, requestor: Requestor | None = None, *, now: datetime | None = None
) -> tuple[CustomerProfile | None, dict[str, Any]]:
    """The profile found for ``email`` and the document of everything the CRM
    holds on that person, as ``requestor`` may see it (None: an operator on
    the server, who sees everything). Raises :class:`CustomerDataExportError`.
    """
    address, profile = find_person(email)
    sees_orders = requestor is None or requestor.sees_orders
    all_channels = requestor is None or requestor.sees_all_channels
    omitted = []
    if not sees_orders:
        omitted = ["orders", "orderFigures", "orderTimeline", "orderReferences"]
    elif not all_channels:
        omitted = [
            "ordersOfOtherChannels",
            "orderFigures",
            "orderTimelineOfOtherChannels",
            "orderReferencesOfOtherChannels",
        ]
    if not all_channels:
        omitted.append("checkoutsOfOtherChannels")
    mine = Q(requester_email=address)
    if profile is not None:
        mine |= Q(profile=profile)
    tickets = list(Ticket.objects.filter(mine).order_by("created_at", "id"))
    interactions: list[Interaction] = []
    checkouts: list[CheckoutFact] = []
    if profile is not None:
        interactions = list(
            Interaction.objects.filter(profile=profile).order_by("occurred_at", "id")
        )
        carts = CheckoutFact.objects.filter(profile=profile).order_by("started_at")
        checkouts = list(visible_checkouts(carts, requestor) if requestor is not None else carts)
    shown = _shown_orders(
        [t.order_id for t in tickets]
        + [i.order_id for i in interactions]
        + [c.completed_order_id for c in checkouts],
        requestor,
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "exportedAt": _time(now or timezone.now()),
        "email": address,
        "complete": not omitted,
        "omitted": omitted,
        "profile": None,
        "orders": [],
        "checkouts": [],
        "timeline": [],
        "tickets": _tickets(tickets, shown),
        "interactions": [],
        "satisfaction": None,
        "marketingConsent": _consent({address, profile.email if profile else ""}),
    }
    if profile is not None:
        orders = OrderFact.objects.filter(profile=profile)
        timeline = TimelineEvent.objects.filter(profile=profile)
        if requestor is not None:
            orders = visible_orders(orders, requestor)
            timeline = visible_timeline(timeline, requestor)
        document.update(
            profile=_profile(profile, with_figures=sees_orders and all_channels),
            orders=_orders(orders),
            checkouts=_checkouts(checkouts, shown),
            timeline=_timeline(timeline),
            interactions=_interactions(interactions, shown),
            satisfaction={
                "average": (
                    str(profile.satisfaction_average)
                    if profile.satisfaction_average is not None
                    else None
                ),
                "count": profile.satisfaction_count,
            },
        )
    return profile, document
