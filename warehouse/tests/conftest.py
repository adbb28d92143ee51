"""Warehouse fixtures: throwaway lakes and DuckDB files, and dbt builds shared per session."""

import pytest

from warehouse.dbt_runner import DbtTarget, run
from warehouse.engine import EngineConfig, get_engine
from warehouse.lake import Lake
from warehouse.source import generate
from warehouse.tests.fixture_lake import write_fixture, write_tier_change


def make_target(root) -> DbtTarget:
    root.mkdir(parents=True, exist_ok=True)
    return DbtTarget(work_dir=str(root / "dbt"), lake_url=str(root / "lake"),
                     duckdb_path=str(root / "warehouse.duckdb"), token_key="test-key")  # fmt: skip


def build(target: DbtTarget, **kwargs):
    result = run(target, "build", **kwargs)
    assert result.success, result.summary()
    return result


def engine_for(target: DbtTarget):
    return get_engine(EngineConfig(duckdb_path=target.duckdb_path))


@pytest.fixture(scope="session")
def hand_built(tmp_path_factory):
    """The hand-computable fixture lake, built once: (target, dbt result).

    The tenants' type 2 history is recorded first, then T1's tier change arrives and the whole
    project is built, so dim_tenant holds two versions of T1 (starter, then enterprise)."""
    target = make_target(tmp_path_factory.mktemp("hand"))
    lake = Lake(target.lake_url)
    write_fixture(lake, tier_change=False)
    build(target, select=["+tenant_history"], exclude=["resource_type:test"])
    write_tier_change(lake)
    return target, build(target)


@pytest.fixture(scope="session")
def generated_built(tmp_path_factory):
    """A small generated source (6 tenants, 3 months), built once: (target, dbt result)."""
    target = make_target(tmp_path_factory.mktemp("generated"))
    generate(Lake(target.lake_url), tenants=6, months=3, seed=7)
    return target, build(target)


@pytest.fixture
def warehouse_dirs(settings, tmp_path):
    """Point the app's settings at a fresh lake, DuckDB file and dbt work dir."""
    settings.LAKE_URL = str(tmp_path / "lake")
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "warehouse.duckdb")
    settings.WAREHOUSE_WORK_DIR = str(tmp_path / "dbt")
    settings.WAREHOUSE_DBT_THREADS = 1
    settings.WAREHOUSE_JOB_MAX_RETRIES = 0  # tests about retries raise it
    return tmp_path
