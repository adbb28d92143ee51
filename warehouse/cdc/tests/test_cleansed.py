"""The dbt cleansed layer reads what CDC writes: snapshot, changes, a truncate, a new column."""

import pytest

from warehouse.cdc.tests.conftest import execute
from warehouse.cdc.tests.test_capture import consume, setup_source
from warehouse.dbt_runner import run
from warehouse.tests.conftest import engine_for, make_target

pytestmark = [pytest.mark.services("postgres"), pytest.mark.django_db]

TENANTS = (
    "create table tenants (tenant_id bigint primary key, name text, tier text, icp_segment text,"
    " region text, created_at timestamptz)"
)


def test_stg_tenants_builds_from_captured_changes_and_honours_a_truncate(source_dsn, settings, tmp_path):
    target = make_target(tmp_path / "wh")
    settings.LAKE_URL = target.lake_url
    execute(source_dsn, "drop table tenants", TENANTS,
            "insert into tenants values (1, 'Acme', 'starter', 'smb', 'us', now())")  # fmt: skip
    setup_source(source_dsn, tables=["public.tenants"])
    execute(
        source_dsn,
        "update tenants set tier = 'growth' where tenant_id = 1",
        "insert into tenants values (2, 'Beta', 'starter', 'smb', 'eu', now())",
        "truncate tenants",
        "insert into tenants values (3, 'Gamma', 'enterprise', 'enterprise', 'apac', now())",
        "update tenants set region = 'eu' where tenant_id = 3",
    )
    consume()

    result = run(target, "run", select=["stg_tenants"])  # the model alone: its downstream tests need marts
    assert result.success, result.summary()
    with engine_for(target) as engine:
        rows = engine.query("select tenant_id, tier, region from cleansed.stg_tenants").to_pylist()
    assert rows == [{"tenant_id": 3, "tier": "enterprise", "region": "eu"}]
