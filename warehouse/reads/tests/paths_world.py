"""The warehouse the path tests read: a DuckDB file where settings point (or the same tables in a
BigQuery emulator project, `paths_world_bigquery`), one column per level.

`marts.mart_levels` holds rows of two tenants and a column at each level L0..L4 plus one the
catalog leaves unclassified; `curated.dim_people` is a curated table (executives may not read it).
The catalog rows come from `catalog/tests/factories.py`, named as the pipeline names them.
"""

import hashlib
import os
import uuid
from datetime import timedelta

import pyarrow as pa
import pytest
from django.utils import timezone

from accounts.grants import access_grant_create, access_grant_objects_add
from catalog.models import Dataset
from catalog.tests.factories import ColumnFactory, DatasetFactory, level
from warehouse import config
from warehouse.engine import EngineConfig, get_engine
from warehouse.reads.catalog_lookup import catalog_identity
from warehouse.reads.models import TenantKey

MART = "marts.mart_levels"
CURATED = "curated.dim_people"
# column -> catalog level (None: unclassified)
LEVEL_COLUMNS = {"c_l0": "L0", "c_l1": "L1", "c_l2": "L2", "c_l3": "L3", "c_l4": "L4", "c_unclassified": None}
ROWS = [
    {"row_id": 1, "tenant_id": 1, "c_l0": "public-1", "c_l1": "internal-1", "c_l2": "confidential-1",
     "c_l3": "ann@acme.test", "c_l4": "J45", "c_unclassified": "note-1"},
    {"row_id": 2, "tenant_id": 1, "c_l0": "public-2", "c_l1": "internal-2", "c_l2": "confidential-2",
     "c_l3": "bob@acme.test", "c_l4": "E11", "c_unclassified": "note-2"},
    {"row_id": 3, "tenant_id": 2, "c_l0": "public-3", "c_l1": "internal-3", "c_l2": "confidential-3",
     "c_l3": "cy@globex.test", "c_l4": "I10", "c_unclassified": "note-3"},
]  # fmt: skip
TENANT_OF_CUSTOMER = 1
TYPES = {"duckdb": ("BIGINT", "VARCHAR"), "bigquery": ("INT64", "STRING")}  # (integer, text) per engine
TOKEN_KEY = "paths-test-key"


def token(value: str) -> str:
    """The keyed hash the L3 masking must give, computed here independently of the read path."""
    return hashlib.sha256(f"{TOKEN_KEY}|{value}".encode()).hexdigest()


@pytest.fixture(name="paths_world")
def paths_world_fixture(db, settings, tmp_path, customer_viewer):
    """Fixture `paths_world` (import this function to use it): the warehouse file and its catalog,
    the customer viewer's organisation linked to tenant 1. Returns the mart's Dataset."""
    settings.WAREHOUSE_BACKEND = "duckdb"
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "warehouse.duckdb")
    settings.WAREHOUSE_TOKEN_KEY = TOKEN_KEY
    with config.engine() as engine:  # closed before any read: the read path opens it read-only
        _write_tables(engine)
    return _catalog_and_tenant(customer_viewer)


@pytest.fixture(scope="module", name="paths_bigquery_project")
def paths_bigquery_project_fixture():
    """A fresh BigQuery emulator project holding the same tables (written once per module)."""
    project = f"custodian-{uuid.uuid4().hex[:10]}"
    emulator = os.environ.get("BIGQUERY_EMULATOR_HOST", "")
    with get_engine(
        EngineConfig(backend="bigquery", bigquery_project=project, bigquery_endpoint=emulator)
    ) as engine:
        _write_tables(engine)
    return project, emulator


@pytest.fixture(name="paths_world_bigquery")
def paths_world_bigquery_fixture(db, settings, customer_viewer, paths_bigquery_project):
    """`paths_world` on the BigQuery emulator: settings point at its project, the catalog names the
    tables as the pipeline names them there (namespace "bigquery", `project.dataset.table`)."""
    settings.WAREHOUSE_BACKEND = "bigquery"
    settings.WAREHOUSE_BIGQUERY_PROJECT, settings.WAREHOUSE_BIGQUERY_ENDPOINT = paths_bigquery_project
    settings.WAREHOUSE_TOKEN_KEY = TOKEN_KEY
    return _catalog_and_tenant(customer_viewer)


def _write_tables(engine) -> None:
    engine.write_arrow(MART, pa.Table.from_pylist(ROWS))
    engine.write_arrow(CURATED, pa.Table.from_pylist([{"person_id": 1, "name": "Ann"}]))


def _catalog_and_tenant(customer_viewer) -> Dataset:
    mart = catalog_dataset(MART, Dataset.Layer.MART, {"row_id": "L0", "tenant_id": "L0", **LEVEL_COLUMNS})
    catalog_dataset(CURATED, Dataset.Layer.CURATED, {"person_id": "L0", "name": "L2"})
    TenantKey.objects.create(organization=customer_viewer.organization, tenant_id=TENANT_OF_CUSTOMER)
    return mart


def catalog_dataset(table: str, layer: str, columns: dict) -> Dataset:
    """The table as the pipeline names it in the catalog for the configured engine (catalog/naming.py)."""
    engine_config = config.engine_config()
    namespace, name = catalog_identity(table, engine_config)
    dataset = DatasetFactory(namespace=namespace, name=name, layer=layer)
    integer, text = TYPES[engine_config.backend]
    for position, (column, code) in enumerate(columns.items(), 1):
        data_type = integer if column.endswith("_id") else text
        ColumnFactory(dataset=dataset, name=column, data_type=data_type, ordinal_position=position,
                      classification=level(code) if code else None)  # fmt: skip
    return dataset


def grant_dataset(user, dataset, actor):
    """A live grant listing `dataset`, as an engagement gives an auditor."""
    now = timezone.now()
    grant = access_grant_create(user=user, scope=dataset, valid_from=now - timedelta(hours=1),
                                valid_until=now + timedelta(days=7), actor=actor)  # fmt: skip
    access_grant_objects_add(grant=grant, objects=[dataset])
    return grant
