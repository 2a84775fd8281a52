"""Finding the ticket a query or mutation is about, and who is acting."""

from __future__ import annotations

from typing import Any

from ...auth import RequestorKind
from ...profiles.identity import link_confirmed_account, user_key
from ...profiles.models import CustomerProfile
from ...tickets import models
from ...tickets import services as desk
from ...tickets.error_codes import TicketErrorCode
from ...tickets.models import TicketAuthorKind
from ..core.mutations import decode_id
from ..core.utils import staff_identity


def ticket_pk(global_id: str | None, field: str = "id") -> Any:
    return decode_id(global_id, "Ticket", field, desk.TicketError, models.Ticket)


def get_ticket(global_id: str | None, field: str = "id") -> models.Ticket:
    """The ticket behind ``global_id``; TicketError on ``field`` when none."""
    pk = ticket_pk(global_id, field)
    ticket = models.Ticket.objects.select_related("profile").filter(pk=pk).first() if pk else None
    if ticket is None:
        raise desk.TicketError(field, "Couldn't resolve to a ticket.", TicketErrorCode.NOT_FOUND)
    return ticket


def staff_author(info) -> desk.Author:
    identity = staff_identity(info.context.requestor)
    return desk.Author(kind=TicketAuthorKind.STAFF, user_id=identity.user_pk, name=identity.name)


def own_profile(info) -> CustomerProfile | None:
    """The signed-in customer's profile, if the CRM knows them: the one linked
    to their account, or, once the store has confirmed the account, their
    email's (see :func:`link_confirmed_account`).
    """
    requestor = info.context.requestor
    key = user_key(requestor.user_id)
    if key is None:
        return None
    profile = CustomerProfile.objects.filter(user_id=key).first()
    if profile is None and requestor.kind == RequestorKind.CUSTOMER and requestor.is_confirmed:
        profile = link_confirmed_account(requestor.user_id, requestor.email)
    return profile


def customer_ticket(info, id: str | None, access_token: str | None) -> models.Ticket:
    """The ticket the requestor may act on as its customer: through the guest
    link's token (which verifies the ticket), or as the signed-in customer
    it belongs to.
    """
    if access_token:
        ticket = desk.use_access_token(access_token)
        if ticket is None:
            raise desk.TicketError(
                "accessToken", "This link is not valid.", TicketErrorCode.INVALID
            )
        return ticket
    requestor = info.context.requestor
    if requestor.kind != RequestorKind.CUSTOMER or not id:
        raise desk.TicketError(None, "Sign in, or use the ticket's link.", TicketErrorCode.INVALID)
    profile = own_profile(info)
    ticket = models.Ticket.objects.filter(pk=ticket_pk(id), profile=profile).first()
    if profile is None or ticket is None:
        raise desk.TicketError("id", "Couldn't resolve to a ticket.", TicketErrorCode.NOT_FOUND)
    return ticket


def requester_email(
    info, access_token: str | None = None, survey_token: str | None = None
) -> str | None:
    """Whose limit a customer's attempt on a ticket counts against: the
    requester of the ticket its token names, or the signed-in customer.
    None for a token that names no ticket (the IP's limit still counts).
    """
    if survey_token:
        ticket = desk.ticket_from_survey_token(survey_token)
        return ticket.requester_email if ticket else None
    if access_token:
        ticket = desk.ticket_from_access_token(access_token)
        return ticket.requester_email if ticket else None
    requestor = info.context.requestor
    return requestor.email if requestor.kind == RequestorKind.CUSTOMER else None
