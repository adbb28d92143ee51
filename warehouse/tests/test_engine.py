import pyarrow as pa
import pytest

from warehouse.engine import EngineConfig, EngineError, get_engine
from warehouse.lake import Lake


@pytest.fixture
def engine(tmp_path):
    with get_engine(EngineConfig(duckdb_path=str(tmp_path / "w.duckdb"))) as engine:
        yield engine


def test_query_with_parameters_returns_arrow(engine):
    engine.write_arrow("sales.orders", pa.table({"id": [1, 2, 3], "amount": [5, 7, 9]}))
    result = engine.query("select sum(amount) as total from sales.orders where id >= $first", {"first": 2})
    assert isinstance(result, pa.Table)
    assert result.to_pylist() == [{"total": 16}]


def test_load_parquet_from_the_lake_and_describe(engine, tmp_path):
    lake = Lake(str(tmp_path / "lake"))
    lake.write("raw", "usage", pa.table({"id": [1, 2], "date": ["2025-01-01", "2025-01-02"]}), batch="b")
    assert engine.load_parquet("raw.usage", lake.files("raw", "usage")) == 2
    assert engine.tables("raw") == ["raw.usage"]
    assert [c.name for c in engine.describe("raw.usage")] == ["id", "date"]


def test_merge_upserts_on_keys_so_a_retried_batch_changes_nothing_more(engine):
    engine.merge("t.accounts", pa.table({"id": [1, 2], "tier": ["a", "b"]}), ["id"])
    batch = pa.table({"id": [2, 3], "tier": ["B", "c"]})
    engine.merge("t.accounts", batch, ["id"])
    engine.merge("t.accounts", batch, ["id"])
    rows = engine.query("select * from t.accounts order by id").to_pylist()
    assert rows == [{"id": 1, "tier": "a"}, {"id": 2, "tier": "B"}, {"id": 3, "tier": "c"}]


def test_errors_are_engine_errors_and_names_are_checked(engine):
    with pytest.raises(EngineError, match="nowhere"):
        engine.query("select * from nowhere.nothing")
    with pytest.raises(EngineError, match=r"dataset\.table"):
        engine.describe("no_dataset")
    with pytest.raises(EngineError, match="identifier"):
        engine.describe('x."; drop table y; --')
