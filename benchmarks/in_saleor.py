"""Run a benchmark module of ``tests/saleor_tier`` in a Saleor environment.

Shared by ``checkout_complete.py`` and ``saleor_backfill.py``: the module
runs under pytest in the Python named by ``SALEOR_PYTHON`` (Saleor and the
plugin installed there, as the Saleor tier installs it), with Saleor's own
test fixtures, against Saleor's test database beside ``SALEOR_DATABASE_URL``;
the lines it prints after ``BENCH`` are the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TIER = Path(__file__).resolve().parents[1] / "tests" / "saleor_tier"


def run_in_saleor(module: str, python: str | None, **options: str) -> int:
    """Run ``module`` and print its figures; returns the exit status.
    ``options`` become ``CRM_BENCH_<NAME>`` environment variables.
    """
    if not python:
        sys.exit("Give --python or SALEOR_PYTHON: a Python with Saleor and the plugin.")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    if url := os.environ.get("SALEOR_DATABASE_URL"):
        env["DATABASE_URL"] = url
    env.setdefault("SECRET_KEY", "saleor-tier")
    env.update({f"CRM_BENCH_{name.upper()}": value for name, value in options.items()})
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", module],
        cwd=TIER,
        env=env,
        capture_output=True,
        text=True,
    )
    figures = [line[6:] for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not figures:
        sys.stdout.write(result.stdout[-6000:] + result.stderr[-3000:])
        return result.returncode or 1
    print("\n".join(figures))
    return 0
