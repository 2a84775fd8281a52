"""Runs the Saleor tier (tests/saleor_tier) when a Saleor environment exists.

Saleor 3.x is not on PyPI, so the tier runs in the Python named by
SALEOR_PYTHON (a Saleor environment), against SALEOR_DATABASE_URL (default:
DATABASE_URL). Elsewhere it is skipped. As merchants do, the plugin is
installed there from a wheel built from this tree, never editable.

SALEOR_TIER_ARGS, split like a shell line, is passed to the tier's pytest
to run part of it, e.g. ``SALEOR_TIER_ARGS="-k consent"`` or one file.
"""

import os
import shlex
import subprocess
import sys
import tempfile
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
    wheels = Path(tempfile.mkdtemp(prefix="crm-wheel-"))
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels)],
        cwd=TIER.parents[1],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = wheels.glob("*.whl")
    # The wheel's requirements that Saleor lacks, then the wheel itself anew.
    for extra in ([], ["--force-reinstall", "--no-deps"]):
        install = subprocess.run(
            [python, "-m", "pip", "install", "--quiet", *extra, str(wheel)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert install.returncode == 0, install.stderr[-3000:]
    # The tier is its own Django project (Saleor's settings): none of ours.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    if url := os.environ.get("SALEOR_DATABASE_URL"):
        env["DATABASE_URL"] = url
    env.setdefault("SECRET_KEY", "saleor-tier")
    # SALEOR_TIER_ARGS: pytest arguments for the tier (e.g. one file, "-k offers").
    selection = shlex.split(os.environ.get("SALEOR_TIER_ARGS", ""))
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection],
        cwd=TIER,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    sys.stdout.write(result.stdout[-5000:])
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
