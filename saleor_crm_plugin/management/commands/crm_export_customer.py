"""Everything the CRM holds on a person, as JSON: an access request.

    python manage.py crm_export_customer ann@example.com              # to stdout
    python manage.py crm_export_customer ann@example.com -o ann.json  # to a file

The same document as the ``customerDataExport`` mutation, complete (an
operator on the server sees every channel's orders). Recorded in the
profile's read audit under the operating-system user who ran it.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from ...hosting import writer
from ...privacy.audit import record_read
from ...privacy.export import CustomerDataExportError, export_customer_data
from ...privacy.models import ProfileReaderKind, ProfileReadKind


def system_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): still recorded
        return "unknown"


class Command(BaseCommand):
    help = "Write everything the CRM holds on a customer (by email) as one JSON document."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The customer's email.")
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, email: str, output: Path | None, **options):
        try:
            profile, document = export_customer_data(email)
        except CustomerDataExportError as error:
            raise CommandError(f"{error.code.upper()}: {error}") from None
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
        if profile is not None:
            with writer():
                record_read(
                    profile.pk, (ProfileReaderKind.COMMAND, system_user()), ProfileReadKind.EXPORT
                )
        if output is not None:
            self.stderr.write(f"Wrote the data of {document['email']} to {output}.")
