"""crm_export: the warehouse's incremental export. Round trips into fresh
tables, the cursor between runs, both formats, standard output, refusals,
and memory that stays flat however big the table.
"""

import base64
import csv
import io
import json
import tracemalloc
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from saleor_crm_plugin.checks import check_read_database
from saleor_crm_plugin.commerce.models import OrderFact, OrderLineFact
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.marketing.consent import record_consent
from saleor_crm_plugin.models import CustomerProfile
from saleor_crm_plugin.profiles.models import TimelineEvent
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.warehouse.export import (
    ExportError,
    _high_water_mark,
    decode_cursor,
    encode_cursor,
    run_export,
)
from saleor_crm_plugin.warehouse.tables import TABLES
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def store(ann, user_factory):
    """Two customers with orders (two lines each), a ticket and a call."""
    bob = user_factory("bob@example.com", first_name="Bob", last_name="Ray")
    t0 = NOW - timedelta(days=10)
    for user in (ann, bob):
        ingest("customer_created", f.customer(user, updated_at=t0))
    for number, (email, total) in enumerate(
        [("ann@example.com", "40.00"), ("ann@example.com", "15.50"), ("bob@example.com", "7.25")]
    ):
        lines = (f.line("Beans", 1, total), f.line("Filter", 2, "0.50"))
        ingest(
            "order_created",
            f.order(
                f"order-{number}",
                email=email,
                total=total,
                created_at=t0 + timedelta(hours=number),
                lines=lines,
            ),
        )
    desk.open_ticket(
        desk.NewTicket(subject="Grinder", body="It makes a noise.", email="ann@example.com"),
        desk.Author(kind="customer", name="Ann Lee"),
    )
    log_interaction(
        InteractionInput(
            channel="phone", direction="outbound", email="bob@example.com", subject="Called"
        )
    )
    record_consent(
        "ann@example.com", "subscribed", source="newsletter_form", ip="203.0.113.7", actor="ann"
    )


def export_to(tmp_path, *args):
    out = io.StringIO()
    call_command("crm_export", "--output", str(tmp_path), *args, stdout=out)
    lines = out.getvalue().splitlines()
    return lines[-1], {
        name: int(count.split()[0]) for name, count in (line.split(": ") for line in lines[:-1])
    }


def read_jsonl(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line, parse_float=Decimal) for line in file]


def load_into_fresh_table(table, rows):
    """Rows into an empty copy of the table's columns (no constraints)."""
    name = f"loaded_{table.name}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {table.db_table} WITH NO DATA")
        for row in rows:
            cursor.execute(
                f"INSERT INTO {name} SELECT * FROM jsonb_populate_record(NULL::{name}, %s)",
                [json.dumps(row, default=str)],
            )
    return name


def figures(db_table, amount):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum({amount}), 0) FROM {db_table}")
        return cursor.fetchone()


@pytest.mark.parametrize(
    ("table", "amount"),
    [
        ("profiles", "orders_count"),
        ("orders", "total_gross"),
        ("order_lines", "total_price_gross"),
        ("timeline", "length(type)"),
        ("tickets", "number"),
        ("interactions", "length(subject)"),
    ],
)
def test_export_loads_into_a_fresh_table_with_the_same_counts_and_sums(
    store, tmp_path, table, amount
):
    # when
    export_to(tmp_path)
    loaded = load_into_fresh_table(TABLES[table], read_jsonl(tmp_path / f"{table}.jsonl"))

    # then
    original = figures(TABLES[table].db_table, amount)
    assert original[0] > 0
    assert figures(loaded, amount) == original


