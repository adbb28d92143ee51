import pytest

from reporting.tests.marts_world import build_marts_world


@pytest.fixture
def marts_world(db, tmp_path, settings):
    """The metric marts of marts_world.py in a DuckDB file the settings point at (read-only reads)."""
    path = tmp_path / "warehouse.duckdb"
    build_marts_world(path)
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_DUCKDB_PATH = str(path)
    return path
