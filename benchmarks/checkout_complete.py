"""The CRM's cost on ``checkoutComplete`` in a real Saleor (A/B by toggling the plugin).

    SALEOR_PYTHON=/path/to/saleor-venv/bin/python \
    SALEOR_DATABASE_URL=postgres://…/saleor \
    python benchmarks/checkout_complete.py [--rounds 60] [--broker redis://127.0.0.1:6380/5]

Runs ``tests/saleor_tier/bench_checkout_complete.py`` in the Saleor
environment with Saleor's own test fixtures (a checkout with an item, the
dummy payment gateway), against Saleor's test database beside
``SALEOR_DATABASE_URL``, with the plugin as installed there (install it from
the wheel first, as the Saleor tier does). Prints the median, mean and p95 of
one ``checkoutComplete`` with and without the plugin, the SQL queries of each,
and the ratio.

Without ``--broker`` Celery runs eagerly (Saleor's test settings) and the
CRM's background thread processes each event in the process being timed.
With ``--broker`` Celery publishes to that broker, and a Celery worker
started from the Saleor environment, on the same test database, processes
the events in another process, as in a store; the run waits until it has
processed every event and prints how many it did.
"""

from __future__ import annotations

import argparse
import os
import sys

from in_saleor import run_in_saleor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="pairs of completions (60)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed pairs first (5)")
    parser.add_argument(
        "--broker",
        default="",
        help="Celery broker URL; a worker in another process processes the events "
        "(default: none, Celery eager)",
    )
    parser.add_argument("--python", default=os.environ.get("SALEOR_PYTHON"))
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be positive")
    return run_in_saleor(
        "bench_checkout_complete.py",
        args.python,
        rounds=str(args.rounds),
        warmup=str(args.warmup),
        broker=args.broker,
    )


if __name__ == "__main__":
    sys.exit(main())
