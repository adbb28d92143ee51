"""After a warehouse run, the catalog knows every model, its columns and its lineage: nobody types it."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import ColumnLineageEdge, Dataset, LineageEdge, LineageEvent
from catalog.selectors import impact_get
from warehouse.models import WarehouseModel

pytestmark = pytest.mark.django_db


def test_a_run_puts_every_model_and_its_lineage_in_the_catalog(warehouse_dirs, settings, caplog):
    assert settings.WAREHOUSE_LINEAGE_SINK == "warehouse.catalog_sink.warehouse_run_to_catalog"
    call_command("warehouse_generate", "--tenants", "3", "--months", "2", "--seed", "5")
    call_command("warehouse_run")
    models = set(WarehouseModel.objects.values_list("name", flat=True))
    named = {name.rsplit(".", 1)[-1] for name in Dataset.objects.values_list("name", flat=True)}
    assert models and models <= named, sorted(models - named)
    # table level for every model: each one has an upstream edge
    with_inputs = {
        name.rsplit(".", 1)[-1]
        for name in LineageEdge.objects.values_list("output_dataset__name", flat=True).distinct()
    }
    assert models - with_inputs <= {"dim_time"}, sorted(models - with_inputs)  # dim_time has no input
    # column level for the curated star schema
    curated = {
        name.rsplit(".", 1)[-1]
        for name in ColumnLineageEdge.objects.values_list(
            "output_column__dataset__name", flat=True
        ).distinct()
    }
    assert {"fact_work_order_event", "fact_billing_event", "dim_tenant"} <= curated
    events = LineageEvent.objects.count()
    call_command("warehouse_run")  # a second run adds its own events, never duplicates datasets
    assert LineageEvent.objects.count() > events
    assert Dataset.objects.values("namespace", "name").distinct().count() == Dataset.objects.count()
    assert "refused by the catalog" not in caplog.text  # every event passed the spec validation


def test_each_table_is_one_dataset_whoever_reports_it(warehouse_dirs, settings):
    """The run's events, its dbt artifacts and a dbt import by hand all name a table the same way."""
    call_command("warehouse_generate", "--tenants", "2", "--months", "1", "--seed", "5")
    call_command("warehouse_run")
    target = Path(settings.WAREHOUSE_WORK_DIR) / "target"
    call_command(
        "catalog_import_dbt", str(target / "manifest.json"), "--run-results", str(target / "run_results.json")
    )
    models = set(WarehouseModel.objects.values_list("name", flat=True))
    per_model = Counter(name.rsplit(".", 1)[-1] for name in Dataset.objects.values_list("name", flat=True))
    assert models and {model: per_model[model] for model in models} == dict.fromkeys(models, 1)
    # the dbt import's description and layer and the events' columns and rows meet on one row
    fact = Dataset.objects.get(name__endswith=".fact_billing_event")
    assert fact.description and fact.layer == "curated" and fact.row_count is not None
    assert fact.columns.exclude(data_type="").exists()
    assert settings.WAREHOUSE_DUCKDB_PATH not in "".join(Dataset.objects.values_list("namespace", flat=True))
    # the lake's raw tables: one dataset each, read by the staging models
    tenants = Dataset.objects.filter(name__endswith="raw/tenants") | Dataset.objects.filter(
        name__endswith=".raw.tenants"
    )
    assert tenants.count() == 1
    staging = Dataset.objects.get(name__endswith=".stg_tenants")
    assert LineageEdge.objects.filter(input_dataset=tenants.get(), output_dataset=staging).exists()
    # so impact analysis crosses from a mart back to the lake without a seam
    mart = Dataset.objects.get(name__endswith=".mart_mrr_tenant_month")
    upstream = impact_get(kind="dataset", start=mart, direction="upstream", depth=10)
    assert any(node["name"].startswith("file/") for node in upstream["nodes"])
