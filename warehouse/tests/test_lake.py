import duckdb
import pyarrow as pa
import pytest

from warehouse import lake as lake_module
from warehouse.lake import Lake


def events(n, day="2025-01-01"):
    return pa.table({"id": list(range(n)), "date": [day] * n})


def count(lake, table):
    """Rows a reader sees through the published-files glob."""
    sql = "select count(*) from read_parquet($glob, hive_partitioning = true)"
    return duckdb.execute(sql, {"glob": lake.table_url("raw", table)}).fetchall()[0][0]


def test_writes_are_hive_partitioned_and_read_back(tmp_path):
    lake = Lake(str(tmp_path))
    data = pa.concat_tables([events(3, "2025-01-01"), events(2, "2025-01-02")])
    paths = lake.write("raw", "usage", data, batch="b1")
    assert sorted(p.split("/usage/")[1] for p in paths) == [
        "date=2025-01-01/part-b1.parquet",
        "date=2025-01-02/part-b1.parquet",
    ]
    assert lake.read("raw", "usage").num_rows == 5
    assert lake.tables("raw") == ["usage"]


def test_a_retried_batch_replaces_its_files_instead_of_duplicating(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write("raw", "usage", events(3), batch="b1")
    lake.write("raw", "usage", events(3), batch="b1")
    assert count(lake, "usage") == 3
    lake.write("raw", "usage", events(2), batch="b2")
    assert count(lake, "usage") == 5


def test_a_writer_that_crashes_before_publishing_leaves_nothing_readers_see(tmp_path, monkeypatch):
    lake = Lake(str(tmp_path))
    lake.write("raw", "usage", events(3), batch="b1")

    def crash(*args):
        raise OSError("killed")

    monkeypatch.setattr(lake_module, "_publish_file", crash)
    with pytest.raises(OSError):
        lake.write("raw", "usage", events(1000), batch="b2")
    leftovers = list(tmp_path.rglob("*.tmp-*"))
    assert len(leftovers) == 1  # the unpublished temporary file is there …
    assert count(lake, "usage") == 3  # … but no reader sees it
    assert len(lake.files("raw", "usage")) == 1


def test_unknown_layer_and_bad_names_are_refused(tmp_path):
    lake = Lake(str(tmp_path))
    with pytest.raises(ValueError, match="layer"):
        lake.write("gold", "usage", events(1), batch="b")
    with pytest.raises(ValueError, match="table name"):
        lake.write("raw", "../etc", events(1), batch="b")


def test_cold_storage_has_its_own_url(tmp_path):
    lake = Lake(str(tmp_path / "hot"), cold_url=str(tmp_path / "cold"))
    lake.cold().write("raw", "usage", events(2), batch="archived")
    assert lake.cold().read("raw", "usage").num_rows == 2
    assert lake.files("raw", "usage") == []
    with pytest.raises(ValueError, match="cold"):
        Lake(str(tmp_path)).cold()
