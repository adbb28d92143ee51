"""The BigQuery packages are optional: the demo runs without them, BigQuery says what to install."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from warehouse.dbt_runner import DbtTarget, profile_for
from warehouse.engine import EngineConfig, EngineError, get_engine

REPO = Path(settings.BASE_DIR)
BIGQUERY_ONLY = ("google-", "dbt-bigquery", "pandas", "grpcio", "db-dtypes")

# Run in a fresh interpreter where the BigQuery packages cannot be imported, as after `make demo`.
IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
BLOCKED = ("google", "dbt.adapters.bigquery", "pandas")

class Block:
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ModuleNotFoundError(f"blocked: {name}")

sys.meta_path.insert(0, Block())
import django
django.setup()
from django.core.management import call_command
for app in ("accounts", "catalog", "governance", "portal", "reporting", "submissions", "warehouse"):
    package = importlib.import_module(app)
    for info in pkgutil.walk_packages(package.__path__, app + "."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith("bigquery_backend"):
            continue
        importlib.import_module(info.name)
call_command("check")
print("ok")
"""


@pytest.fixture
def without_bigquery_packages(monkeypatch):
    for module in ("google.cloud", "google.cloud.bigquery", "dbt.adapters.bigquery"):
        monkeypatch.setitem(sys.modules, module, None)


def test_the_runtime_requirements_leave_the_bigquery_packages_out():
    runtime = (REPO / "requirements.txt").read_text().lower().splitlines()
    pinned = [line for line in runtime if line and not line.startswith(("#", "-r"))]
    assert [line for line in pinned if line.startswith(BIGQUERY_ONLY)] == []
    bigquery = (REPO / "requirements-bigquery.txt").read_text()
    assert "google-cloud-bigquery==" in bigquery and "dbt-bigquery==" in bigquery
    assert "-r requirements-bigquery.txt" in (REPO / "requirements-dev.txt").read_text()


def test_nothing_outside_the_bigquery_backend_imports_its_packages():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")


def test_the_bigquery_engine_without_its_packages_says_what_to_install(without_bigquery_packages):
    with pytest.raises(EngineError, match=r"google-cloud-bigquery.*requirements-bigquery\.txt"):
        get_engine(EngineConfig(backend="bigquery", bigquery_project="p"))


def test_a_bigquery_dbt_profile_without_dbt_bigquery_says_what_to_install(without_bigquery_packages):
    target = DbtTarget(work_dir="w", lake_url="l", backend="bigquery", bigquery_project="p")
    with pytest.raises(EngineError, match=r"dbt-bigquery.*requirements-bigquery\.txt"):
        profile_for(target)


def test_check_refuses_the_bigquery_backend_without_its_packages(without_bigquery_packages, settings):
    settings.WAREHOUSE_BACKEND = "bigquery"
    with pytest.raises(SystemCheckError, match=r"warehouse\.E001"):
        call_command("check")


def test_check_accepts_the_duckdb_backend_without_the_bigquery_packages(without_bigquery_packages, settings):
    settings.WAREHOUSE_BACKEND = "duckdb"
    call_command("check")
