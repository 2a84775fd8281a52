"""Recompute every profile's derived figures now, as the nightly task does.

    python manage.py crm_recompute           # new RFM breakpoints, every profile rescored
    python manage.py crm_recompute --full    # every figure of every profile from the facts

Without ``--full`` the run is a full one by itself when the reporting
currency, an exchange rate or a formula changed since the last full run.
``--full`` checks every profile for drift.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ...analytics.recompute import recompute_all_profiles


class Command(BaseCommand):
    help = "Recompute every CRM profile's derived figures (RFM, lifecycle stage, spend)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Compute every figure of every profile from the facts, not only the RFM "
            "scores and lifecycle stages.",
        )

    def handle(self, *args, full: bool, **options):
        result = recompute_all_profiles(full=full or None)
        self.stdout.write(
            f"{'Full recompute' if result['full'] else 'Recompute'} in {result['seconds']:.1f} s: "
            f"{result['profiles_staged']:,} profiles staged, "
            f"{result['profiles_refreshed']:,} refreshed from their facts, "
            f"{result['profiles_rescored']:,} rescored, "
            f"{result['stage_changes']:,} lifecycle stage changes, "
            f"{result['profiles_scored']:,} buyers ranked for RFM."
        )
