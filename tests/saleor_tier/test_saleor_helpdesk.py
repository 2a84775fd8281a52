"""The help desk inside a real Saleor: customers and staff with Saleor tokens."""

import graphene
from django.core import mail
from saleor.core.jwt import create_access_token
from test_saleor_plugin import complete_checkout, crm

from saleor_crm_plugin.models import Ticket

OPEN = """
mutation ($order: ID!) {
  ticketOpen(input: {subject: "Wrong size", body: "I got an M, I ordered an L", order: $order}) {
    ticket { id number order status }
    requiresConfirmation
    errors { field code message }
  }
}
"""
REPLY = """
mutation ($id: ID!) {
  ticketReply(id: $id, input: {body: "<p>Sorry! An L is on its way.</p>"}) {
    ticket { status customer { email ordersCount } }
    errors { field code message }
  }
}
"""
MINE = """
query ($id: ID!) {
  myTicket(id: $id) { number status messages { authorKind body } }
  myTickets(first: 5) { totalCount }
}
"""


def test_customer_opens_ticket_about_own_order_staff_replies_other_customer_sees_nothing(
    crm_plugin,
    user_api_client,
    customer_user,
    checkout_with_item,
    payment_dummy,
    address,
    set_delivery,
    manager_token,
    django_capture_on_commit_callbacks,
):
    # given: the customer places an order through checkoutComplete
    checkout = checkout_with_item
    checkout.user = customer_user
    checkout.email = customer_user.email
    checkout.save()
    order = complete_checkout(user_api_client, checkout, payment_dummy, address, set_delivery)
    order_id = graphene.Node.to_global_id("Order", order.pk)
    customer_token = create_access_token(customer_user)
    other = customer_user.__class__.objects.create(email="other@example.com", is_active=True)
    other_token = create_access_token(other)

    # when: the customer opens a ticket about it with their own Saleor token
    opened = crm(OPEN, {"order": order_id}, token=customer_token).json()
    ticket = opened["data"]["ticketOpen"]
    # ... and a staff member replies with a real Saleor staff token
    with django_capture_on_commit_callbacks(execute=True):
        replied = crm(REPLY, {"id": ticket["ticket"]["id"]}, token=manager_token).json()

    # then
    assert ticket["errors"] == [], ticket
    assert ticket["ticket"]["order"] == order_id
    assert ticket["requiresConfirmation"] is False
    assert replied["data"]["ticketReply"] == {
        "ticket": {
            "status": "PENDING",
            "customer": {"email": customer_user.email, "ordersCount": 1},
        },
        "errors": [],
    }
    assert [m.to for m in mail.outbox if "Wrong size" in m.subject] == [[customer_user.email]]
    own = crm(MINE, {"id": ticket["ticket"]["id"]}, token=customer_token).json()["data"]
    assert own["myTicket"]["messages"][1] == {
        "authorKind": "STAFF",
        "body": "<p>Sorry! An L is on its way.</p>",
    }
    theirs = crm(MINE, {"id": ticket["ticket"]["id"]}, token=other_token).json()["data"]
    assert theirs == {"myTicket": None, "myTickets": {"totalCount": 0}}
    staff_query = crm("{ tickets(first: 5) { totalCount } }", token=customer_token).json()
    assert staff_query["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert Ticket.objects.get().profile.user_id == customer_user.pk
