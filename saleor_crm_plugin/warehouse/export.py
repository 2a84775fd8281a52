"""The export itself: one REPEATABLE READ snapshot, PostgreSQL's COPY
streamed to files or a stream, and the cursor the next run starts from.

The cursor holds, per table, a high-water mark taken at the start of the
snapshot: the snapshot's time, or the start of the oldest transaction still
writing then if that is earlier (its rows, committed after the snapshot,
carry timestamps from after its start). The next run selects rows changed
at or after that mark less ``overlap`` (clock differences between the
application servers, a write whose timestamp was taken just before its
transaction began). The mark is on the application's clock, the one rows
are stamped with; only the oldest writer's running time comes from the
database. Rows may come twice, never not at all:
at-least-once by primary key; consumers upsert.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.db import connections, transaction

from ..conf import crm_setting
from .tables import TABLES, ExportTable

CURSOR_PREFIX = "crm1."
FORMATS = ("jsonl", "csv")
DEFAULT_OVERLAP = timedelta(minutes=5)
_BUFFER = 1024 * 1024


class ExportError(ValueError):
    """A bad cursor, format or table: the message says which."""


@dataclass
class ExportResult:
    cursor: str
    rows: dict[str, int] = field(default_factory=dict)


def encode_cursor(marks: dict[str, datetime]) -> str:
    # Tables exported together share their mark: grouped, the cursor stays short.
    grouped: dict[str, list[str]] = {}
    for name, mark in sorted(marks.items()):
        grouped.setdefault(mark.isoformat(), []).append(name)
    raw = json.dumps({"v": 1, "marks": grouped}, separators=(",", ":")).encode()
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, datetime]:
    """The high-water mark per table of a printed cursor."""
    damaged = ExportError("The export cursor is damaged: pass the last one crm_export printed.")
    cursor = cursor.strip()
    if not cursor.startswith(CURSOR_PREFIX):
        raise ExportError(
            f"Not an export cursor: {cursor[:40]!r} (cursors start with {CURSOR_PREFIX!r})."
        )
    body = cursor[len(CURSOR_PREFIX) :]
    try:
        document = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        version = document.get("v")
        marks = {
            name: datetime.fromisoformat(mark)
            for mark, names in document["marks"].items()
            for name in names
        }
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        raise damaged from None
    if version != 1:
        raise ExportError(f"Unknown export cursor version {version!r}: made by a newer CRM?")
    if any(mark.tzinfo is None for mark in marks.values()) or not set(marks) <= set(TABLES):
        raise damaged
    return marks


def parse_tables(names: str | None) -> list[ExportTable]:
    if not names:
        return list(TABLES.values())
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in TABLES]
    if unknown or not chosen:
        raise ExportError(
            f"Unknown table(s): {', '.join(unknown) or '(none given)'}. "
            f"Tables: {', '.join(TABLES)}."
        )
    return [TABLES[name] for name in dict.fromkeys(chosen)]


def _copy_sql(table: ExportTable, fmt: str, since: datetime | None) -> tuple[str, dict]:
    select = table.select(incremental=since is not None)
    params = {"since": since} if since is not None else {}
    if fmt == "csv":
        return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)", params
    return f"COPY (SELECT row_to_json(r) FROM ({select}) r) TO STDOUT", params


def _high_water_mark(cursor, now: datetime | None = None) -> datetime:
    """The mark on the application's clock (``now``, default the current
    time: the clock the CRM stamps its rows with), held back by how long the
    oldest transaction still writing has been running, as the database
    measures it. Only that interval is read from the database, so a clock
    difference between the application and the database moves nothing.
    """
    # The first statement: it takes the snapshot, after the statement's
    # start (a transaction that commits in between is older than the mark).
    # Other sessions' transactions are only visible to a role that may read
    # their activity (the same role, or pg_read_all_stats); on a standby,
    # none: the overlap alone covers late commits there.
    from django.utils import timezone

    now = now or timezone.now()
    cursor.execute(
        "SELECT coalesce(statement_timestamp() - (SELECT min(xact_start) FROM pg_stat_activity"
        " WHERE datname = current_database() AND backend_xid IS NOT NULL"
        " AND pid <> pg_backend_pid()), interval '0')"
    )
    (running,) = cursor.fetchone()
    return now - max(running, timedelta(0))


def _stream_table(cursor, table: ExportTable, fmt: str, since, out: BinaryIO, label: bytes | None):
    """COPY one table into ``out``; returns its row count. COPY sends one
    message per row; the text format escapes backslashes, which JSON (no raw
    control characters) only has as themselves.
    """
    sql, params = _copy_sql(table, fmt, since)
    raw = cursor.cursor  # psycopg's, under Django's wrapper
    with raw.copy(sql, params or None) as copy:
        if fmt == "csv":
            out.writelines(copy)
        else:
            for data in copy:
                row = bytes(data).replace(b"\\\\", b"\\")
                if label is not None:
                    row = label + row[1:]
                out.write(row)
    return raw.rowcount


def run_export(
    *,
    since: str | None,
    fmt: str = "jsonl",
    tables: Iterable[ExportTable] | None = None,
    output_dir: Path | None = None,
    stream: BinaryIO | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    using: str | None = None,
) -> ExportResult:
    """Write the rows changed since ``since`` (a cursor; None: all) of
    ``tables`` to ``output_dir`` (one file per table, each renamed into place
    once every table is written) or ``stream`` (JSON Lines with a ``table``
    key, or one table's CSV). Reads ``SALEOR_CRM_READ_DATABASE`` unless
    ``using`` names another alias.
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}: use {' or '.join(FORMATS)}.")
    previous = decode_cursor(since) if since else {}
    selected = list(tables) if tables is not None else list(TABLES.values())
    if stream is not None and fmt == "csv" and len(selected) != 1:
        raise ExportError("CSV on standard output takes one table (--tables): write to a folder.")
    alias = using or crm_setting("SALEOR_CRM_READ_DATABASE")
    if alias not in connections.settings:
        raise ExportError(f"No database {alias!r} (SALEOR_CRM_READ_DATABASE).")
    connection = connections[alias]
    result = ExportResult(cursor="")
    written: list[tuple[Path, Path]] = []
    # Outermost, this transaction is the snapshot; inside a caller's (tests
    # among them), the caller's transaction is.
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            mark = _high_water_mark(cursor)
            marks = dict(previous)
            for table in selected:
                bound = previous.get(table.name)
                bound = bound - overlap if bound is not None else None
                if output_dir is not None:
                    final = output_dir / f"{table.name}.{fmt}"
                    temp = output_dir / f".{table.name}.{fmt}.tmp"
                    with open(temp, "wb", buffering=_BUFFER) as out:
                        written.append((temp, final))
                        result.rows[table.name] = _stream_table(
                            cursor, table, fmt, bound, out, None
                        )
                else:
                    label = b'{"table":' + json.dumps(table.name).encode() + b","
                    result.rows[table.name] = _stream_table(
                        cursor, table, fmt, bound, stream, label if fmt == "jsonl" else None
                    )
                marks[table.name] = mark
    except BaseException:
        for temp, _final in written:
            temp.unlink(missing_ok=True)
        raise
    for temp, final in written:
        os.replace(temp, final)
    result.cursor = encode_cursor(marks)
    return result
