"""Incremental export of the CRM's tables for a data warehouse.

    python manage.py crm_export --output /data/crm                 # everything, JSON Lines
    python manage.py crm_export --since "$(cat cursor)" --output /data/crm
    python manage.py crm_export --format csv --tables orders,order_lines --output /data/crm
    python manage.py crm_export --output - > changes.jsonl        # one stream, ``table`` key

The last line of standard output is the cursor to pass as ``--since`` next
time (on standard error when the rows go to standard output). See the
README's "Export for the warehouse" for the tables and the guarantee.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...warehouse.export import DEFAULT_OVERLAP, FORMATS, ExportError, parse_tables, run_export
from ...warehouse.tables import TABLES


class _TextSink:
    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(bytes(data).decode("utf-8"))


class Command(BaseCommand):
    help = "Write the CRM's rows changed since a cursor (all without one) for a warehouse."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="The cursor the previous run printed.")
        parser.add_argument("--format", default="jsonl", help=f"{' or '.join(FORMATS)}.")
        parser.add_argument(
            "--output",
            default="-",
            help="A folder (one file per table, each written to a temporary name and "
            "renamed) or - for standard output (JSON Lines with a table key).",
        )
        parser.add_argument("--tables", help=f"Comma-separated, of: {', '.join(TABLES)}.")
        parser.add_argument(
            "--overlap-seconds",
            type=int,
            default=int(DEFAULT_OVERLAP.total_seconds()),
            help="How far before the cursor's mark to start again (clock skew between "
            "application servers and the database).",
        )
        parser.add_argument("--database", help="Database alias (SALEOR_CRM_READ_DATABASE).")

    def handle(self, *args, since, format, output, tables, overlap_seconds, database, **options):
        if overlap_seconds < 0:
            raise CommandError("--overlap-seconds must be 0 or more.")
        to_stdout = output == "-"
        folder = None if to_stdout else Path(output)
        if folder is not None and not folder.is_dir():
            raise CommandError(f"--output {output!r} is not a folder (or - for standard output).")
        stream = self.stdout._out
        # Bytes straight to a real stdout; a text stream (call_command's) gets text.
        sink = getattr(stream, "buffer", None) or _TextSink(stream)
        try:
            result = run_export(
                since=since,
                fmt=format,
                tables=parse_tables(tables),
                output_dir=folder,
                stream=sink if to_stdout else None,
                overlap=timedelta(seconds=overlap_seconds),
                using=database,
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        if to_stdout:
            if hasattr(sink, "flush"):
                sink.flush()
            self.stderr.write(result.cursor)
        else:
            for name, count in result.rows.items():
                self.stdout.write(f"{name}: {count} rows")
            self.stdout.write(result.cursor)