def test_csv_parses_with_the_same_rows_and_sums(store, tmp_path):
    # when
    _cursor, counts = export_to(tmp_path, "--format", "csv", "--tables", "orders,order_lines")

    # then
    with open(tmp_path / "order_lines.csv", newline="", encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    assert sorted(counts) == ["order_lines", "orders"]
    assert len(lines) == counts["order_lines"] == OrderLineFact.objects.count() == 6
    assert sum(Decimal(line["total_price_gross"]) for line in lines) == Decimal("65.75")
    with open(tmp_path / "orders.csv", newline="", encoding="utf-8") as file:
        assert {row["order_id"] for row in csv.DictReader(file)} == {
            "order-0",
            "order-1",
            "order-2",
        }
    assert not list(tmp_path.glob(".*.tmp"))


def test_second_run_with_the_cursor_exports_only_what_changed(store, tmp_path):
    # given
    cursor, counts = export_to(tmp_path, "--overlap-seconds", "0")
    assert counts["orders"] == 3

    # when
    fact = OrderFact.objects.get(order_id="order-1")
    fact.status = "fulfilled"
    fact.save()
    second, counts = export_to(tmp_path, "--since", cursor, "--overlap-seconds", "0")

    # then
    orders = read_jsonl(tmp_path / "orders.jsonl")
    assert [(row["order_id"], row["status"]) for row in orders] == [("order-1", "fulfilled")]
    assert counts["order_lines"] == 2  # the changed order's lines come with it
    assert counts["profiles"] == counts["timeline"] == counts["tickets"] == 0
    assert decode_cursor(second)["orders"] > decode_cursor(cursor)["orders"]


def test_overlap_exports_recent_rows_again(store, tmp_path):
    # given
    cursor, first = export_to(tmp_path)

    # when: the default overlap (5 minutes) reaches back over the fixture's writes
    _second, again = export_to(tmp_path, "--since", cursor)

    # then: at-least-once; consumers upsert by primary key
    assert again["orders"] == first["orders"] == 3


def test_erasure_sends_the_blanked_rows_again(store, tmp_path, ann):
    # given
    cursor, _ = export_to(tmp_path, "--overlap-seconds", "0")

    # when
    ingest("customer_deleted", f.customer(ann, updated_at=timezone.now()))
    export_to(tmp_path, "--since", cursor, "--overlap-seconds", "0")

    # then
    orders = read_jsonl(tmp_path / "orders.jsonl")
    assert {row["order_id"] for row in orders} == {"order-0", "order-1"}
    assert all(row["email"] == "" for row in orders)
    exported = json.dumps(read_jsonl(tmp_path / "profiles.jsonl"), default=str)
    assert "ann@example.com" not in exported
    messages = read_jsonl(tmp_path / "ticket_messages.jsonl")
    assert messages
    assert "noise" not in json.dumps(messages)
    ledger = read_jsonl(tmp_path / "consent_changes.jsonl")
    assert ledger
    assert all(row["email"] == "" and row["ip"] is None for row in ledger)
    assert all(row["email"] == "" for row in read_jsonl(tmp_path / "consent.jsonl"))


def test_a_transaction_still_writing_holds_the_mark_back(store):
    # given: another session of this database that began writing before the export
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
    ) as other:
        started = other.execute("SELECT now(), pg_current_xact_id()").fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            (before,) = cursor.fetchone()

            # when
            mark = _high_water_mark(cursor, now=NOW)

    # then: held back by at least how long that transaction had been writing
    # (its rows, committed after the snapshot, are at or after the mark)
    assert mark <= NOW - (before - started)
    assert mark > NOW - timedelta(minutes=5)


def test_stdout_writes_one_object_per_line_with_its_table_and_the_cursor_on_stderr(store):
    # given
    out, err = io.StringIO(), io.StringIO()

    # when
    call_command("crm_export", "--tables", "profiles,orders", stdout=out, stderr=err)

    # then
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {row["table"] for row in rows} == {"profiles", "orders"}
    assert sum(row["table"] == "orders" for row in rows) == 3
    assert set(decode_cursor(err.getvalue().strip().splitlines()[-1])) == {"profiles", "orders"}


