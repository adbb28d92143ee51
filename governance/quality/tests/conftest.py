"""A small DuckDB warehouse with a clean (`good`) and a broken (`bad`) copy of the same tables."""

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings as django_settings

from catalog.models import Column, Dataset
from catalog.tests.factories import level
from warehouse.engine import EngineConfig, get_engine
from warehouse.tests.conftest import warehouse_dirs  # noqa: F401 # shared with the blocking test

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

ORDERS = {
    "good": [
        (1, 1, 10.0, "open", 1, "a@x.org"),
        (2, 2, 20.0, "closed", 1, "b@x.org"),
        (3, 3, 30.0, "open", 2, "c@x.org"),
        (4, 1, 40.0, "closed", 3, "d@x.org"),
    ],
    # a repeated id, a null and an orphan customer, a status outside the list, an amount out of range
    "bad": [
        (1, 1, -5.0, "open", 80, "a@x.org"),
        (2, None, 20.0, "weird", 80, "b@x.org"),
        (2, 9, 30.0, "open", 80, "c@x.org"),
        (4, 1, 5000.0, "open", 80, "d@x.org"),
        (5, 1, 10.0, "closed", 80, "e@x.org"),
    ],
}
ORDER_COLUMNS = {
    "id": ("INTEGER", "L1"),
    "customer_id": ("INTEGER", "L3"),
    "amount": ("DOUBLE", "L1"),
    "status": ("VARCHAR", "L1"),
    "created_at": ("TIMESTAMP", "L1"),
    "email": ("VARCHAR", "L4"),
}


@pytest.fixture
def shop(settings, tmp_path, db):
    """Tables good/bad.orders and .customers in DuckDB, catalogued; returns {(schema, table): Dataset}."""
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "shop.duckdb")
    settings.WAREHOUSE_TOKEN_KEY = "test-key"
    datasets = {}
    with get_engine(EngineConfig(duckdb_path=settings.WAREHOUSE_DUCKDB_PATH)) as engine:
        for schema, rows in ORDERS.items():
            engine.execute(f"create schema {schema}")
            engine.execute(f"create table {schema}.customers as select * from range(1, 4) t(id)")  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
            engine.execute(
                f"create table {schema}.orders (id integer, customer_id integer, amount double, "
                "status varchar, created_at timestamp, email varchar)"
            )
            for oid, customer, amount, status, hours_old, email in rows:
                engine.execute(
                    f"insert into {schema}.orders values ($i, $c, $a, $s, $t, $e)",  # noqa: S608 # nosec B608 # names quoted by the engine, values bound
                    {
                        "i": oid,
                        "c": customer,
                        "a": amount,
                        "s": status,
                        "e": email,
                        "t": (NOW - timedelta(hours=hours_old)).replace(tzinfo=None),
                    },
                )
            for table in ("orders", "customers"):
                datasets[schema, table] = catalogue(f"warehouse.{schema}.{table}", Dataset.Layer.CURATED)
            for name, (kind, code) in ORDER_COLUMNS.items():
                Column.objects.create(
                    dataset=datasets[schema, "orders"], name=name, data_type=kind, classification=level(code)
                )
    return datasets


@pytest.fixture
def raw_folder(tmp_path, db):
    """A lake folder of Parquet files (hive partitions), catalogued as the change capture names it."""
    folder = tmp_path / "lake" / "raw" / "tickets"
    for day, ids in (("2026-11-29", [1, 2]), ("2026-11-30", [3, None])):
        (folder / f"date={day}").mkdir(parents=True)
        pq.write_table(
            pa.table({"ticket_id": pa.array(ids, pa.int64())}), folder / f"date={day}" / "part-1.parquet"
        )
    return Dataset.objects.create(namespace="file", name=str(folder), layer=Dataset.Layer.RAW)


def catalogue(name: str, layer: str) -> Dataset:
    return Dataset.objects.create(namespace=django_settings.WAREHOUSE_NAMESPACE, name=name, layer=layer)
