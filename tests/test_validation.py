"""Bad input gets a typed error and writes nothing; filters, money and enums
say exactly what they mean (issue 8, "Validation gaps").
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.models import Ticket
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import SLAPolicy

pytestmark = pytest.mark.django_db

STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id=None,
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)


def run(query, variables=None, requestor=STAFF):
    result = execute(query, requestor=requestor, variables=variables or {})
    assert result.errors is None, result.errors
    return result.data


def email_ticket(subject="Grinder broken", email="ann@example.com"):
    return desk.open_ticket(
        desk.NewTicket(subject=subject, body="It makes a noise.", email=email, channel="email"),
        desk.Author(kind="customer", name=email),
    )


# --- every filter honoured --------------------------------------------------------

TICKETS = """
query ($filter: TicketFilterInput) {
  tickets(first: 20, filter: $filter) { edges { node { number } } }
}
"""


def test_ticket_filters_false_selects_the_other_half(user_factory):
    # given
    SLAPolicy.objects.create(priority="normal", first_response_minutes=60, resolution_minutes=600)
    agent = user_factory("agent@shop.example", is_staff=True)
    with freeze_time(timezone.now() - timedelta(hours=3)):
        late = email_ticket("Late one")
    soon = email_ticket("Due soon", email="bob@example.com")
    assigned = email_ticket("Assigned", email="cid@example.com")
    desk.assign(assigned, agent.pk)

    def numbers(filter_):
        data = run(TICKETS, {"filter": filter_})
        return sorted(edge["node"]["number"] for edge in data["tickets"]["edges"])

    # when
    unassigned = numbers({"unassigned": True})
    assigned_only = numbers({"unassigned": False})
    either = numbers({"unassigned": None})
    not_due_soon = numbers({"dueSoon": False})

    # then
    assert unassigned == sorted([late.number, soon.number])
    assert assigned_only == [assigned.number]
    assert either == sorted([late.number, soon.number, assigned.number])
    assert not_due_soon == [late.number]


# --- a guest rates with the ticket's access token ---------------------------------

OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) { accessToken errors { field code } }
}
"""
GUEST_TICKET = """
query ($token: String!) { ticketByAccessToken(token: $token) { canRate } }
"""
RATE = """
mutation ($accessToken: String, $rating: Int!) {
  ticketRate(accessToken: $accessToken, rating: $rating, comment: "Fast.") {
    ticket { canRate satisfaction { rating comment } }
    errors { field code }
  }
}
"""


def test_guest_rates_a_solved_ticket_with_its_access_token():
    # given
    guest = Requestor.anonymous()
    opened = run(
        OPEN, {"input": {"email": "gus@example.com", "subject": "Decaf?", "body": "?"}}, guest
    )
    token = opened["ticketOpen"]["accessToken"]
    ticket = Ticket.objects.get()
    desk.staff_reply(ticket, "Yes.", desk.Author(kind="staff", name="Sam"), status="solved")
    assert run(GUEST_TICKET, {"token": token}, guest)["ticketByAccessToken"]["canRate"]

    # when
    rated = run(RATE, {"accessToken": token, "rating": 5}, guest)["ticketRate"]
    forged = run(RATE, {"accessToken": token[:-2] + "xx", "rating": 1}, guest)["ticketRate"]

    # then
    assert rated["errors"] == []
    assert rated["ticket"]["satisfaction"] == {"rating": 5, "comment": "Fast."}
    assert forged["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == 5


def test_guest_cannot_rate_an_unsolved_ticket_with_its_access_token():
    # given
    guest = Requestor.anonymous()
    opened = run(
        OPEN, {"input": {"email": "gus@example.com", "subject": "Decaf?", "body": "?"}}, guest
    )

    # when
    refused = run(RATE, {"accessToken": opened["ticketOpen"]["accessToken"], "rating": 5}, guest)

    # then
    assert refused["ticketRate"]["errors"] == [{"field": "accessToken", "code": "INVALID"}]
    assert Ticket.objects.get().satisfaction_rating is None
