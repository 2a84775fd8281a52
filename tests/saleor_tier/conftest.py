"""Saleor's own fixtures, registered as Saleor's root conftest.py does.

Saleor's root conftest is not part of the installed package, so its few
lines of setup are repeated here.
"""

import django.test
import pytest
from django.conf import settings
from saleor.tests.utils import prepare_test_db_connections

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
    # The path the Dashboard's "activate" takes (pluginUpdate).
    get_plugins_manager(allow_replica=False).save_plugin_configuration(
        "saleor.crm", None, {"active": True}
    )
    return settings


@pytest.fixture
def manager_token(staff_user, permission_manage_users):
    """A real Saleor staff JWT with MANAGE_USERS."""
    from saleor.core.jwt import create_access_token

    staff_user.user_permissions.add(permission_manage_users)
    return create_access_token(staff_user)
