"""Project-level checks: migrations, exported schema, operation documents."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from graphql import parse, validate

from saleor_crm_plugin.graphql.export import print_schema
from saleor_crm_plugin.graphql.schema import schema

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "graphql" / "schema.graphql"


def exported_schema() -> str:
    return print_schema(schema)


@pytest.mark.django_db
def test_models_have_migrations():
    out = StringIO()
    call_command("makemigrations", "saleor_crm", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
def test_python_and_postgres_share_one_clock():
    # Tests derive dates from the application clock; scripts/test-calendar
    # moves it for the whole process tree, the database server included.
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOW()")
        (database_now,) = cursor.fetchone()
    assert abs(database_now - timezone.now()) < timedelta(minutes=1)


def test_exported_schema_is_current():
    # Regenerate with: python -m saleor_crm_plugin.graphql.export
    assert SCHEMA_FILE.read_text() == exported_schema(), (
        "graphql/schema.graphql is out of date; run python -m saleor_crm_plugin.graphql.export"
    )


@pytest.mark.parametrize(
    "document",
    sorted(p for p in (REPO / "graphql").glob("**/*.graphql") if p != SCHEMA_FILE),
    ids=lambda p: p.name,
)
def test_operation_documents_are_valid(document):
    errors = validate(schema, parse(document.read_text()))
    assert not errors, errors


def test_every_type_and_field_is_described():
    missing = []
    for name, graphql_type in schema.get_type_map().items():
        if name.startswith("__") or name in (
            "String",
            "Int",
            "Float",
            "Boolean",
            "ID",
            "DateTime",
            "GenericScalar",
        ):
            continue
        if not graphql_type.description:
            missing.append(name)
        for field_name, field in getattr(graphql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert not missing


def saleor_imports(path: Path) -> list[int]:
    """Lines of ``path`` that import the ``saleor`` package (not ``.saleor``)."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "saleor" or name.startswith("saleor.") for name in names):
            lines.append(node.lineno)
    return lines


def test_only_the_adapter_imports_saleor():
    package = REPO / "saleor_crm_plugin"
    adapter = package / "saleor"
    offenders = {
        str(path.relative_to(REPO)): lines
        for path in package.rglob("*.py")
        if adapter not in path.parents and (lines := saleor_imports(path))
    }
    assert offenders == {}, f"only saleor_crm_plugin/saleor/ may import saleor: {offenders}"


@pytest.mark.django_db
def test_no_index_of_the_crm_only_repeats_another():
    # Every index is written on each insert of the ingestion path: one whose
    # columns lead another index (a foreign key's own index beside a
    # composite one), or a pattern-ops copy of a key nothing filters by
    # prefix, only slows it. Unique indexes enforce something and stay.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, x.indisunique,
                   pg_get_indexdef(x.indexrelid),
                   ARRAY(SELECT pg_get_indexdef(x.indexrelid, k + 1, true)
                         FROM generate_subscripts(x.indkey, 1) AS k ORDER BY k)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_am a ON a.oid = i.relam
            WHERE t.relname IN ('saleor_crm_inboundevent', 'saleor_crm_orderfact',
                                'saleor_crm_orderlinefact', 'saleor_crm_checkoutfact',
                                'saleor_crm_timelineevent', 'saleor_crm_customerprofile')
              AND a.amname = 'btree' AND x.indpred IS NULL
            """
        )
        indexes = cursor.fetchall()
    redundant = []
    for table, name, unique, definition, columns in indexes:
        if "_pattern_ops" in definition:
            redundant.append(name)
            continue
        if unique:
            continue
        for other_table, other, _, _, other_columns in indexes:
            if other_table == table and other != name and other_columns[: len(columns)] == columns:
                redundant.append(f"{name} (leads {other})")
    assert redundant == []
