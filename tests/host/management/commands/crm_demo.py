"""Run the CRM demo: the database, the demo store and the server, in one process.

    python tests/manage.py crm_demo [--port 8000] [--fresh] [--customers 300]

Migrates, fills the demo store when the database has none (or, with
``--fresh``, empties the CRM and fills it again), prints the one address to
open (the Dashboard stand-in of :mod:`tests.host.demo_host`) and serves it.
Ctrl-C or SIGTERM stops the server and the embedded PostgreSQL it started.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from saleor_crm_plugin.profiles.models import CustomerProfile
from tests.host.demo_host import staff_token

# The stand-in frames the extension from the demo's own origin.
ORIGINS_SETTING = "SALEOR_CRM_DASHBOARD_ORIGINS"


class Command(BaseCommand):
    help = "Run the CRM demo: migrate, fill the demo store if empty, serve the Dashboard stand-in."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--fresh", action="store_true", help="Empty the CRM and fill the demo store again."
        )
        parser.add_argument("--customers", type=int, default=300)

    def handle(self, *args, port: int, fresh: bool, customers: int, **options):
        started = time.perf_counter()
        # Ctrl-C and SIGTERM end the process through the exit handlers that
        # stop the embedded PostgreSQL (Ctrl-C even when started with SIGINT
        # ignored, as a shell's background job is).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        from django.conf import settings

        origin = f"http://127.0.0.1:{port}"
        settings.SALEOR_CRM_DASHBOARD_ORIGINS = origin

        self.stderr.write("Migrating the database ...")
        call_command("migrate", verbosity=0)
        if fresh or not CustomerProfile.objects.exists():
            call_command("crm_demo_data", customers=customers, reset=fresh, stdout=self.stderr)
        else:
            self.stderr.write(
                f"Reusing the demo store ({CustomerProfile.objects.count()} customers); "
                "--fresh fills it again."
            )
        seconds = time.perf_counter() - started
        token = staff_token()
        self.stdout.write(
            f"""
  Ready in {seconds:.1f} s. Open the CRM demo (a stand-in for the Saleor Dashboard):

    {origin}/demo/

  GraphiQL, for the API:  {origin}/plugins/global/saleor.crm/graphql/
  Headers:                {{"Authorization": "Bearer {token}"}}

  Ctrl-C stops the demo and its database.
"""
        )
        self.stdout.flush()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
