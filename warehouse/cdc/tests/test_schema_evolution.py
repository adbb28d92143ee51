"""Schema changes at the source become schema versions, new lake files and catalog events."""

import duckdb
import pytest
from django.core.management import call_command

from warehouse.cdc.models import CdcEvent, CdcSchemaVersion, CdcSource
from warehouse.cdc.tests.conftest import execute
from warehouse.cdc.tests.test_capture import consume, setup_source

pytestmark = [pytest.mark.services("postgres"), pytest.mark.django_db]


def read(lake_dir, table):
    """The raw table as the cleansed layer reads it (DuckDB, union_by_name over every file)."""
    with duckdb.connect() as con:
        cur = con.execute(
            f"select * from read_parquet('{lake_dir}/raw/{table}/*/*.parquet', hive_partitioning = true,"  # noqa: S608
            " union_by_name = true) order by _lsn"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def versions(table):
    return list(CdcSchemaVersion.objects.filter(table=table).order_by("version"))


@pytest.fixture
def sink_calls(settings):
    calls = []
    settings.CDC_CATALOG_SINK = "warehouse.cdc.tests.test_schema_evolution.remember"
    remember.calls = calls
    return calls


def remember(*, events, source, reason):
    remember.calls.append((reason, events))


def test_added_column_is_a_new_version_and_old_rows_read_null(source_dsn, lake_dir, sink_calls):
    setup_source(source_dsn)
    execute(source_dsn, "insert into users values (1, 1, 'a@x.example', now())")
    execute(source_dsn, "alter table users add column locale text",
            "insert into users values (2, 1, 'b@x.example', now(), 'de-DE')")  # fmt: skip
    consume()

    v1, v2 = versions("users")
    assert (v1.version, v2.version) == (1, 2) and v2.changes == {"added": ["locale"]}
    assert [c["name"] for c in v2.columns][-1] == "locale" and v2.first_lsn > v1.first_lsn
    rows = read(lake_dir, "users")
    assert [(r["user_id"], r["locale"]) for r in rows] == [(1, None), (2, "de-DE")]
    schema_events = [e for reason, e in sink_calls if reason == "schema_change"]
    fields = schema_events[-1][0]["outputs"][0]["facets"]["schema"]["fields"]
    assert "locale" in [f["name"] for f in fields]
    assert schema_events[-1][0]["outputs"][0]["facets"]["custodian_schemaChange"]["added"] == ["locale"]
    assert CdcEvent.objects.filter(kind=CdcEvent.Kind.SCHEMA, message__contains="users v2").exists()


def test_dropped_column_and_widened_types(source_dsn, lake_dir):
    setup_source(source_dsn)
    execute(source_dsn, "alter table tenants add column seats integer",
            "insert into tenants values (1, 'Acme', 'growth', 5)")  # fmt: skip
    execute(source_dsn, "alter table tenants alter column name type varchar(200)",
            "alter table tenants alter column seats type bigint",
            f"insert into tenants values (2, '{'B' * 150}', 'starter', 9000000000)")  # fmt: skip  # noqa: S608
    execute(source_dsn, "alter table tenants drop column tier", "insert into tenants values (3, 'Gamma', 1)")
    consume()

    changes = [v.changes for v in versions("tenants")]
    assert changes[1:] == [
        {"added": ["seats"]},
        {"retyped": [{"column": "name", "from": "character varying(40)", "to": "character varying(200)"},
                     {"column": "seats", "from": "integer", "to": "bigint"}]},
        {"dropped": ["tier"]},
    ]  # fmt: skip
    rows = read(lake_dir, "tenants")
    assert [(r["tenant_id"], r["tier"], r["seats"]) for r in rows] == [
        (1, "growth", 5), (2, "starter", 9_000_000_000), (3, None, 1)
    ]  # fmt: skip
    assert len(rows[1]["name"]) == 150


def test_new_table_in_the_publication(source_dsn, lake_dir, sink_calls):
    setup_source(source_dsn)
    execute(source_dsn, "create table assets (asset_id bigint primary key, site text)")
    call_command("cdc_setup", "--source", "wo", "--table", "public.users", "--table", "public.tenants",
                 "--table", "public.assets", "--replica-identity-full")  # fmt: skip
    execute(source_dsn, "insert into assets values (5, 'site-1')")
    consume()

    assert CdcSource.objects.get(name="wo").tables[-1] == "public.assets"
    (v1,) = versions("assets")
    assert v1.changes == {"new_table": "public.assets"} and v1.source_table == "public.assets"
    assert [(r["_op"], r["asset_id"], r["site"]) for r in read(lake_dir, "assets")] == [("c", 5, "site-1")]
    outputs = [e[0]["outputs"][0]["name"] for reason, e in sink_calls if reason == "schema_change"]
    assert f"{lake_dir}/raw/assets" in outputs
