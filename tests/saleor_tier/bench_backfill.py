"""``crm_backfill`` over a real Saleor's orders: how fast the store's history
comes in (issue 7: at least 1,000 orders/s with lines, at 50,000 orders or more).

Not part of the tier (its name does not match ``test_*.py``): run it through
``benchmarks/saleor_backfill.py``. The orders are copies of Saleor's own
``order_with_lines`` fixture, written set-based into Saleor's tables (a new
id, number and time each, spread over guest shoppers), lines included; then
``crm_backfill --only orders`` reads them as it would any store's: keyset
batches, snapshots built by the adapter, applied through the batched path.
"""

import cProfile
import io
import os
import pstats
import resource
import time

import pytest
from django.core.management import call_command
from django.db import connection

ORDERS = int(os.environ.get("CRM_BENCH_ORDERS", "50000"))
PROFILE = os.environ.get("CRM_BENCH_PROFILE") == "1"
SHOPPERS = max(ORDERS // 3, 1)
CHUNK = 10_000


def _columns(model):
    return [field.column for field in model._meta.concrete_fields]


def _copy_expressions(model, replaced):
    """SELECT expressions copying ``model``'s row ``t``, but ``replaced``
    columns, and unique nullable columns left NULL (external references)."""
    out = []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in replaced:
            out.append(replaced[column])
        elif field.unique and not field.primary_key:
            assert field.null, f"{model.__name__}.{field.name} is unique and required"
            out.append("NULL")
        else:
            out.append(f't."{column}"')
    return out


def clone_orders(template, count):
    from saleor.order.models import Order, OrderLine

    order_table, line_table = Order._meta.db_table, OrderLine._meta.db_table
    order_columns = _columns(Order)
    line_columns = _columns(OrderLine)
    order_select = _copy_expressions(
        Order,
        {
            "id": "gen_random_uuid()",
            "number": f"nextval(pg_get_serial_sequence('{order_table}', 'number'))",
            "user_id": "NULL",
            "user_email": f"'shopper-' || mod(g, {SHOPPERS}) || '@example.com'",
            "created_at": "now() - g * interval '13 minutes'",
            "updated_at": "now() - g * interval '13 minutes'",
            "checkout_token": "''",
        },
    )
    line_select = _copy_expressions(OrderLine, {"id": "gen_random_uuid()", "order_id": "n.id"})
    quoted = lambda columns: ", ".join(f'"{c}"' for c in columns)  # noqa: E731
    with connection.cursor() as cursor:
        for start in range(0, count, CHUNK):
            cursor.execute(
                f"""
                WITH n AS (
                    INSERT INTO {order_table} ({quoted(order_columns)})
                    SELECT {", ".join(order_select)}
                    FROM {order_table} t CROSS JOIN generate_series(%s, %s) g
                    WHERE t.id = %s
                    RETURNING id
                )
                INSERT INTO {line_table} ({quoted(line_columns)})
                SELECT {", ".join(line_select)}
                FROM n CROSS JOIN {line_table} t WHERE t.order_id = %s
                """,
                [start + 1, min(start + CHUNK, count), template.pk, template.pk],
            )
        cursor.execute(f"ANALYZE {order_table}")
        cursor.execute(f"ANALYZE {line_table}")


@pytest.mark.django_db(transaction=True)
def test_backfill_of_saleor_orders(crm_plugin, order_with_lines):
    from saleor.order.models import Order, OrderLine

    from saleor_crm_plugin.models import CustomerProfile, OrderFact, OrderLineFact

    started = time.perf_counter()
    clone_orders(order_with_lines, ORDERS - 1)
    generated = time.perf_counter() - started
    orders, lines = Order.objects.count(), OrderLine.objects.count()

    profiler = cProfile.Profile() if PROFILE else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    call_command("crm_backfill", "--only", "orders", "--no-recompute", "--batch-size", "1000")
    if profiler:
        profiler.disable()
    backfill = time.perf_counter() - started
    started = time.perf_counter()
    call_command("crm_recompute")
    recompute = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    facts, line_facts = OrderFact.objects.count(), OrderLineFact.objects.count()
    lines_report = [
        f"crm_backfill --only orders: {orders:,} Saleor orders, {lines:,} lines "
        f"({generated:.1f} s to write them)",
        f"backfill         {backfill:,.1f} s = {orders / backfill:,.0f} orders/s "
        f"({lines / backfill:,.0f} lines/s)",
        f"recompute        {recompute:,.1f} s (crm_recompute, "
        f"{CustomerProfile.objects.count():,} profiles)",
        f"order facts      {facts:,}, line facts {line_facts:,}",
        f"peak RSS         {peak:,.0f} MiB",
    ]
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        lines_report += out.getvalue().splitlines()
    print("\n" + "\n".join(f"BENCH {line}" for line in lines_report))  # noqa: T201
    assert (facts, line_facts) == (orders, lines)
