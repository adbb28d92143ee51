"""The governed read path on the BigQuery emulator gives what it gives on DuckDB, and the
authorized views mask as the read path does (docs/warehouse-access.md, "BigQuery").

The same rows (the DuckDB fixture of conftest.py) are loaded into a fresh emulator project, the
catalog lists the table under both engines' names, and every read runs on both.
Needs BIGQUERY_EMULATOR_HOST (`. .ci/bqemulator.sh`); skipped without it, failed under REQUIRE_SERVICES=1.
"""

import hashlib
import os
import uuid

import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from catalog.models import Dataset
from catalog.tests.factories import ColumnFactory, DatasetFactory, level
from warehouse.engine import EngineConfig, get_engine
from warehouse.reads.models import AccessLog, AccessPolicy, LevelMasking
from warehouse.reads.query import Aggregate, Filter, ReadDenied, ReadInvalid, ReadQuery
from warehouse.reads.service import governed_read
from warehouse.reads.tests.conftest import COLUMNS, ROWS, TABLE, grant_dataset

pytestmark = pytest.mark.services("bigquery")
BQ_TYPES = {"BIGINT": "INT64", "VARCHAR": "STRING", "DOUBLE": "FLOAT64"}
KEY = "test-token-key"


@pytest.fixture(scope="module")
def bigquery():
    """A fresh emulator project holding TABLE with the fixture's rows (loaded once per module)."""
    config = EngineConfig(
        backend="bigquery",
        bigquery_project=f"custodian-{uuid.uuid4().hex[:10]}",
        bigquery_endpoint=os.environ.get("BIGQUERY_EMULATOR_HOST", ""),
    )
    names = [name for name, *_ in COLUMNS]
    with get_engine(config) as engine:
        engine.write_arrow(TABLE, pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in ROWS]))
        yield engine


@pytest.fixture
def bq_catalog(catalog, bigquery, settings):
    """The same table as the catalog names it on BigQuery, with BigQuery's types."""
    settings.WAREHOUSE_TOKEN_KEY = KEY
    dataset = DatasetFactory(
        namespace="bigquery", name=f"{bigquery.config.bigquery_project}.{TABLE}", layer=Dataset.Layer.MART
    )
    for position, (name, type_, code, pii) in enumerate(COLUMNS, 1):
        ColumnFactory(
            dataset=dataset,
            name=name,
            data_type=BQ_TYPES[type_],
            ordinal_position=position,
            classification=level(code) if code else None,
            pii_category=pii,
        )
    return dataset


def token(value: str) -> str:
    """The pipeline's keyed token: SHA-256 of `key|value`, hex (warehouse/dbt/macros/governance.sql)."""
    return hashlib.sha256(f"{KEY}|{value}".encode()).hexdigest()


