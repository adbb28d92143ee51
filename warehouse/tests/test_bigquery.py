"""The BigQuery backend and the same dbt models, against the bqemulator server.

Needs BIGQUERY_EMULATOR_HOST (`. .ci/bqemulator.sh` starts one); skipped without it, failed
under REQUIRE_SERVICES=1. Each test session uses its own project, so runs never collide.
"""

import datetime as dt
import os
import uuid
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from warehouse import config
from warehouse.dbt_runner import DbtTarget, run
from warehouse.engine import EngineConfig, EngineError, get_engine
from warehouse.lake import Lake
from warehouse.loading import load_raw_for_engine
from warehouse.source.schemas import USERS_V2
from warehouse.tests.conftest import build, engine_for, make_target
from warehouse.tests.fixture_lake import TIER_CHANGE_BATCH, tenant, wo, write, write_fixture

pytestmark = pytest.mark.services("bigquery")
MARTS = [
    "marts.mart_revenue_monthly", "marts.mart_mrr_tenant_month", "marts.mart_retention",
    "marts.mart_work_orders_monthly", "marts.mart_work_order_status", "marts.mart_gross_margin_monthly",
    "marts.mart_engagement_monthly", "marts.mart_support_monthly", "marts.mart_agent_monthly",
    "curated.fact_work_order_event", "curated.fact_billing_event", "curated.dim_tenant", "cleansed.stg_users",
    "marts.mart_mrr_segment_month", "marts.mart_retention_segment", "marts.mart_work_orders_tenant_month",
    "marts.mart_work_order_cycle", "marts.mart_agent_tenant_month", "marts.mart_support_tenant_month",
    "marts.mart_support_resolution",
]  # fmt: skip


@pytest.fixture(scope="module")
def project():
    return f"custodian-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def bigquery(project):
    config = EngineConfig(backend="bigquery", bigquery_project=project,
                          bigquery_endpoint=os.environ.get("BIGQUERY_EMULATOR_HOST", ""))  # fmt: skip
    with get_engine(config) as engine:
        yield engine


def test_parameters_merge_describe_and_partitioned_clustered_tables(bigquery):
    data = pa.table({
        "id": [1, 2, 3],
        "amount": pa.array([Decimal("1.50"), Decimal("2.25"), Decimal("3.00")], pa.decimal128(12, 2)),
        "day": pa.array([dt.date(2025, 1, 1), dt.date(2025, 1, 2), dt.date(2025, 2, 1)], pa.date32()),
    })  # fmt: skip
    assert bigquery.write_arrow("sales.orders", data, partition_by="day", cluster_by=["id"]) == 3
    assert bigquery.table_options("sales.orders") == {"partition_by": "day", "cluster_by": ["id"]}
    total = bigquery.query("select sum(amount) as s from sales.orders where day >= $since",
                           {"since": dt.date(2025, 1, 2)}).to_pylist()  # fmt: skip
    assert total == [{"s": Decimal("5.25")}]
    changed = pa.table({"id": [3, 4], "amount": pa.array([Decimal(9), Decimal(1)], pa.decimal128(12, 2)),
                        "day": pa.array([dt.date(2025, 2, 1)] * 2, pa.date32())})  # fmt: skip
    bigquery.merge("sales.orders", changed, ["id"])
    bigquery.merge("sales.orders", changed, ["id"])  # a retried batch changes nothing more
    rows = bigquery.query("select id, amount from sales.orders order by id").to_pylist()
    assert [(r["id"], r["amount"]) for r in rows] == [
        (1, Decimal("1.5")),
        (2, Decimal("2.25")),
        (3, 9),
        (4, 1),
    ]
    assert [c.name for c in bigquery.describe("sales.orders")] == ["id", "amount", "day"]
    assert "sales.orders" in bigquery.tables("sales")
    with pytest.raises(EngineError):
        bigquery.describe("sales.missing")


def normalised(table: pa.Table) -> list:
    def value(v):
        if isinstance(v, Decimal | float):
            return round(float(v), 6)
        return v

    return sorted(
        (tuple(sorted((k, value(v)) for k, v in row.items())) for row in table.to_pylist()), key=repr
    )


def test_the_same_models_give_the_same_results_on_bigquery_as_on_duckdb(
    hand_built, bigquery, project, tmp_path
):
    duck, _ = hand_built
    lake = Lake(duck.lake_url)
    target = DbtTarget(
        work_dir=str(tmp_path), lake_url=duck.lake_url, backend="bigquery", token_key="test-key",
        bigquery_project=project, bigquery_endpoint=bigquery.config.bigquery_endpoint,
    )  # fmt: skip
    # as hand_built did: the tenants' history first, then T1's tier change and the whole build
    for table in lake.tables("raw"):
        files = [f for f in lake.files("raw", table) if f"part-{TIER_CHANGE_BATCH}." not in f]
        bigquery.load_parquet(f"raw.{table}", files, partition_by="date")
    result = run(target, "build", select=["+tenant_history"], exclude=["resource_type:test"])
    assert result.success, result.summary()
    bigquery.load_parquet("raw.tenants", lake.files("raw", "tenants"), partition_by="date")
    result = run(target, "build")
    assert result.success, result.summary()
    with engine_for(duck) as duckdb:
        for table in MARTS:
            assert normalised(bigquery.read_table(table)) == normalised(duckdb.read_table(table)), table


