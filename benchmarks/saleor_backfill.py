"""``crm_backfill`` over a real Saleor's orders, with lines (orders/s).

    SALEOR_PYTHON=/path/to/saleor-venv/bin/python \
    SALEOR_DATABASE_URL=postgres://…/saleor \
    python benchmarks/saleor_backfill.py [--orders 50000] [--profile]

Runs ``tests/saleor_tier/bench_backfill.py`` in the Saleor environment (see
``in_saleor.py``): ``--orders`` copies of Saleor's ``order_with_lines``
fixture written into Saleor's tables, then ``crm_backfill --only orders`` and
``crm_recompute`` timed, with the plugin as installed there.
"""

from __future__ import annotations

import argparse
import os
import sys

from in_saleor import run_in_saleor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=50_000, help="Saleor orders (50,000)")
    parser.add_argument(
        "--profile", action="store_true", help="print where the backfill spends its time"
    )
    parser.add_argument("--python", default=os.environ.get("SALEOR_PYTHON"))
    args = parser.parse_args()
    if not 1 <= args.orders <= 1_000_000:
        parser.error("--orders must be between 1 and 1,000,000")
    return run_in_saleor(
        "bench_backfill.py",
        args.python,
        orders=str(args.orders),
        profile="1" if args.profile else "0",
    )


if __name__ == "__main__":
    sys.exit(main())
