"""The demo's warehouse access: tenant keys, the auditor's granted mart, reads logged once."""

from datetime import timedelta

import pyarrow as pa
from django.utils import timezone

from accounts.demo import seed_accounts
from accounts.grants import access_grant_create, granted
from accounts.models import Organization, User
from catalog.models import Dataset
from warehouse import config
from warehouse.demo import TENANTS
from warehouse.reads.demo import GRANTED_TABLE, seed_warehouse_access
from warehouse.reads.models import AccessLog, TenantKey
from warehouse.reads.tests.paths_world import catalog_dataset

# Small stand-ins for the demo marts the demo reads (the real ones need a dbt build).
TABLES = {
    "marts.mart_revenue_monthly": ({"month_start": ["2026-11", "2026-12"], "revenue": [10.0, 12.0]},
                                   {"month_start": "L0", "revenue": "L1"}),
    "marts.mart_mrr_tenant_month": ({"tenant_id": [1, 2], "month_start": ["2026-12"] * 2, "mrr": [5.0, 7.0]},
                                    {"tenant_id": "L0", "month_start": "L0", "mrr": "L1"}),
    "curated.dim_user": ({"user_id": [1], "tenant_id": [1], "email_hash": ["ab12"]},
                         {"user_id": "L0", "tenant_id": "L0", "email_hash": "L3"}),
}  # fmt: skip
LAYERS = {"marts": Dataset.Layer.MART, "curated": Dataset.Layer.CURATED}


def _demo_warehouse(settings, tmp_path):
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "warehouse.duckdb")
    with config.engine() as engine:
        for table, (data, _) in TABLES.items():
            engine.write_arrow(table, pa.table(data))
    for table, (_, levels) in TABLES.items():
        catalog_dataset(table, LAYERS[table.split(".")[0]], levels)


def test_demo_links_customers_to_tenants_grants_the_auditor_a_mart_and_reads_once(db, settings, tmp_path):
    seed_accounts()
    _demo_warehouse(settings, tmp_path)
    auditor, officer = User.objects.get(username="auditor"), User.objects.get(username="compliance")
    now = timezone.now()
    # The demo auditor's engagement grant (portal.demo makes it; the scope does not matter here).
    access_grant_create(user=auditor, scope=Organization.objects.first(), valid_from=now,
                        valid_until=now + timedelta(days=30), actor=officer)  # fmt: skip

    summary = seed_warehouse_access()

    keys = dict(TenantKey.objects.values_list("tenant_id", "organization__name"))
    assert len(keys) == TENANTS  # every demo warehouse tenant has its organisation
    assert [keys[i] for i in (1, 2, 3, 4, 5, 6)] == [
        "Helix Pharma", "Northwind Biologics", "Meridian Devices", "Apex Clinical CRO",
        "Acacia Therapeutics", "Bristlecone Biosciences",
    ]  # fmt: skip
    mart = Dataset.objects.get(name=f"warehouse.{GRANTED_TABLE}")
    assert list(granted(Dataset.objects.all(), auditor)) == [mart]
    logged = {log.user.username: log for log in AccessLog.objects.filter(job="seed_demo")}
    assert {name: log.outcome for name, log in logged.items()} == {
        "executive": "allowed", "steward": "allowed", "customer": "allowed", "auditor": "allowed",
        "submissions": "denied",
    }  # fmt: skip
    assert logged["customer"].row_count == 1  # Helix Pharma is tenant 1: its own row only
    assert logged["steward"].masked_columns == ["curated.dim_user.email_hash"]
    assert summary.endswith("5 demo reads logged (1 refused)")

    assert seed_warehouse_access().endswith("demo reads already logged")
    assert AccessLog.objects.count() == 5 and TenantKey.objects.count() == TENANTS
