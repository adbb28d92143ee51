"""Job runs publish the read copy, before they are marked finished, whether they succeed or fail."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save

from warehouse.engine import EngineConfig, get_engine
from warehouse.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_copy(warehouse_dirs, settings):
    settings.WAREHOUSE_DUCKDB_READ_COPY = str(warehouse_dirs / "published" / "warehouse.duckdb")
    return Path(settings.WAREHOUSE_DUCKDB_READ_COPY)


@pytest.fixture
def copy_tables_when_finished(published_copy):
    """The copy's tables at the moment each run is saved as finished, by run status."""
    seen = {}

    def look(sender, instance, **kwargs):
        if instance.finished_at is not None:
            seen[instance.status] = tables_of(published_copy) if published_copy.exists() else None

    post_save.connect(look, sender=JobRun, weak=False)
    yield seen
    post_save.disconnect(look, sender=JobRun)


def tables_of(path: Path) -> list[str]:
    with get_engine(EngineConfig(duckdb_path=str(path), read_only=True)) as engine:
        return engine.tables()


def test_a_run_publishes_the_copy_before_it_is_marked_succeeded(copy_tables_when_finished):
    call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "3")
    call_command("warehouse_run", "--model", "stg_users")
    assert JobRun.objects.get().status == "succeeded"
    assert copy_tables_when_finished == {"succeeded": ["cleansed.stg_users"]}


def test_a_failed_run_publishes_what_it_built_and_stays_failed(copy_tables_when_finished, settings):
    # No raw data: stg_tenants fails. The main file exists (an earlier table), so there is a copy.
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        engine.execute("create schema marts")
        engine.execute("create table marts.earlier as select 1 as x")
    with pytest.raises(CommandError, match="failed"):
        call_command("warehouse_run", "--model", "stg_tenants")
    assert copy_tables_when_finished == {"failed": ["marts.earlier"]}
