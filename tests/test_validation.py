"""Bad input gets a typed error and writes nothing; filters, money and enums
say exactly what they mean (issue 8, "Validation gaps").
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.graphql.schema import execute
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
