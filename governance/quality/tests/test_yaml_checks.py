"""Checks kept in YAML beside the dbt project: loaded idempotently, removals disabled, errors named."""

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from catalog.models import Dataset
from governance.models import QualityCheck
from governance.quality.yaml_checks import quality_yaml_sync
from warehouse.dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.django_db


def write(folder: Path, checks: list[dict]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "checks.yml").write_text(yaml.safe_dump({"checks": checks}))
    return folder


def test_loading_twice_changes_nothing_and_a_removed_entry_is_disabled(tmp_path):
    Dataset.objects.create(namespace="duckdb://custodian", name="warehouse.curated.fact_x")
    entry = {
        "name": "x_ids",
        "dataset": "curated.fact_x",
        "column": "id",
        "type": "unique",
        "severity": "error",
    }
    folder = write(tmp_path / "q", [entry, {"name": "gone", "dataset": "fact_x", "type": "row_count"}])
    assert quality_yaml_sync(str(folder))["created"] == 2
    assert quality_yaml_sync(str(folder))["unchanged"] == 2
    write(folder, [{**entry, "severity": "warn"}])
    counts = quality_yaml_sync(str(folder))
    assert (counts["updated"], counts["disabled"]) == (1, 1)
    check = QualityCheck.objects.get(source_key="checks.yml:x_ids")
    assert (check.severity, check.source, check.enabled) == ("warn", "yaml", True)
    assert not QualityCheck.objects.get(source_key="checks.yml:gone").enabled


def test_a_dataset_the_catalog_does_not_know_is_skipped_and_a_bad_type_refused(tmp_path):
    folder = write(tmp_path / "q", [{"name": "a", "dataset": "nowhere", "type": "unique"}])
    assert quality_yaml_sync(str(folder))["skipped"] == 1 and not QualityCheck.objects.exists()
    Dataset.objects.create(namespace="duckdb://custodian", name="warehouse.curated.fact_x")
    write(folder, [{"name": "b", "dataset": "fact_x", "type": "looks_fine"}])
    with pytest.raises(ValidationError, match="type must be one of"):
        quality_yaml_sync(str(folder))
    assert not QualityCheck.objects.exists()


def test_the_shipped_checks_load_against_the_warehouse_datasets():
    for name in ["curated.fact_work_order_event", "curated.fact_usage_event", "curated.dim_tenant"]:
        Dataset.objects.create(namespace="duckdb://custodian", name=f"warehouse.{name}")
    Dataset.objects.create(namespace="file", name="/lake/raw/work_order_events")
    counts = quality_yaml_sync(str(PROJECT_DIR / "quality"))
    assert counts["created"] == len(
        yaml.safe_load((PROJECT_DIR / "quality/checks.yml").read_text())["checks"]
    )
