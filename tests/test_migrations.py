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
