"""Names interpolated into warehouse SQL are quoted, and a quote inside a name is escaped."""

import duckdb
import pyarrow as pa
import pytest

from catalog.schema_readers import sample_values
from warehouse.engine import EngineConfig, EngineError, get_engine, quote_identifier, quote_path


def test_a_double_quote_inside_a_name_is_doubled():
    assert quote_identifier('we"ird') == '"we""ird"'
    assert quote_path("main", 'a"; drop table x; --') == '"main"."a""; drop table x; --"'


def test_bigquery_escapes_backticks_and_backslashes():
    assert quote_identifier("p.d.t`x\\", "bigquery") == "`p.d.t\\`x\\\\`"


@pytest.mark.parametrize("name", ["", "a\x00b", None])
def test_unusable_names_are_refused(name):
    with pytest.raises(EngineError, match="Not a usable SQL identifier"):
        quote_identifier(name)


def test_a_merge_key_with_a_quote_in_its_name_works(tmp_path):
    key = 'id"; drop table t.accounts; --'
    with get_engine(EngineConfig(duckdb_path=str(tmp_path / "w.duckdb"))) as engine:
        engine.merge("t.accounts", pa.table({key: [1, 2], "tier": ["a", "b"]}), [key])
        engine.merge("t.accounts", pa.table({key: [2], "tier": ["B"]}), [key])
        assert engine.query("select tier from t.accounts order by 1").to_pylist() == [
            {"tier": "B"},
            {"tier": "a"},
        ]


def test_sampling_reads_a_column_whose_name_holds_a_quote(tmp_path):
    path = tmp_path / "s.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute('create schema "sales"; create table sales."or""ders" ("e""mail" text)')
        connection.execute('insert into sales."or""ders" values (\'a@example.test\')')
    values = sample_values(f"duckdb://{path}", 's.sales.or"ders', ['e"mail'])
    assert values == {'e"mail': ["a@example.test"]}
