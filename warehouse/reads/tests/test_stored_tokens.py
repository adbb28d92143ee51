"""A mart's stored token (`<column>__token`, dbt macro `token_column`) stands in for hashing per
row: a reader sees exactly the value the hash masking gives, and never the token column itself."""

import hashlib

import pytest
from django.conf import settings

from catalog.models import Dataset
from catalog.tests.factories import ColumnFactory, DatasetFactory, level
from warehouse.engine import EngineConfig, get_engine
from warehouse.reads.models import AccessLog
from warehouse.reads.query import Aggregate, Filter, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read
from warehouse.tests.conftest import hand_built  # noqa: F401 # the session's dbt build of the fixture lake

TABLE = "marts.mart_work_order_status"


@pytest.fixture
def built(hand_built, settings, db):  # noqa: F811
    """The dbt-built warehouse (token key "test-key") in the catalog, work_order_id at L3."""
    target, _ = hand_built
    settings.WAREHOUSE_TOKEN_KEY = "test-key"
    engine = get_engine(EngineConfig(backend="duckdb", duckdb_path=target.duckdb_path, read_only=True))
    dataset = DatasetFactory(
        namespace=settings.WAREHOUSE_NAMESPACE, name=f"warehouse.{TABLE}", layer=Dataset.Layer.MART
    )
    for position, column in enumerate(engine.describe(TABLE), 1):
        code = "L3" if column.name.startswith("work_order_id") else "L1"  # the token inherits its level
        ColumnFactory(
            dataset=dataset,
            name=column.name,
            data_type=column.type,
            ordinal_position=position,
            classification=level(code),
        )
    yield engine, dataset
    engine.close()


def read(user, engine, **query):
    return governed_read(
        user=user, purpose=AccessLog.Purpose.DASHBOARD, query=ReadQuery(TABLE, **query), engine=engine
    )


def token(value) -> str:
    return hashlib.sha256(f"{settings.WAREHOUSE_TOKEN_KEY}|{value}".encode()).hexdigest()


def test_a_hashed_read_gives_the_same_values_from_the_stored_token_as_hashed_per_row(built, executive):
    engine, dataset = built
    query = {"columns": ("work_order_id", "state"), "order_by": ("work_order_id",)}
    stored = read(executive, engine, **query)
    clear = engine.query(f"select work_order_id, state from {TABLE}").to_pylist()  # noqa: S608
    expected = sorted(({"work_order_id": token(r["work_order_id"]), "state": r["state"]} for r in clear),
                      key=lambda r: r["work_order_id"])  # fmt: skip
    assert stored.data.to_pylist() == expected
    assert stored.masked == {"work_order_id": "hash"}

    dataset.columns.filter(name="work_order_id__token").delete()  # a mart without the stored token
    hashed = read(executive, engine, **query)
    assert hashed.data.to_pylist() == expected
    assert hashed.log.query_digest != stored.log.query_digest  # two different SQL texts, one result


def test_count_distinct_and_filters_on_the_stored_token_match_the_clear_counts(built, executive):
    engine, _ = built
    clear = engine.query(f"select state, count(distinct work_order_id) as n from {TABLE} group by state")  # noqa: S608
    result = read(
        executive,
        engine,
        columns=("state",),
        aggregates=(Aggregate("count_distinct", "work_order_id", "n"),),
        order_by=("state",),
    )
    assert result.data.to_pylist() == sorted(clear.to_pylist(), key=lambda r: r["state"])
    one = engine.query(f"select work_order_id from {TABLE} limit 1").to_pylist()[0]["work_order_id"]  # noqa: S608
    found = read(executive, engine, columns=("state",), filters=(Filter("work_order_id", "=", token(one)),))
    assert found.data.num_rows == 1


def test_the_token_column_itself_is_not_readable_nor_listed(built, executive):
    engine, _ = built
    assert "work_order_id__token" not in read(executive, engine, limit=1).data.column_names
    with pytest.raises(ReadInvalid, match="Unknown column 'work_order_id__token'"):
        read(executive, engine, columns=("work_order_id__token",))
