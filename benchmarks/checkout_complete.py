"""The CRM's cost on ``checkoutComplete`` in a real Saleor (A/B by toggling the plugin).

    SALEOR_PYTHON=/path/to/saleor-venv/bin/python \
    SALEOR_DATABASE_URL=postgres://…/saleor \
    python benchmarks/checkout_complete.py [--rounds 60] [--broker redis://127.0.0.1:6379/15]

Runs ``tests/saleor_tier/bench_checkout_complete.py`` in the Saleor
environment with Saleor's own test fixtures (a checkout with an item, the
dummy payment gateway), against Saleor's test database beside
``SALEOR_DATABASE_URL``, with the plugin as installed there (install it from
the wheel first, as the Saleor tier does). Prints the median, mean and p95 of
one ``checkoutComplete`` with and without the plugin, the SQL queries of each,
and the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

TIER = Path(__file__).resolve().parents[1] / "tests" / "saleor_tier"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="pairs of completions (60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed pairs first (5)")
    parser.add_argument(
        "--broker",
        default=os.environ.get("CELERY_BROKER_URL", ""),
        help="Celery broker the hooks publish to (default CELERY_BROKER_URL; empty: eager)",
    )
    parser.add_argument("--python", default=os.environ.get("SALEOR_PYTHON"))
    args = parser.parse_args()
    if not args.python:
        parser.error("Give --python or SALEOR_PYTHON: a Python with Saleor and the plugin.")
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    if url := os.environ.get("SALEOR_DATABASE_URL"):
        env["DATABASE_URL"] = url
    env.setdefault("SECRET_KEY", "saleor-tier")
    env.update(
        CRM_BENCH_ROUNDS=str(args.rounds),
        CRM_BENCH_WARMUP=str(args.warmup),
        CRM_BENCH_BROKER=args.broker,
    )
    result = subprocess.run(
        [
            args.python,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "bench_checkout_complete.py",
        ],
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


if __name__ == "__main__":
    sys.exit(main())
