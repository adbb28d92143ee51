"""dbt import from a manifest that real dbt-core with dbt-duckdb produced for a small project."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Column, DataCheck, Dataset, LineageEdge
from catalog.services import DbtImportError, dbt_import

PROJECT = Path(__file__).with_name("dbt_project")


@pytest.fixture(scope="session")
def dbt_artifacts(tmp_path_factory):
    """Build the project once per session: seed, then build (models and tests)."""
    from dbt.cli.main import dbtRunner

    work = tmp_path_factory.mktemp("dbt")
    project = work / "project"
    shutil.copytree(PROJECT, project)
    (project / "profiles.yml").write_text(
        "catalog_test:\n  target: dev\n  outputs:\n    dev:\n"
        f"      type: duckdb\n      path: {work / 'warehouse.duckdb'}\n      threads: 1\n"
    )
    common = ["--project-dir", str(project), "--profiles-dir", str(project), "--log-path", str(work / "logs")]
    runner = dbtRunner()
    for command in (["seed"], ["build", "--exclude", "resource_type:seed"]):
        result = runner.invoke(
            ["--quiet", *command, *common, "--no-send-anonymous-usage-stats", "--no-version-check"]
        )
        assert result.success or command[0] == "build", result.exception
    return project / "target" / "manifest.json", project / "target" / "run_results.json"


@pytest.mark.django_db
def test_manifest_imports_models_sources_columns_and_lineage(dbt_artifacts, data_steward, settings):
    manifest, _ = dbt_artifacts
    report = dbt_import(manifest, actor=data_steward)
    names = set(Dataset.objects.values_list("namespace", "name"))
    duckdb = settings.WAREHOUSE_NAMESPACE  # DuckDB relations: a stable namespace, not the file's path
    assert {(duckdb, "warehouse.main.app_users"), (duckdb, "warehouse.main.stg_users")} <= names
    assert (duckdb, "warehouse.main.users_by_plan") in names
    stg = Dataset.objects.get(name="warehouse.main.stg_users")
    assert (stg.description, stg.layer, stg.classification.code) == (
        "One row per user, cleaned.",
        "cleansed",
        "L3",
    )
    assert Dataset.objects.get(name="warehouse.main.app_users").layer == "raw"
    assert Column.objects.get(dataset=stg, name="email").description == "Lower-cased e-mail."
    source_email = Column.objects.get(dataset__name="warehouse.main.app_users", name="email")
    assert source_email.classification.code == "L3"
    edges = {
        (e.input_dataset.name, e.output_dataset.name)
        for e in LineageEdge.objects.select_related("input_dataset", "output_dataset")
    }
    assert ("warehouse.main.app_users", "warehouse.main.stg_users") in edges
    assert ("warehouse.main.stg_users", "warehouse.main.users_by_plan") in edges
    assert report.checks == 3
    check = DataCheck.objects.get(test_type="not_null")
    assert (check.dataset, check.column.name, check.severity) == (stg, "user_id", "error")


@pytest.mark.django_db
def test_run_results_record_the_last_outcome_and_reimport_changes_nothing(dbt_artifacts, data_steward):
    manifest, run_results = dbt_artifacts
    dbt_import(manifest, run_results, actor=data_steward)
    statuses = dict(DataCheck.objects.values_list("test_type", "last_status"))
    assert statuses == {"not_null": "pass", "unique": "pass", "accepted_values": "warn"}
    warned = DataCheck.objects.get(test_type="accepted_values")
    assert warned.last_failures == 1 and warned.last_run_at is not None
    counts = (
        Dataset.objects.count(),
        Column.objects.count(),
        LineageEdge.objects.count(),
        DataCheck.objects.count(),
    )
    second = dbt_import(manifest, run_results, actor=data_steward)
    assert second.datasets_created == 0
    assert counts == (
        Dataset.objects.count(),
        Column.objects.count(),
        LineageEdge.objects.count(),
        DataCheck.objects.count(),
    )


@pytest.mark.django_db
def test_command_imports_and_reports(dbt_artifacts, capsys):
    manifest, run_results = dbt_artifacts
    call_command("catalog_import_dbt", str(manifest), "--run-results", str(run_results))
    out = capsys.readouterr().out
    assert "checks: 3; results recorded: 3" in out
    assert Dataset.objects.filter(source="dbt").count() >= 3


@pytest.mark.django_db
def test_wrong_files_are_refused_and_nothing_is_imported(tmp_path, dbt_artifacts):
    manifest, _ = dbt_artifacts
    old = json.loads(manifest.read_text())
    old["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v7.json"
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(CommandError, match=r"v7\.json' is not supported"):
        call_command("catalog_import_dbt", str(tmp_path / "old.json"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("catalog_import_dbt", str(tmp_path / "broken.json"))
    with pytest.raises(DbtImportError, match="run results"):
        dbt_import(manifest, tmp_path / "broken.json", actor=None)
    assert not Dataset.objects.exists()
