"""After a pipeline run every warehouse table and column has a level, from the dbt project's meta,
its column lineage or a steward; the catalog's levels of raw columns drive what dbt tokenises."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import Column, Dataset
from catalog.selectors import warehouse_level_gaps
from catalog.services import column_classify, dataset_update
from catalog.services.dbt import dbt_import
from catalog.services.warehouse_levels import warehouse_columns, warehouse_datasets
from catalog.tests.factories import level
from warehouse import config
from warehouse.catalog_sink import warehouse_run_to_catalog
from warehouse.column_policies import catalog_column_policies
from warehouse.models import JobRun

pytestmark = pytest.mark.django_db
TENANT_MARTS = [
    "mart_work_orders_tenant_month",
    "mart_work_order_cycle",
    "mart_agent_tenant_month",
    "mart_support_tenant_month",
    "mart_support_resolution",
]
SEGMENT_MARTS = ["mart_mrr_segment_month", "mart_retention_segment", *TENANT_MARTS]


def column(table: str, name: str) -> Column:
    return Column.objects.select_related("classification").get(dataset__name__endswith=table, name=name)


def mart_levels(mart: str):
    columns = Column.objects.filter(dataset__name__endswith=f".{mart}")
    return columns.values_list("classification__code", flat=True)


def state(table: str, name: str) -> tuple[str | None, str]:
    found = column(table, name)
    return (found.classification.code if found.classification else None), found.classification_source


def reimport(run: JobRun, settings, manifest_path=None) -> None:
    """The run's sink again, on its own artifacts (as a retried sink would)."""
    artifacts = Path(settings.WAREHOUSE_WORK_DIR) / "runs" / str(run.pk)
    warehouse_run_to_catalog(
        events=[],
        manifest_path=str(manifest_path or artifacts / "manifest.json"),
        run_results_path=str(artifacts / "run_results.json"),
        job_run_id=run.pk,
    )


def test_after_a_run_every_warehouse_table_and_column_has_a_level(
    warehouse_dirs, settings, data_steward, capsys
):
    call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "4")
    call_command("warehouse_run")
    run = JobRun.objects.get()

    assert warehouse_datasets().count() >= 39  # 28 models, the snapshot, 10 lake sources
    assert warehouse_columns().count() > 250
    assert not warehouse_level_gaps()
    call_command("catalog_level_gaps")
    assert "Every warehouse table and column has a level." in capsys.readouterr().out
    # declared in the dbt project: folder defaults and personal columns, raw and cleansed
    assert {d.classification.code for d in warehouse_datasets().select_related("classification")} == {"L2"}
    assert state("raw/users", "email") == ("L3", "dbt_meta")
    assert state("raw/users", "full_name") == ("L3", "dbt_meta")
    assert state(".stg_users", "email") == ("L3", "dbt_meta")  # the token keeps the address's level
    assert not Column.objects.filter(dataset__name__endswith=".stg_users", name="full_name").exists()
    # derived: along the star schema's column lineage, else the table's level
    assert state(".dim_user", "email") == ("L3", "lineage")
    assert state(".dim_asset", "serial_number") == ("L3", "lineage")
    assert state(".fact_work_order_event", "tenant_id") == ("L2", "lineage")
    assert state(".mart_revenue_monthly", "mrr") == ("L2", "table")
    # the segment and tenant marts: every column has a level, tenant_id the one the other marts give it
    for mart in SEGMENT_MARTS:
        levels = list(mart_levels(mart))
        assert len(levels) >= 5 and None not in levels, mart
    for mart in TENANT_MARTS:
        assert (
            state(f".{mart}", "tenant_id") == state(".mart_mrr_tenant_month", "tenant_id") == ("L2", "table")
        )

    # A steward's choices survive the next import; what derives from them follows.
    column_classify(column=column(".stg_users", "email"), classification=level("L4"), actor=data_steward)
    column_classify(column=column(".dim_user", "role"), classification=level("L3"), actor=data_steward)
    mart = Dataset.objects.get(name__endswith=".mart_engagement_monthly")
    dataset_update(dataset=mart, classification=level("L1"), actor=data_steward)
    reimport(run, settings)
    assert state(".stg_users", "email") == ("L4", "steward")
    assert state(".dim_user", "role") == ("L3", "steward")
    assert state(".dim_user", "email") == ("L4", "lineage")
    mart.refresh_from_db()
    assert (mart.classification.code, mart.classification_source) == ("L1", "steward")
    assert state(".mart_engagement_monthly", "active_users") == ("L1", "table")

    # A declaration taken out of the YAML no longer holds: the column derives its level again.
    manifest = json.loads(
        (Path(settings.WAREHOUSE_WORK_DIR) / "runs" / str(run.pk) / "manifest.json").read_text()
    )
    del manifest["nodes"]["model.custodian.stg_assets"]["columns"]["serial_number"]["meta"]["classification"]
    del manifest["nodes"]["model.custodian.stg_assets"]["columns"]["serial_number"]["config"]["meta"][
        "classification"
    ]
    edited = warehouse_dirs / "edited-manifest.json"
    edited.write_text(json.dumps(manifest))
    dbt_import(edited, actor=data_steward)
    assert state(".stg_assets", "serial_number") == (None, "")
    reimport(run, settings, manifest_path=edited)
    assert state(".stg_assets", "serial_number") == ("L2", "table")


def test_the_catalogs_levels_of_raw_columns_decide_what_the_cleansed_layer_tokenises_or_drops(
    warehouse_dirs, settings, data_steward
):
    assert settings.WAREHOUSE_COLUMN_POLICIES == "warehouse.column_policies.catalog_column_policies"
    assert catalog_column_policies() == {  # an empty catalog: the project's defaults
        "users": {"email": "tokenise", "full_name": "drop"},
        "assets": {"serial_number": "tokenise"},
        "support_tickets": {},
    }
    call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "4")
    call_command("warehouse_run", "--model", "stg_users")  # brings the raw columns into the catalog
    role = Column.objects.create(dataset=Dataset.objects.get(name__endswith="raw/users"), name="role")
    column_classify(column=role, classification=level("L4"), actor=data_steward)
    column_classify(column=column("raw/users", "email"), classification=level("L2"), actor=data_steward)
    assert catalog_column_policies()["users"] == {"email": "tokenise", "full_name": "drop", "role": "drop"}

    # stg_users is incremental: a tightened policy reaches the rows already stored on a full refresh
    call_command("warehouse_run", "--model", "stg_users", "--full-refresh")
    with config.engine() as engine:
        columns = {c.name for c in engine.describe("cleansed.stg_users")}
        emails = engine.query("select email from cleansed.stg_users").column("email").to_pylist()
    assert "role" not in columns and "full_name" not in columns
    # lowering a level in the catalog does not loosen the project's default: still tokenised
    assert emails and all(len(e) == 64 and "@" not in e for e in emails)