def both(user, query, warehouse, bigquery, purpose=AccessLog.Purpose.API):
    """(DuckDB rows, BigQuery rows) of the same governed read; floats rounded as engines differ."""

    def rows(engine):
        data = governed_read(user=user, purpose=purpose, query=query, engine=engine).data
        return [
            {k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in data.to_pylist()
        ]

    return rows(warehouse), rows(bigquery)


ALL_ROWS = ReadQuery(TABLE, order_by=("tenant_id", "month"))


@pytest.mark.django_db
def test_a_steward_reads_every_row_with_l3_hashed_and_l4_and_unclassified_nulled(
    data_steward, warehouse, bigquery, bq_catalog
):
    duck, bq = both(data_steward, ALL_ROWS, warehouse, bigquery)
    assert bq == duck
    assert [r["email"] for r in bq] == [token("a@acme.test"), token("b@acme.test"), token("c@globex.test")]
    assert {r["diagnosis"] for r in bq} == {None}  # L4: nulled
    assert {r["notes"] for r in bq} == {None}  # unclassified: handled as L4, never as L0
    assert [r["account_name"] for r in bq] == ["Acme", "Acme", "Globex"]  # L2: in clear
    logs = AccessLog.objects.filter(user=data_steward, engine="bigquery")
    assert [(log.outcome, log.row_count, sorted(log.masked_columns)) for log in logs] == [
        ("allowed", 3, sorted(f"{TABLE}.{c}" for c in ("email", "diagnosis", "notes")))
    ]


@pytest.mark.django_db
def test_partial_masking_shows_the_last_four_characters_on_both_engines(
    executive, warehouse, bigquery, bq_catalog
):
    LevelMasking.objects.filter(classification__code="L3").update(method="partial")
    duck, bq = both(
        executive, ReadQuery(TABLE, columns=("month", "email"), order_by=("month",)), warehouse, bigquery
    )
    assert bq == duck
    assert [r["email"] for r in bq] == ["****test", "****test", "****test"]


@pytest.mark.django_db
def test_a_customer_viewer_reads_only_the_rows_of_their_organisation(
    customer_viewer, tenants, warehouse, bigquery, bq_catalog
):
    acme, _ = tenants
    customer_viewer.organization = acme
    customer_viewer.save()
    duck, bq = both(customer_viewer, ALL_ROWS, warehouse, bigquery, AccessLog.Purpose.CUSTOMER_PORTAL)
    assert bq == duck
    assert [(r["tenant_id"], r["month"]) for r in bq] == [(1, "2026-01"), (1, "2026-02")]


@pytest.mark.django_db
def test_aggregates_filters_and_order_give_the_same_rows_on_both_engines(
    data_steward, warehouse, bigquery, bq_catalog
):
    query = ReadQuery(
        TABLE,
        columns=("tenant_id",),
        aggregates=(
            Aggregate("count", None, "rows"),
            Aggregate("count_distinct", "email", "people"),  # over the hashed values
            Aggregate("sum", "revenue", "revenue"),
            Aggregate("max", "email", "last_email"),
        ),
        filters=(Filter("month", "in", ["2026-01", "2026-02"]), Filter("revenue", ">=", 70)),
        order_by=("-revenue",),
        limit=5,
    )
    duck, bq = both(data_steward, query, warehouse, bigquery)
    assert bq == duck
    assert bq == [
        {
            "tenant_id": 1,
            "rows": 2,
            "people": 2,
            "revenue": 250.0,
            "last_email": max(token("a@acme.test"), token("b@acme.test")),
        },
        {"tenant_id": 2, "rows": 1, "people": 1, "revenue": 70.0, "last_email": token("c@globex.test")},
    ]


@pytest.mark.django_db
def test_a_filter_on_a_masked_column_compares_the_masked_value(data_steward, warehouse, bigquery, bq_catalog):
    query = ReadQuery(TABLE, columns=("month",), filters=(Filter("email", "=", "a@acme.test"),))
    duck, bq = both(data_steward, query, warehouse, bigquery)
    assert bq == duck == []  # the clear value never matches: the filter sees the token
    query = ReadQuery(TABLE, columns=("month",), filters=(Filter("email", "=", token("a@acme.test")),))
    assert both(data_steward, query, warehouse, bigquery) == ([{"month": "2026-01"}], [{"month": "2026-01"}])


@pytest.mark.django_db
def test_an_auditor_reads_on_bigquery_only_with_a_live_grant(
    auditor, compliance_officer, bigquery, bq_catalog
):
    with pytest.raises(ReadDenied, match="may not read"):
        governed_read(user=auditor, purpose=AccessLog.Purpose.AUDIT, query=ALL_ROWS, engine=bigquery)
    grant_dataset(auditor, bq_catalog, compliance_officer)
    data = governed_read(user=auditor, purpose=AccessLog.Purpose.AUDIT, query=ALL_ROWS, engine=bigquery).data
    assert data.num_rows == 3
    assert [log.outcome for log in AccessLog.objects.filter(user=auditor).order_by("id")] == [
        "denied",
        "allowed",
    ]


@pytest.mark.django_db
def test_bad_reads_are_refused_before_bigquery_and_logged_as_denied(
    outsider, data_steward, bigquery, bq_catalog
):
    before = bigquery.row_count(TABLE)
    with pytest.raises(ReadDenied):
        governed_read(user=outsider, purpose=AccessLog.Purpose.API, query=ALL_ROWS, engine=bigquery)
    with pytest.raises(ReadInvalid, match="Unknown column"):
        query = ReadQuery(TABLE, columns=("email; drop table x",))
        governed_read(user=data_steward, purpose=AccessLog.Purpose.API, query=query, engine=bigquery)
    with pytest.raises(ReadInvalid, match="Unknown warehouse table"):
        query = ReadQuery("marts.missing")
        governed_read(user=data_steward, purpose=AccessLog.Purpose.API, query=query, engine=bigquery)
    assert list(AccessLog.objects.values_list("outcome", flat=True)) == ["denied"] * 3
    assert bigquery.row_count(TABLE) == before


@pytest.fixture
def bq_settings(settings, bigquery):
    settings.WAREHOUSE_BACKEND = "bigquery"
    settings.WAREHOUSE_BIGQUERY_PROJECT = bigquery.config.bigquery_project
    settings.WAREHOUSE_BIGQUERY_ENDPOINT = bigquery.config.bigquery_endpoint
    return settings


def view_rows(bigquery, dataset: str, order: str = "tenant_id, month") -> list[dict]:
    return bigquery.query(
        f"select * from {bigquery.quote(f'{dataset}.mart_patients')} order by {order}"  # noqa: S608
    ).to_pylist()


@pytest.mark.django_db
def test_authorized_views_mask_as_the_read_path_does(
    executive, data_steward, bq_settings, bigquery, bq_catalog, warehouse
):
    call_command("warehouse_authorized_views")
    via_read = governed_read(user=executive, purpose=AccessLog.Purpose.API, query=ALL_ROWS, engine=bigquery)
    assert view_rows(bigquery, "governed_executive") == via_read.data.to_pylist()
    assert view_rows(bigquery, "governed_data_steward") == via_read.data.to_pylist()
    assert "token_key" not in str(
        bigquery.client.get_table(
            f"{bigquery.config.bigquery_project}.governed_executive.mart_patients"
        ).view_query
        or ""
    )
    assert view_datasets(bigquery) == [
        "governed_compliance_officer",
        "governed_customer_viewer",
        "governed_data_steward",
        "governed_executive",
    ]
    call_command("warehouse_authorized_views")  # again: replaced, not added twice
    assert view_datasets(bigquery) == [
        "governed_compliance_officer",
        "governed_customer_viewer",
        "governed_data_steward",
        "governed_executive",
    ]

    AccessPolicy.objects.filter(role__name="Executive").update(status=AccessPolicy.Status.RETIRED)
    call_command("warehouse_authorized_views")  # the executive's view goes, with its entry
    assert view_datasets(bigquery) == [
        "governed_compliance_officer",
        "governed_customer_viewer",
        "governed_data_steward",
    ]
    assert [
        t.table_id
        for t in bigquery.client.list_tables(f"{bigquery.config.bigquery_project}.governed_executive")
    ] == []


def view_datasets(bigquery) -> list[str]:
    """The governed datasets whose views are authorized on `marts`."""
    source = bigquery.client.get_dataset(f"{bigquery.config.bigquery_project}.marts")
    return sorted(e.entity_id["datasetId"] for e in source.access_entries if e.entity_type == "view")


@pytest.mark.django_db
def test_the_customer_viewers_view_filters_rows_on_the_signed_in_principal(
    customer_viewer, tenants, bq_settings, bigquery, bq_catalog
):
    acme, _ = tenants
    customer_viewer.organization = acme
    customer_viewer.email = "anonymous"  # the emulator's session_user(); BigQuery gives the e-mail
    customer_viewer.save()
    call_command("warehouse_authorized_views", role=["Customer viewer"])
    assert [(r["tenant_id"], r["email"]) for r in view_rows(bigquery, "governed_customer_viewer")] == [
        (1, token("a@acme.test")),
        (1, token("b@acme.test")),
    ]
    customer_viewer.is_active = False
    customer_viewer.save()
    call_command("warehouse_authorized_views", role=["Customer viewer"])
    assert view_rows(bigquery, "governed_customer_viewer") == []  # no member left: no rows


@pytest.mark.django_db
def test_the_command_refuses_another_backend_and_unknown_roles(settings, bq_settings):
    with pytest.raises(CommandError, match="No role named Nobody"):
        call_command("warehouse_authorized_views", role=["Nobody"])
    settings.WAREHOUSE_BACKEND = "duckdb"
    with pytest.raises(CommandError, match="BigQuery feature"):
        call_command("warehouse_authorized_views")


@pytest.mark.django_db
def test_median_and_p90_on_bigquery_are_values_of_the_data(data_steward, warehouse, bigquery, bq_catalog):
    """Revenues 100 and 150 (tenant 1), 70 (tenant 2). DuckDB interpolates (quantile_cont: tenant 1
    median 125, p90 145); BigQuery's APPROX_QUANTILES(x, 100)[OFFSET(n)] returns a value of the
    data, on inputs this small the exact nearest-rank one (median 100 or 150, p90 150)."""
    query = ReadQuery(
        TABLE,
        columns=("tenant_id",),
        aggregates=(Aggregate("median", "revenue", "median"), Aggregate("p90", "revenue", "p90")),
        order_by=("tenant_id",),
    )
    duck, bq = both(data_steward, query, warehouse, bigquery)
    assert duck == [
        {"tenant_id": 1, "median": 125.0, "p90": 145.0},
        {"tenant_id": 2, "median": 70.0, "p90": 70.0},
    ]
    assert bq[0]["median"] in (100.0, 150.0) and bq[0]["p90"] == 150.0
    assert bq[1] == {"tenant_id": 2, "median": 70.0, "p90": 70.0}
