"""Set-based writes for the ingestion path: many rows, one statement, one parameter.

Django's ``bulk_create`` compiles one placeholder per value and converts each
value through its field in Python; for a batch of 500 orders that was most of
a worker's time. Here the rows travel as one JSON document and PostgreSQL
turns it into rows of the table's own type (``json_populate_recordset``), so
the column types come from the table and the client does one ``json.dumps``.

Values are what the model instance holds (``attname``); UUIDs, decimals and
datetimes are sent as their text, which PostgreSQL parses into the column's
type. JSON fields nest as JSON, array fields as JSON arrays.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import orjson
from django.db import connection, models
from django.utils import timezone

Row = dict[str, Any]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _is_auto_pk(f: models.Field) -> bool:
    return f.primary_key and isinstance(f, models.AutoField | models.BigAutoField)


@functools.cache
def _defaults(model: type[models.Model]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    fixed, made = {}, []
    for f in model._meta.concrete_fields:
        if _is_auto_pk(f):
            continue
        if f.has_default() and callable(f.default):
            made.append((f.attname, f.default))
        else:
            fixed[f.attname] = f.get_default() if f.has_default() else None
    return fixed, tuple(made)


def blank(model: type[models.Model], **values: Any) -> SimpleNamespace:
    """A new row of ``model`` as a plain object (field defaults, then
    ``values``): what a model instance holds, without its cost.
    """
    fixed, made = _defaults(model)
    return SimpleNamespace(**{**fixed, **{name: make() for name, make in made}, **values})


@functools.cache
def _load_sql(model: type[models.Model]) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    fields = model._meta.concrete_fields
    columns = ", ".join(_q(f.column) for f in fields)
    table, pk = _q(model._meta.db_table), _q(model._meta.pk.column)
    cast = model._meta.pk.db_type(connection)
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = ANY({json_array('%s', cast)})"
    decoded = tuple(i for i, f in enumerate(fields) if isinstance(f, models.JSONField))
    return sql, tuple(f.attname for f in fields), decoded


def load(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, SimpleNamespace]:
    """The stored rows of these primary keys as plain objects (see :func:`blank`).

    One statement with one parameter: Django's ``pk__in`` compiles a
    placeholder per key, which for a batch cost more than the query.
    """
    sql, names, decoded = _load_sql(model)
    pk = model._meta.pk.attname
    with connection.cursor() as cursor:
        cursor.execute(sql, [dumps([str(k) for k in pks])])
        rows = cursor.fetchall()
    objects = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for index in decoded:  # Django's backend reads jsonb as text
            name = names[index]
            if isinstance(values[name], str):
                values[name] = json.loads(values[name])
        objects[values[pk]] = SimpleNamespace(**values)
    return objects


def json_array(placeholder: str, cast: str = "text") -> str:
    """SQL: the JSON array text in ``placeholder`` as an array of ``cast``.

    Lists travel as one JSON text (see :func:`dumps`): psycopg's adaptation
    of a Python list walks it value by value.
    """
    return f"ARRAY(SELECT jsonb_array_elements_text({placeholder}::jsonb))::{cast}[]"


def uuid_array(ids: Iterable[Any]) -> str:
    """A ``uuid[]`` literal of these ids (UUIDs or their text), for ``%s::uuid[]``."""
    return "{" + ",".join(map(str, ids)) + "}"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | time):  # subclasses (freezegun's) orjson leaves to us
        return value.isoformat()
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """JSON text of ``value`` (orjson, which Saleor ships: UUIDs, datetimes
    and enums natively, decimals as their text).
    """
    return orjson.dumps(value, default=_default).decode()


def model_rows(
    objects: Sequence[Any],
    fields: Iterable[str] | None = None,
    *,
    model: type[models.Model] | None = None,
) -> list[Row]:
    """Column → value for each object (a model instance, or a plain row of
    ``model``), as ``save()`` would write it: ``auto_now`` fields stamped,
    ``auto_now_add`` ones when unset, auto primary keys left to the
    sequence. ``fields`` limits the columns (names or attnames); the
    primary key is always included when set.
    """
    if not objects:
        return []
    meta = (model or type(objects[0]))._meta
    wanted = None if fields is None else set(fields)
    columns = [
        f
        for f in meta.concrete_fields
        if not _is_auto_pk(f)
        and (wanted is None or f.primary_key or f.name in wanted or f.attname in wanted)
    ]
    now = timezone.now()
    stamped = [f for f in columns if getattr(f, "auto_now", False)]
    added = [f for f in columns if getattr(f, "auto_now_add", False)]
    rows = []
    for obj in objects:
        for f in stamped:
            setattr(obj, f.attname, now)
        for f in added:
            if getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
        rows.append({f.column: getattr(obj, f.attname) for f in columns})
    return rows


def columns_of(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """The database columns of the named fields (``profile`` → ``profile_id``)."""
    return [model._meta.get_field(name).column for name in names]


def _document(rows: list[Row]) -> str:
    return dumps(rows)


def insert_rows(
    model: type[models.Model],
    rows: list[Row],
    *,
    conflict: Sequence[str] | None = None,
    update: Sequence[str] = (),
    where: str | None = None,
    returning: str | None = None,
) -> list[tuple]:
    """``INSERT … SELECT`` the rows (every row has the same columns).

    ``conflict``: the unique columns of ``ON CONFLICT``; with ``update`` the
    columns taken from the new row (``DO UPDATE``), otherwise ``DO NOTHING``.
    ``where`` guards the update (the stored row is ``t``, the new one
    ``EXCLUDED``). Rows must not repeat a conflict key: PostgreSQL refuses
    to update one row twice in a statement.
    """
    if not rows:
        return []
    table = _q(model._meta.db_table)
    columns = ", ".join(_q(c) for c in rows[0])
    sql = (
        f"INSERT INTO {table} AS t ({columns}) "
        f"SELECT {columns} FROM json_populate_recordset(NULL::{table}, %s)"
    )
    if conflict:
        sql += f" ON CONFLICT ({', '.join(_q(c) for c in conflict)})"
        if update:
            sql += " DO UPDATE SET " + ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in update)
            if where:
                sql += f" WHERE {where}"
        else:
            sql += " DO NOTHING"
    if returning:
        sql += f" RETURNING {returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_document(rows)])
        return cursor.fetchall() if returning else []


def update_rows(model: type[models.Model], rows: list[Row], *, key: str) -> int:
    """``UPDATE … FROM`` the rows, matched on ``key``; the other columns of
    the rows are set. Returns the number of rows updated.
    """
    if not rows:
        return 0
    table = _q(model._meta.db_table)
    assignments = ", ".join(f"{_q(c)} = r.{_q(c)}" for c in rows[0] if c != key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} "
            f"FROM json_populate_recordset(NULL::{table}, %s) AS r "
            f"WHERE t.{_q(key)} = r.{_q(key)}",
            [_document(rows)],
        )
        return cursor.rowcount
