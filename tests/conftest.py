import pytest
from django.contrib.auth import get_user_model

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.graphql.schema import execute
from tests.host.auth import issue_token


@pytest.fixture
def user_factory(db):
    def create(email: str, **fields):
        return get_user_model().objects.create_user(
            username=email, email=email, password=None, **fields
        )

    return create


@pytest.fixture
def ann(user_factory):
    return user_factory("ann@example.com", first_name="Ann", last_name="Lee")


REQUESTORS = {
    "anonymous": Requestor.anonymous(),
    "customer": Requestor(kind=RequestorKind.CUSTOMER, user_id="1", email="ann@example.com"),
    "customer_b": Requestor(kind=RequestorKind.CUSTOMER, user_id="9", email="bob@example.com"),
    "staff_without_permissions": Requestor(kind=RequestorKind.STAFF, user_id="2"),
    "staff": Requestor(
        kind=RequestorKind.STAFF,
        user_id="3",
        permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
    ),
    # Customer service: customers, not their orders (Saleor's MANAGE_USERS alone).
    "staff_without_orders": Requestor(
        kind=RequestorKind.STAFF,
        user_id="4",
        permissions=frozenset({CRMPermission.MANAGE_USERS}),
    ),
    # In a permission group restricted to one channel (Saleor 3.14+).
    "staff_in_one_channel": Requestor(
        kind=RequestorKind.STAFF,
        user_id="5",
        permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
        channels=frozenset({"channel-eu"}),
    ),
    "app_without_permissions": Requestor(kind=RequestorKind.APP, app_id="1"),
    "app": Requestor(
        kind=RequestorKind.APP, app_id="2", permissions=frozenset({CRMPermission.MANAGE_USERS})
    ),
}


@pytest.fixture
def gql():
    """Run a GraphQL document as one of REQUESTORS; returns (data, errors)."""

    def run(query: str, variables=None, *, as_: str = "staff"):
        result = execute(query, requestor=REQUESTORS[as_], variables=variables)
        return result.data, result.errors

    return run


@pytest.fixture
def staff_headers():
    token = issue_token(kind="staff", user_id="3", permissions=("MANAGE_USERS", "MANAGE_ORDERS"))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


GRAPHQL_URL = "/plugins/global/saleor.crm/graphql/"