def test_cursor_keeps_the_marks_of_tables_not_exported(store, tmp_path):
    # given
    cursor, _ = export_to(tmp_path, "--tables", "profiles")

    # when
    second, _ = export_to(tmp_path, "--since", cursor, "--tables", "orders")

    # then
    assert decode_cursor(second)["profiles"] == decode_cursor(cursor)["profiles"]
    assert set(decode_cursor(second)) == {"profiles", "orders"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "nonsense"], "Not an export cursor"),
        (["--since", "crm1.!!!"], "damaged"),
        (["--since", encode_cursor({}).replace("crm1.", "crm1.x")], "damaged"),
        (["--format", "parquet"], "Unknown format 'parquet'"),
        (["--tables", "orders,secrets"], "Unknown table(s): secrets"),
        (["--overlap-seconds", "-1"], "--overlap-seconds"),
        (["--database", "nowhere"], "No database 'nowhere'"),
    ],
)
def test_bad_arguments_are_command_errors(tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("crm_export", "--output", str(tmp_path), *args, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_csv_to_stdout_takes_one_table():
    with pytest.raises(CommandError, match="one table"):
        call_command("crm_export", "--format", "csv", stdout=io.StringIO())


def test_output_must_be_a_folder(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("crm_export", "--output", str(tmp_path / "missing"), stdout=io.StringIO())


def test_unknown_cursor_version_is_refused():
    raw = base64.urlsafe_b64encode(b'{"v":2,"marks":{}}').decode()
    with pytest.raises(ExportError, match="version 2"):
        decode_cursor("crm1." + raw)


def test_memory_stays_bounded_while_exporting_20k_orders(tmp_path):
    # given: 20k order facts with a line each, generated in SQL
    profile = CustomerProfile.objects.create(email="many@example.com", first_seen_at=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {OrderFact._meta.db_table} (order_id, profile_id, number, email, channel,
                currency, status, charge_status, origin, total_gross, total_net, total_charged,
                total_refunded, country, city, placed_at, source_updated_at, lines_digest,
                is_sale, net_amount, created_at, updated_at)
            SELECT 'bulk-' || g, %s, g::text, 'many@example.com', 'default-channel', 'USD',
                'fulfilled', 'full', 'checkout', 12.345, 12.345, 12.345, 0, 'PL',
                'Wrocław', %s - g * interval '1 minute', %s, '', true, 12.345, %s, %s
            FROM generate_series(1, 20000) g
            """,
            [profile.pk, NOW, NOW, NOW, NOW],
        )
        cursor.execute(
            f"""
            INSERT INTO {OrderLineFact._meta.db_table} (order_id, line_id, product_name,
                variant_name, category_name, quantity, unit_price_gross, total_price_gross)
            SELECT 'bulk-' || g, 'l', repeat('Beans ', 20), '', 'Coffee', 1, 12.345, 12.345
            FROM generate_series(1, 20000) g
            """
        )

    # when
    tracemalloc.start()
    try:
        result = run_export(
            since=None,
            tables=[TABLES["orders"], TABLES["order_lines"]],
            output_dir=tmp_path,
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then: the files hold megabytes; the process held a buffer's worth
    assert result.rows == {"orders": 20000, "order_lines": 20000}
    assert (tmp_path / "orders.jsonl").stat().st_size > 8_000_000
    assert peak < 4_000_000, peak


def test_read_database_check_refuses_an_unknown_alias(settings):
    # given
    settings.SALEOR_CRM_READ_DATABASE = "replica"

    # when
    errors = check_read_database()

    # then
    assert [error.id for error in errors] == ["saleor_crm.E003"]


def test_read_database_check_accepts_the_default():
    assert check_read_database() == []


def test_every_timeline_row_is_exported_once_without_a_cursor(store, tmp_path):
    _cursor, counts = export_to(tmp_path, "--tables", "timeline")
    assert counts == {"timeline": TimelineEvent.objects.count()}


@pytest.mark.django_db(transaction=True)
def test_command_reads_one_repeatable_read_read_only_snapshot(tmp_path, monkeypatch):
    # given
    from saleor_crm_plugin.warehouse import export

    seen = {}
    original = export._high_water_mark

    def spy(cursor):
        mark = original(cursor)
        for setting in ("transaction_isolation", "transaction_read_only"):
            cursor.execute(f"SHOW {setting}")
            seen[setting] = cursor.fetchone()[0]
        return mark

    monkeypatch.setattr(export, "_high_water_mark", spy)

    # when
    export_to(tmp_path, "--tables", "orders")

    # then
    assert seen == {"transaction_isolation": "repeatable read", "transaction_read_only": "on"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_awkward_text_comes_back_as_it_was(store, tmp_path, fmt):
    # given: backslashes, quotes, new lines, tabs, commas and non-ASCII in a staff note
    note = 'C:\\beans\\ "dark", roast\n\tnext line \\n — żółć 🫘'
    CustomerProfile.objects.filter(email="ann@example.com").update(note=note)

    # when
    export_to(tmp_path, "--format", fmt, "--tables", "profiles")

    # then
    if fmt == "jsonl":
        rows = read_jsonl(tmp_path / "profiles.jsonl")
    else:
        with open(tmp_path / "profiles.csv", newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
    assert {row["email"]: row["note"] for row in rows}["ann@example.com"] == note
