"""Saleor's own fixtures, registered as Saleor's root conftest.py does.

Saleor's root conftest is not part of the installed package, so its few
lines of setup are repeated here.
"""

import django.test
import pytest
from django.conf import settings
from saleor.tests.utils import prepare_test_db_connections

import saleor_crm_plugin

# What merchants install: the tier runs against the built wheel, never the
# source tree (an editable install once hid a wheel missing four packages).
assert "site-packages" in saleor_crm_plugin.__file__, (
    f"saleor_crm_plugin comes from {saleor_crm_plugin.__file__}, not an installed wheel"
)

TEST_DATABASES = {
    settings.DATABASE_CONNECTION_DEFAULT_NAME,
    settings.DATABASE_CONNECTION_REPLICA_NAME,
}
django.test.TransactionTestCase.databases = TEST_DATABASES
django.test.TestCase.databases = TEST_DATABASES

prepare_test_db_connections()

pytest_plugins = [
    "saleor.tests.fixtures",
    "saleor.app.tests.fixtures",
    "saleor.plugins.tests.fixtures",
    "saleor.graphql.tests.fixtures",
    "saleor.webhook.tests.fixtures",
    "saleor.tax.tests.fixtures",
    "saleor.channel.tests.fixtures",
    "saleor.page.tests.fixtures",
    "saleor.menu.tests.fixtures",
    "saleor.warehouse.tests.fixtures",
    "saleor.thumbnail.tests.fixtures",
    "saleor.order.tests.fixtures",
    "saleor.product.tests.fixtures",
    "saleor.site.tests.fixtures",
    "saleor.shipping.tests.fixtures",
    "saleor.permission.tests.fixtures",
    "saleor.giftcard.tests.fixtures",
    "saleor.discount.tests.fixtures",
    "saleor.checkout.tests.fixtures",
    "saleor.attribute.tests.fixtures",
    "saleor.account.tests.fixtures",
    "saleor.graphql.account.tests.fixtures",
    "saleor.payment.tests.fixtures",
    "saleor.webhook.tests.circuit_breaker.fixtures",
]

CRM_PLUGIN = "saleor_crm_plugin.saleor.plugin.CRMPlugin"


@pytest.fixture
def crm_plugin(setup_dummy_gateways, settings):
    """The CRM plugin installed and active, beside Saleor's dummy gateways."""
    from saleor.plugins.manager import get_plugins_manager

    settings.PLUGINS = [*settings.PLUGINS, CRM_PLUGIN]
    # Saleor's test database lives in one transaction a background thread
    # cannot see: process events in the request's own thread (tests only).
    settings.SALEOR_CRM_DISPATCH = "inline"
    # The path the Dashboard's "activate" takes (pluginUpdate).
    get_plugins_manager(allow_replica=False).save_plugin_configuration(
        "saleor.crm", None, {"active": True}
    )
    return settings


@pytest.fixture
def manager_token(staff_user, permission_manage_users, permission_manage_orders):
    """A real Saleor staff JWT of a CRM manager: MANAGE_USERS and MANAGE_ORDERS
    from a permission group with access to all channels (Saleor shows staff in
    no group no customer's orders, as the CRM does).
    """
    from saleor.account.models import Group
    from saleor.core.jwt import create_access_token

    group = Group.objects.create(name="CRM managers", restricted_access_to_channels=False)
    group.permissions.add(permission_manage_users, permission_manage_orders)
    group.user_set.add(staff_user)
    return create_access_token(staff_user)


@pytest.fixture
def set_delivery(request):
    """Choose the checkout's shipping, as the running Saleor line stores it:
    3.23 keeps a ``CheckoutDelivery`` (fixture ``checkout_delivery``), 3.21
    the shipping method on the checkout.
    """
    try:
        checkout_delivery = request.getfixturevalue("checkout_delivery")
    except pytest.FixtureLookupError:
        shipping_method = request.getfixturevalue("shipping_method")

        def assign(checkout):
            checkout.shipping_method = shipping_method

        return assign

    def assign(checkout):
        checkout.assigned_delivery = checkout_delivery(checkout)

    return assign
