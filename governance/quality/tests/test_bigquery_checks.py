"""The check runner on BigQuery (the bqemulator server): the same fixtures as on DuckDB.

Needs BIGQUERY_EMULATOR_HOST (`. .ci/bqemulator.sh` starts one); skipped without it, failed under
REQUIRE_SERVICES=1. Each test module uses its own project, so runs never collide.
"""

import os
import uuid
from datetime import timedelta

import pyarrow as pa
import pytest

from catalog.models import Column, Dataset
from catalog.tests.factories import level
from governance.models import CheckResult
from governance.quality.services import quality_checks_run
from governance.quality.tests.conftest import NOW, ORDER_COLUMNS, ORDERS
from governance.quality.tests.test_check_types import CASES, add_check
from warehouse.engine import EngineConfig, get_engine

pytestmark = pytest.mark.services("bigquery")
Status = CheckResult.Status
ON_BIGQUERY = sorted(set(CASES) - {"volume_change"})  # volume_change reads no table of its own


@pytest.fixture(scope="module")
def project():
    return f"custodian-quality-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def loaded(project):
    """good/bad .orders and .customers written once per module through the BigQuery engine."""
    config = EngineConfig(backend="bigquery", bigquery_project=project,
                          bigquery_endpoint=os.environ.get("BIGQUERY_EMULATOR_HOST", ""))  # fmt: skip
    with get_engine(config) as engine:
        for schema, rows in ORDERS.items():
            ids, customers, amounts, statuses, hours, emails = zip(*rows, strict=True)
            created = [NOW.replace(tzinfo=None) - timedelta(hours=h) for h in hours]
            engine.write_arrow(f"{schema}.orders", pa.table({
                "id": pa.array(ids, pa.int64()), "customer_id": pa.array(customers, pa.int64()),
                "amount": pa.array(amounts, pa.float64()), "status": pa.array(statuses, pa.string()),
                "created_at": pa.array(created, pa.timestamp("us")), "email": pa.array(emails, pa.string()),
            }))  # fmt: skip
            engine.write_arrow(f"{schema}.customers", pa.table({"id": pa.array([1, 2, 3], pa.int64())}))
    return project


@pytest.fixture
def shop(loaded, settings, db):
    settings.WAREHOUSE_BACKEND = "bigquery"
    settings.WAREHOUSE_BIGQUERY_PROJECT = loaded
    settings.WAREHOUSE_BIGQUERY_ENDPOINT = os.environ.get("BIGQUERY_EMULATOR_HOST", "")
    settings.WAREHOUSE_TOKEN_KEY = "test-key"
    datasets = {}
    for schema in ORDERS:
        for table in ("orders", "customers"):
            datasets[schema, table] = Dataset.objects.create(
                namespace="bigquery", name=f"{loaded}.{schema}.{table}", layer=Dataset.Layer.CURATED
            )
        for name, (kind, code) in ORDER_COLUMNS.items():
            Column.objects.create(
                dataset=datasets[schema, "orders"], name=name, data_type=kind, classification=level(code)
            )
    return datasets


def run_one(shop, schema, check_type):
    overrides = {}
    if check_type == "referential":
        overrides["params"] = {**CASES["referential"][1], "to": f"{schema}.customers"}
    if check_type == "custom_sql":  # BigQuery SQL: the same rule
        overrides["params"] = {"sql": "select * from {table} where amount > 1000 and status = 'open'"}
    check = add_check(shop[schema, "orders"], check_type, **overrides)
    if check_type == "schema_drift" and schema == "bad":
        shop[schema, "orders"].columns.create(name="discount", data_type="FLOAT64")
    (result,) = quality_checks_run(datasets=[shop[schema, "orders"]], now=NOW)
    assert result.quality_check == check
    return result


@pytest.mark.parametrize("check_type", ON_BIGQUERY)
def test_check_passes_on_the_clean_bigquery_table(shop, check_type):
    result = run_one(shop, "good", check_type)
    assert result.status == Status.PASS, result.message


@pytest.mark.parametrize("check_type", ON_BIGQUERY)
def test_check_fails_on_the_broken_bigquery_table(shop, check_type):
    result = run_one(shop, "bad", check_type)
    assert result.status == Status.FAIL, result.message


def test_unique_counts_repeats_with_count_distinct_on_bigquery(shop):
    result = run_one(shop, "bad", "unique")
    assert result.failing_count == 1  # id 2 twice


def test_failing_rows_are_sampled_with_l3_hashed_and_l4_nulled_on_bigquery(shop):
    result = run_one(shop, "bad", "range")
    assert sorted(row["amount"] for row in result.samples) == [-5.0, 5000.0]
    for row in result.samples:
        assert row["email"] is None  # L4
        assert len(row["customer_id"]) == 64 and row["customer_id"] != "1"  # L3: the keyed token
