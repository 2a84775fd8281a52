"""Verified guests inside a real Saleor: a guest's ticket link goes out by
email only, and an account links to the guest's profile only once Saleor
confirms it (confirmAccount → the account_confirmed hook; staff's
customerUpdate(isConfirmed) → customer_updated).
"""

import re
from urllib.parse import unquote

import graphene
from django.core import mail
from saleor.account.models import User
from saleor.core.jwt import create_access_token
from saleor.core.tokens import account_confirm_token_generator
from saleor.graphql.tests.utils import get_graphql_content
from test_saleor_plugin import crm

from saleor_crm_plugin.models import CustomerProfile, Ticket

# Saleor's test settings allow this storefront host (ALLOWED_CLIENT_HOSTS),
# which the CRM reads by default.
STOREFRONT = "https://www.example.com/support/ticket"
EMAIL = "bob@example.com"
OPEN = """
mutation ($input: TicketOpenInput!) {
  ticketOpen(input: $input) { ticket { number } requiresConfirmation errors { field code } }
}
"""
BY_TOKEN = "query ($token: String!) { ticketByAccessToken(token: $token) { number } }"
MINE = "{ myTickets(first: 5) { totalCount } }"
STAFF_TICKETS = "{ tickets(first: 5) { edges { node { isVerified customer { email user } } } } }"
REGISTER = """
mutation ($input: AccountRegisterInput!) {
  accountRegister(input: $input) { requiresConfirmation errors { field code } }
}
"""
CONFIRM = """
mutation ($email: String!, $token: String!) {
  confirmAccount(email: $email, token: $token) { errors { field code } }
}
"""
CUSTOMER_CONFIRM = """
mutation ($id: ID!) {
  customerUpdate(id: $id, input: {isConfirmed: true}) { errors { field code } }
}
"""


def guest_ticket_with_its_link_used(capture):
    """Bob, a guest: opens a ticket, gets the link by email, opens it."""
    with capture(execute=True):
        opened = crm(
            OPEN,
            {
                "input": {
                    "email": EMAIL,
                    "subject": "Is decaf in stock?",
                    "body": "Asking for a friend.",
                    "redirectUrl": STOREFRONT,
                }
            },
        ).json()["data"]["ticketOpen"]
    assert opened["errors"] == [], opened
    assert opened["requiresConfirmation"] is True
    assert "accessToken" not in opened
    (link,) = [m for m in mail.outbox if m.to == [EMAIL]]
    token = unquote(re.search(r"www\.example\.com/support/ticket\?token=(\S+)", link.body).group(1))
    assert crm(BY_TOKEN, {"token": token}).json()["data"]["ticketByAccessToken"] == {
        "number": opened["ticket"]["number"]
    }
    assert Ticket.objects.get().verified_at is not None


def register(api_client, channel):
    with_errors = api_client.post_graphql(
        REGISTER,
        {
            "input": {
                "email": EMAIL,
                "password": "Secret-password-123",
                "redirectUrl": "https://www.example.com/confirm",
                "channel": channel.slug,
            }
        },
    )
    assert get_graphql_content(with_errors)["data"]["accountRegister"]["errors"] == []
    user = User.objects.get(email=EMAIL)
    assert not user.is_confirmed
    return user


def test_account_links_to_the_guest_profile_only_when_confirmed(
    crm_plugin,
    api_client,
    channel_USD,
    site_settings,
    manager_token,
    django_capture_on_commit_callbacks,
):
    # given: a store that lets customers sign in before confirming
    site_settings.enable_account_confirmation_by_email = True
    site_settings.allow_login_without_confirmation = True
    site_settings.save()
    guest_ticket_with_its_link_used(django_capture_on_commit_callbacks)

    # when: someone registers with Bob's email (customer_created, unconfirmed)
    with django_capture_on_commit_callbacks(execute=True):
        user = register(api_client, channel_USD)
    token = create_access_token(user)

    # then: the account is linked to nothing and sees none of the guest's tickets;
    # a ticket it opens waits for the emailed link like a guest's
    assert CustomerProfile.objects.get(email=EMAIL).user_id is None
    assert crm(MINE, token=token).json()["data"]["myTickets"]["totalCount"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        own = crm(
            OPEN,
            {"input": {"subject": "Hi", "body": "Me again", "redirectUrl": STOREFRONT}},
            token=token,
        ).json()["data"]["ticketOpen"]
    assert own["requiresConfirmation"] is True

    # when: the owner of the address confirms the account (account_confirmed)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api_client.post_graphql(
            CONFIRM, {"email": EMAIL, "token": account_confirm_token_generator.make_token(user)}
        )
    assert get_graphql_content(confirmed)["data"]["confirmAccount"]["errors"] == []

    # then: linked; the verified guest ticket is the customer's, the unverified one is not
    user_id = graphene.Node.to_global_id("User", user.pk)
    assert CustomerProfile.objects.get(email=EMAIL).user_id == user.pk
    assert crm(MINE, token=token).json()["data"]["myTickets"]["totalCount"] == 1
    staff_view = crm(STAFF_TICKETS, token=manager_token).json()["data"]["tickets"]["edges"]
    assert sorted(
        (e["node"]["isVerified"], e["node"]["customer"] is not None) for e in staff_view
    ) == [(False, False), (True, True)]
    assert {e["node"]["customer"]["user"] for e in staff_view if e["node"]["customer"]} == {user_id}


def test_staff_confirming_an_account_links_it(
    crm_plugin,
    api_client,
    staff_api_client,
    permission_manage_users,
    channel_USD,
    django_capture_on_commit_callbacks,
):
    # given
    guest_ticket_with_its_link_used(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        user = register(api_client, channel_USD)
    assert CustomerProfile.objects.get(email=EMAIL).user_id is None

    # when: staff confirm it in the Dashboard (customer_updated)
    response = staff_api_client.post_graphql(
        CUSTOMER_CONFIRM,
        {"id": graphene.Node.to_global_id("User", user.pk)},
        permissions=[permission_manage_users],
        check_no_permissions=False,
    )

    # then
    assert get_graphql_content(response)["data"]["customerUpdate"]["errors"] == []
    assert CustomerProfile.objects.get(email=EMAIL).user_id == user.pk
    token = create_access_token(user)
    assert crm(MINE, token=token).json()["data"]["myTickets"]["totalCount"] == 1
