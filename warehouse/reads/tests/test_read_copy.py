"""Governed reads on the published read copy while another process holds the main DuckDB file."""

import hashlib
from pathlib import Path

import pytest
from celery.signals import worker_process_init

from warehouse import config, read_copy
from warehouse.engine import EngineConfig, EngineError, get_engine
from warehouse.read_copy import read_copy_publish
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadQuery
from warehouse.reads.service import governed_read
from warehouse.reads.tests.conftest import ROWS, TABLE
from warehouse.tests.duckdb_holder import held_for_writing


@pytest.fixture
def main_file(warehouse, settings, tmp_path, monkeypatch):
    """The `wh` warehouse as the configured main file, closed; the read copy configured, not published."""
    warehouse.close()
    monkeypatch.setattr(read_copy, "_pipeline_process", False)  # restored after a test marks it
    settings.WAREHOUSE_DUCKDB_PATH = warehouse.config.duckdb_path
    settings.WAREHOUSE_DUCKDB_READ_COPY = str(tmp_path / "published" / "wh-published.duckdb")
    return Path(warehouse.config.duckdb_path)


@pytest.fixture
def held_by_another_process(main_file):
    with held_for_writing(main_file) as holder:
        yield holder


def read(user):
    return governed_read(user=user, purpose=AccessLog.Purpose.DASHBOARD, query=ReadQuery(TABLE))


def add_row(main_file):
    with get_engine(EngineConfig(duckdb_path=str(main_file))) as engine:
        engine.execute(f"insert into {TABLE} (tenant_id, month, revenue) values (3, '2026-03', 1.0)")  # noqa: S608 # nosec B608 # a constant


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_governed_read_succeeds_on_the_copy_while_another_process_writes_the_main_file(
    main_file, settings, catalog, executive, request
):
    assert read_copy_publish() is True
    request.getfixturevalue("held_by_another_process")
    result = read(executive)
    assert result.data.num_rows == len(ROWS)
    assert result.log.outcome == AccessLog.Outcome.ALLOWED
    # Without the copy the same read is refused by the lock, which is what the copy is for.
    settings.WAREHOUSE_DUCKDB_READ_COPY = ""
    with pytest.raises(EngineError, match="lock"):
        read(executive)
    assert AccessLog.objects.latest("pk").outcome == AccessLog.Outcome.FAILED


def test_a_publish_replaces_the_copy_atomically_and_the_next_read_sees_the_new_rows(
    main_file, settings, catalog, executive
):
    read_copy_publish()
    with config.engine(read_only=True) as before:
        add_row(main_file)
        assert read(executive).data.num_rows == len(ROWS)  # not yet published
        assert read_copy_publish() is True
        # An engine opened before the publish keeps reading the copy it opened …
        count = before.query(f"select count(*) as n from {TABLE}")  # noqa: S608 # nosec B608 # a constant
        assert count.column("n").to_pylist() == [len(ROWS)]
        # … and the next read opens the new one.
        assert read(executive).data.num_rows == len(ROWS) + 1
    copy = Path(settings.WAREHOUSE_DUCKDB_READ_COPY)
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no temporary file left behind
    assert copy.stat().st_mode == main_file.stat().st_mode  # not the temporary file's private mode


def test_a_publish_while_another_process_writes_keeps_the_previous_copy_and_says_so(
    main_file, settings, catalog, executive, request, caplog
):
    read_copy_publish()
    published = digest(settings.WAREHOUSE_DUCKDB_READ_COPY)
    add_row(main_file)
    request.getfixturevalue("held_by_another_process")
    assert read_copy_publish() is False
    assert "Could not publish the warehouse read copy" in caplog.text
    assert digest(settings.WAREHOUSE_DUCKDB_READ_COPY) == published
    assert read(executive).data.num_rows == len(ROWS)


def test_a_reader_opens_the_main_file_until_a_copy_is_published(main_file, settings, catalog, executive):
    add_row(main_file)
    assert read(executive).data.num_rows == len(ROWS) + 1
    assert not Path(settings.WAREHOUSE_DUCKDB_READ_COPY).exists()


def test_without_the_setting_nothing_is_published_and_readers_open_the_main_file(
    main_file, settings, catalog, executive, tmp_path
):
    settings.WAREHOUSE_DUCKDB_READ_COPY = ""
    assert read_copy_publish() is False
    assert config.engine_config(read_only=True).duckdb_read_copy == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]
    assert read(executive).data.num_rows == len(ROWS)


def test_bigquery_ignores_the_setting(main_file, settings):
    settings.WAREHOUSE_BACKEND = "bigquery"
    assert read_copy_publish() is False
    assert config.engine_config(read_only=True).duckdb_read_copy == ""


def test_the_celery_worker_reads_the_main_file_it_builds(main_file, catalog, executive):
    read_copy_publish()
    add_row(main_file)
    assert read(executive).data.num_rows == len(ROWS)  # a web process: the published copy
    worker_process_init.send(sender=None)  # as Celery does in the worker
    assert read(executive).data.num_rows == len(ROWS) + 1
