"""Runs the Saleor tier (tests/saleor_tier) when a Saleor environment exists.

Saleor 3.x is not on PyPI, so the tier runs in the Python named by
SALEOR_PYTHON (Saleor and this plugin installed there), against
SALEOR_DATABASE_URL (default: DATABASE_URL). Elsewhere it is skipped.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TIER = Path(__file__).resolve().parent / "saleor_tier"


def saleor_python() -> str | None:
    if python := os.environ.get("SALEOR_PYTHON"):
        return python
    probe = subprocess.run([sys.executable, "-c", "import saleor"], capture_output=True)
    return sys.executable if probe.returncode == 0 else None


def test_saleor_tier():
    python = saleor_python()
    if python is None:
        pytest.skip(
            "Saleor tier skipped: saleor is not importable. Install Saleor 3.21+ and this "
            "plugin in one Python 3.12 environment and set SALEOR_PYTHON (see README)."
        )
    env = dict(os.environ)
    if url := os.environ.get("SALEOR_DATABASE_URL"):
        env["DATABASE_URL"] = url
    env.setdefault("SECRET_KEY", "saleor-tier")
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=TIER,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    sys.stdout.write(result.stdout[-5000:])
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
