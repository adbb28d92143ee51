"""A small DuckDB warehouse built in each test, and its catalog entries with one column per level."""

from datetime import timedelta

import pyarrow as pa
import pytest
from django.conf import settings
from django.utils import timezone

from accounts.grants import access_grant_create, access_grant_objects_add
from accounts.tests.factories import OrganizationFactory
from catalog.models import Dataset
from catalog.tests.factories import ColumnFactory, DatasetFactory, level
from warehouse.engine import EngineConfig, get_engine
from warehouse.reads.models import TenantKey

TABLE = "marts.mart_patients"
# (name, type, level code or None for unclassified, pii category)
COLUMNS = [
    ("tenant_id", "BIGINT", "L0", ""),
    ("month", "VARCHAR", "L0", ""),
    ("revenue", "DOUBLE", "L1", "financial"),
    ("account_name", "VARCHAR", "L2", ""),
    ("email", "VARCHAR", "L3", "direct_identifier"),
    ("diagnosis", "VARCHAR", "L4", "health"),
    ("notes", "VARCHAR", None, ""),
]
ROWS = [
    (1, "2026-01", 100.0, "Acme", "a@acme.test", "J45", "first"),
    (1, "2026-02", 150.0, "Acme", "b@acme.test", "E11", "second"),
    (2, "2026-01", 70.0, "Globex", "c@globex.test", "I10", "third"),
]


@pytest.fixture
def warehouse(tmp_path):
    """An open read-write engine on a fresh DuckDB file named `wh` holding TABLE and a curated table."""
    engine = get_engine(EngineConfig(backend="duckdb", duckdb_path=str(tmp_path / "wh.duckdb")))
    names = [name for name, *_ in COLUMNS]
    engine.write_arrow(TABLE, pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in ROWS]))
    engine.execute("create schema curated")
    engine.execute("create table curated.dim_tenant as select 1 as tenant_id, 'Acme' as name")
    yield engine
    engine.close()


@pytest.fixture
def catalog(db):
    """The catalog entries of the warehouse fixture (namespace and `wh.schema.table` names)."""
    dataset = DatasetFactory(
        namespace=settings.WAREHOUSE_NAMESPACE, name=f"wh.{TABLE}", layer=Dataset.Layer.MART
    )
    for position, (name, type_, code, pii) in enumerate(COLUMNS, 1):
        ColumnFactory(
            dataset=dataset,
            name=name,
            data_type=type_,
            ordinal_position=position,
            classification=level(code) if code else None,
            pii_category=pii,
        )
    curated = DatasetFactory(
        namespace=settings.WAREHOUSE_NAMESPACE, name="wh.curated.dim_tenant", layer=Dataset.Layer.CURATED
    )
    ColumnFactory(dataset=curated, name="tenant_id", data_type="INTEGER", classification=level("L0"))
    ColumnFactory(dataset=curated, name="name", data_type="VARCHAR", classification=level("L2"))
    return dataset


@pytest.fixture
def tenants(db):
    """Organisations linked to warehouse tenants 1 and 2."""
    acme = OrganizationFactory(name="Acme", slug="acme")
    globex = OrganizationFactory(name="Globex", slug="globex")
    TenantKey.objects.create(organization=acme, tenant_id=1)
    TenantKey.objects.create(organization=globex, tenant_id=2)
    return acme, globex


def grant_dataset(user, dataset, actor):
    """A live grant for `user` on `dataset` (as the auditor portal gives one)."""
    now = timezone.now()
    grant = access_grant_create(
        user=user,
        scope=dataset,
        valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=7),
        actor=actor,
    )
    access_grant_objects_add(grant=grant, objects=[dataset])
    return grant
