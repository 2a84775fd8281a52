"""Migrations that drop or move things, run back and forth on a real database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

APP = "saleor_crm"


def migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([(APP, target)])


def pattern_ops_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'saleor_crm_%%'"
            " AND indexdef LIKE '%%_pattern_ops%%'"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def back_to_latest():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes(APP)[0][1])


def test_leaner_indexes_drop_the_pattern_ops_copies_and_bring_them_back_when_reversed(
    back_to_latest,
):
    # given: migrated to the latest schema
    hot = ("inboundevent_dedupe_key", "timelineevent_dedupe_key", "orderfact_order_id")
    assert not [i for i in pattern_ops_indexes() if any(part in i for part in hot)]

    # when: 0013 is reversed
    migrate("0012_dashboard_app_id")

    # then: Django's pattern-ops indexes are there again, as 0012 left them
    restored = pattern_ops_indexes()
    assert all(any(part in i for i in restored) for part in hot), restored


def test_segment_purchases_are_filled_from_the_facts_and_go_when_reversed(back_to_latest):
    # given: customers with sales, a cancelled order and an erased buyer
    from django.utils import timezone

    from saleor_crm_plugin.models import CustomerProfile, CustomerPurchases
    from tests import factories as f
    from tests.factories import ingest

    ingest("order_created", f.order("m1", email="ann@example.com", channel="channel-eu"))
    ingest(
        "order_created",
        f.order(
            "m2",
            email="bob@example.com",
            status="canceled",
            lines=(f.line("Mug", product_id="9", category_id="3"),),
        ),
    )
    ingest("order_created", f.order("m3", email="cat@example.com"))
    CustomerProfile.objects.filter(email="cat@example.com").update(erased_at=timezone.now())
    expected = dict(CustomerPurchases.objects.values_list("profile__email", "items"))
    assert expected == {
        "ann@example.com": [
            "category:category-coffee",
            "channel:channel-eu",
            "product:product-espresso-beans",
        ],
        "cat@example.com": [
            "category:category-coffee",
            "channel:default-channel",
            "product:product-espresso-beans",
        ],
    }

    # when: 0029 and 0030 are reversed, then applied again
    migrate("0028_outbound_webhooks")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('saleor_crm_customerpurchases')")
        assert cursor.fetchone() == (None,)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'crm_profile_%%'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "crm_profile_tags_idx" in indexes
    assert not indexes & {"crm_profile_segment_idx", "crm_profile_live_tags_idx"}
    migrate("0030_segment_purchases_backfill")

    # then: filled from the facts, without the erased buyer
    assert dict(CustomerPurchases.objects.values_list("profile__email", "items")) == {
        "ann@example.com": expected["ann@example.com"]
    }