def test_an_incremental_run_on_bigquery_matches_the_same_run_on_duckdb(tmp_path):
    """The incremental path (merge on BigQuery, delete+insert on DuckDB, the post-hook that
    sweeps deletes) gives the same tables on both engines after new changes arrive."""
    project = f"custodian-{uuid.uuid4().hex[:10]}"
    config = EngineConfig(backend="bigquery", bigquery_project=project,
                          bigquery_endpoint=os.environ.get("BIGQUERY_EMULATOR_HOST", ""))  # fmt: skip
    duck = make_target(tmp_path / "duck")
    bq = DbtTarget(work_dir=str(tmp_path / "bq"), lake_url=duck.lake_url, backend="bigquery",
                   token_key="test-key", bigquery_project=project,
                   bigquery_endpoint=config.bigquery_endpoint)  # fmt: skip
    lake = Lake(duck.lake_url)
    write_fixture(lake)
    with get_engine(config) as bigquery:
        for step in ("first", "later"):
            if step == "later":
                write(lake, "tenants", [tenant(3, "2025-06-01T09:00", op="d")], batch="later")
                write(lake, "work_order_events", [wo(16, 105, 4, "completed", "2025-06-01T10:00", "urgent",
                                                     "2025-05-30T14:00")], batch="later")  # fmt: skip
            for table in lake.tables("raw"):
                bigquery.load_parquet(f"raw.{table}", lake.files("raw", table), partition_by="date")
            build(duck, exclude=["resource_type:test"])
            result = run(bq, "build", exclude=["resource_type:test"])
            assert result.success, result.summary()
        with engine_for(duck) as duckdb:
            assert sorted(
                bigquery.query("select tenant_id from cleansed.stg_tenants").column(0).to_pylist()
            ) == [1, 2, 4]
            for table in MARTS:
                assert normalised(bigquery.read_table(table)) == normalised(duckdb.read_table(table)), table


def test_raw_tables_load_only_the_partitions_since_the_newest_loaded(settings, tmp_path):
    settings.WAREHOUSE_BACKEND = "bigquery"
    settings.WAREHOUSE_BIGQUERY_PROJECT = f"custodian-{uuid.uuid4().hex[:10]}"
    settings.WAREHOUSE_BIGQUERY_ENDPOINT = os.environ.get("BIGQUERY_EMULATOR_HOST", "")
    settings.LAKE_URL = str(tmp_path / "lake")
    lake = Lake(settings.LAKE_URL)
    write_fixture(lake)
    in_lake = {t: lake.read("raw", t) for t in lake.tables("raw")}
    assert load_raw_for_engine() == sum(t.num_rows for t in in_lake.values())

    newest = {name: pc.max(t["date"]).as_py() for name, t in in_lake.items()}
    newest_rows = sum(pc.sum(pc.equal(t["date"], newest[name])).as_py() for name, t in in_lake.items())
    assert load_raw_for_engine() == newest_rows  # only the newest partition of each table, again

    write(lake, "tenants", [tenant(3, "2025-06-01T09:00", op="d")], batch="later")
    user = pa.table({"_op": ["u"], "_lsn": [2], "_changed_at": [dt.datetime(2025, 6, 2)],
                     "user_id": [101], "tenant_id": [1], "email": ["ann@example.com"], "full_name": ["Ann"],
                     "role": ["lead"], "created_at": [dt.datetime(2025, 1, 2)], "locale": ["de"],
                     "date": ["2025-06-02"]})  # fmt: skip
    lake.write("raw", "users", user.cast(USERS_V2.append(pa.field("date", pa.string()))), batch="later")
    load_raw_for_engine()
    with config.engine() as bigquery:
        for table in lake.tables("raw"):
            expected = lake.read("raw", table)
            expected = expected.set_column(expected.column_names.index("date"), "date",
                                           expected["date"].cast(pa.date32()))  # fmt: skip
            loaded = bigquery.read_table(f"raw.{table}").select(expected.column_names)
            assert normalised(loaded) == normalised(expected), table  # nothing twice, nothing missing
        assert bigquery.query("select locale from raw.users where locale is not null").to_pylist() == [
            {"locale": "de"}
        ]  # a new source column reloads the table with it
    total = sum(lake.read("raw", t).num_rows for t in lake.tables("raw"))
    assert load_raw_for_engine(full_refresh=True) == total
