"""What merchants install: the sdist and the wheel built from a clean checkout.

The checkout is the work tree's tracked (and not ignored) files copied into a
new folder, so the test sees this change and nothing that only exists in the
developer's tree (a built Dashboard, caches, an egg-info). ``python -m build``
makes the sdist, then the wheel from that sdist, as PyPI users get it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.packaging


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("checkout")
    files = tracked_files()
    for name in files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    # Reuse the installed front-end dependencies instead of a second npm ci.
    modules = REPO / "dashboard-extension" / "node_modules"
    if modules.is_dir():
        (root / "dashboard-extension" / "node_modules").symlink_to(modules)
    return root, files


@pytest.fixture(scope="module")
def dist(checkout, tmp_path_factory) -> Path:
    root, _ = checkout
    if shutil.which("npm") is None:
        pytest.fail("npm is needed to build the Dashboard extension into the package")
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "SALEOR_CRM_SKIP_DASHBOARD_BUILD"}
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return out


def expected_members(files: list[str]) -> set[str]:
    """Paths inside the installed package for every file the checkout ships."""
    members = set()
    for name in files:
        if name.startswith("saleor_crm_plugin/"):
            members.add(name)
        elif re.fullmatch(r"migrations/[^/]+\.py", name):
            members.add("saleor_crm_plugin/" + name)
    return members


def dashboard_members(names: set[str], prefix: str = "") -> set[str]:
    index = f"{prefix}saleor_crm_plugin/static/saleor_crm_plugin/dashboard/index.html"
    assert index in names, "the built Dashboard extension is missing"
    return {n for n in names if n.startswith(index.rsplit("/", 1)[0] + "/assets/")}


def test_wheel_holds_every_package_migration_and_static_file(checkout, dist):
    # given
    _, files = checkout
    (wheel,) = dist.glob("*.whl")

    # when
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        index = archive.read("saleor_crm_plugin/static/saleor_crm_plugin/dashboard/index.html")
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")
        )

    # then
    missing = expected_members(files) - names
    assert not missing, f"missing from the wheel: {sorted(missing)}"
    packages = {str(Path(n).parent) for n in names if n.endswith("/__init__.py")}
    assert {"saleor_crm_plugin/graphql/core", "saleor_crm_plugin/migrations"} <= packages
    assets = dashboard_members(names)
    referenced = set(re.findall(rb'(?:src|href)="[^"]*/dashboard/(assets/[^"]+)"', index))
    assert referenced, "index.html references no built assets"
    assert {
        f"saleor_crm_plugin/static/saleor_crm_plugin/dashboard/{a.decode()}" for a in referenced
    } <= assets
    assert "[saleor.plugins]" in entry_points
    assert "saleor_crm_plugin = saleor_crm_plugin.saleor.plugin:CRMPlugin" in entry_points


def test_wheel_holds_graphiql_and_it_references_nothing_elsewhere(dist):
    # given
    (wheel,) = dist.glob("*.whl")
    static = "saleor_crm_plugin/static/saleor_crm_plugin/dashboard/"

    # when
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        page = archive.read(f"{static}graphiql/index.html").decode()
        referenced = re.findall(
            r'(?:src|href)="/plugins/global/saleor\.crm/dashboard/([^"]+)"', page
        )
        files = {name: archive.read(f"{static}{name}") for name in referenced}

    # then: GraphiQL's page and everything it loads are in the package, from here
    assert any(name.startswith("assets/graphiql-") and name.endswith(".js") for name in files)
    assert any(name.endswith(".css") for name in files)
    assert {f"{static}{name}" for name in files} <= names
    assert not re.search(r"https?://|//cdn", page)
    assert "<script>" not in page  # no inline script: the CSP allows files only
    assert 'nonce="CRM_CSP_NONCE"' in page  # replaced per response
    for name, content in files.items():
        if name.endswith(".css"):
            assert not re.search(rb"@import|url\(\s*['\"]?(?:https?:)?//", content), name


def test_sdist_holds_the_same_and_no_tests(checkout, dist):
    # given
    _, files = checkout
    (sdist,) = dist.glob("*.tar.gz")

    # when
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}

    # then
    sources = {n for n in files if n.startswith(("saleor_crm_plugin/", "migrations/"))}
    missing = sources - names
    assert not missing, f"missing from the sdist: {sorted(missing)}"
    dashboard_members(names)
    assert not any(n.startswith(("tests/", "dashboard-extension/")) for n in names)


def test_installed_wheel_imports_and_serves_the_schema(dist, tmp_path):
    # given: the wheel unpacked ahead of the editable install on sys.path
    (wheel,) = dist.glob("*.whl")
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    script = """
import importlib, pkgutil, sys
import django
django.setup()
import saleor_crm_plugin
assert saleor_crm_plugin.__file__.startswith(sys.argv[1]), saleor_crm_plugin.__file__
adapter = ("saleor_crm_plugin.plugin", "saleor_crm_plugin.saleor")
count = 0
for module in pkgutil.walk_packages(saleor_crm_plugin.__path__, "saleor_crm_plugin."):
    if module.name.startswith(adapter) or module.name.startswith("saleor_crm_plugin.saleor_"):
        continue  # imports saleor: the Saleor tier installs this wheel and runs it
    importlib.import_module(module.name)
    count += 1
from saleor_crm_plugin.graphql.schema import schema
result = schema.execute("{ __schema { queryType { name } } }")
assert result.errors is None, result.errors
print(count)
"""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": "tests.host.settings",
    }

    # when
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )

    # then
    assert result.returncode == 0, result.stderr[-5000:]
    assert int(result.stdout.strip()) > 30
