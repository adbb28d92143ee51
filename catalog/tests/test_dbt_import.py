"""dbt import from a manifest that real dbt-core with dbt-duckdb produced for a small project."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry
from catalog.models import Column, DataCheck, Dataset, LineageEdge
from catalog.services import DbtImportError, dbt_import

PROJECT = Path(__file__).with_name("dbt_project")


def _build(work: Path, change=None) -> tuple[Path, Path]:
    """seed, build (models and tests), keep the build's run results, then `dbt docs generate`."""
    from dbt.cli.main import dbtRunner

    project = work / "project"
    shutil.copytree(PROJECT, project)
    if change:
        change(project)
    (project / "profiles.yml").write_text(
        "catalog_test:\n  target: dev\n  outputs:\n    dev:\n"
        f"      type: duckdb\n      path: {work / 'warehouse.duckdb'}\n      threads: 1\n"
    )
    common = ["--project-dir", str(project), "--profiles-dir", str(project), "--log-path", str(work / "logs")]
    runner = dbtRunner()
    target = project / "target"
    for command in (["seed"], ["build", "--exclude", "resource_type:seed"], ["docs", "generate"]):
        if command[0] == "docs":  # it writes its own run_results.json
            shutil.copy(target / "run_results.json", work / "run_results.json")
        result = runner.invoke(
            ["--quiet", *command, *common, "--no-send-anonymous-usage-stats", "--no-version-check"]
        )
        assert result.success or command[0] == "build", result.exception
    assert (target / "catalog.json").exists()
    return target / "manifest.json", work / "run_results.json"


@pytest.fixture(scope="session")
def dbt_artifacts(tmp_path_factory):
    """The project built once per session: manifest, run results, and catalog.json beside the manifest."""
    return _build(tmp_path_factory.mktemp("dbt"))


def _drop_plan_and_disable_marts(project: Path) -> None:
    """The next version of the project: stg_users loses `plan`, the marts are disabled."""
    staging = next((project / "models" / "staging").glob("*.sql"))
    staging.write_text("select id as user_id, lower(email) as email from {{ source('app', 'app_users') }}\n")
    schema = project / "models" / "schema.yml"
    plan_test = (
        "        data_tests:\n          - accepted_values:\n              arguments:\n"
        "                values: [free, pro]\n              config: {severity: warn}\n"
    )
    assert plan_test in schema.read_text()
    schema.write_text(schema.read_text().replace(plan_test, ""))  # `plan` stays documented
    with (project / "dbt_project.yml").open("a") as fh:
        fh.write("models:\n  catalog_test:\n    marts:\n      +enabled: false\n")


@pytest.fixture(scope="session")
def dbt_artifacts_v2(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("dbt2"), _drop_plan_and_disable_marts)


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
        AuditEntry.objects.count(),
    )
    second = dbt_import(manifest, run_results, actor=data_steward)
    assert second.datasets_created == 0
    assert counts == (  # nothing written, not even to the audit trail (a seed and its source agree)
        Dataset.objects.count(),
        Column.objects.count(),
        LineageEdge.objects.count(),
        DataCheck.objects.count(),
        AuditEntry.objects.count(),
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


def _columns(name: str) -> list[tuple]:
    return list(
        Column.objects.filter(dataset__name=name, removed_at__isnull=True).values_list(
            "name", "data_type", "ordinal_position"
        )
    )


@pytest.mark.django_db
def test_catalog_json_brings_every_column_with_its_type_sources_included(dbt_artifacts, data_steward):
    manifest, run_results = dbt_artifacts
    report = dbt_import(manifest, run_results, actor=data_steward)  # catalog.json found beside it
    assert report.catalog_used
    # The source documents only `email`; the catalog has all three, typed, in table order.
    assert _columns("warehouse.main.app_users") == [
        ("id", "INTEGER", 1),
        ("email", "VARCHAR", 2),
        ("plan", "VARCHAR", 3),
    ]
    assert _columns("warehouse.main.users_by_plan") == [("plan", "VARCHAR", 1), ("users", "BIGINT", 2)]
    email = Column.objects.get(dataset__name="warehouse.main.app_users", name="email")
    assert (email.description, email.classification.code) == ("Sign-in e-mail.", "L3")


@pytest.mark.django_db
def test_without_a_catalog_only_documented_columns_arrive(dbt_artifacts, tmp_path, data_steward):
    manifest, _ = dbt_artifacts
    alone = tmp_path / "manifest.json"
    shutil.copy(manifest, alone)
    assert not dbt_import(alone, actor=data_steward).catalog_used
    assert _columns("warehouse.main.app_users") == [("email", "", 1)]
    dbt_import(alone, actor=data_steward, catalog_path=manifest.with_name("catalog.json"))
    assert [c[0] for c in _columns("warehouse.main.app_users")] == ["id", "email", "plan"]


@pytest.mark.django_db
def test_command_takes_a_catalog_and_refuses_a_file_that_is_not_one(dbt_artifacts, tmp_path, capsys):
    manifest, _ = dbt_artifacts
    alone = tmp_path / "manifest.json"
    shutil.copy(manifest, alone)
    call_command("catalog_import_dbt", str(alone), "--catalog", str(manifest.with_name("catalog.json")))
    assert "columns from catalog.json" in capsys.readouterr().out
    assert Column.objects.filter(dataset__name="warehouse.main.app_users").count() == 3
    with pytest.raises(
        CommandError, match=r"catalog: .*run_results\.json: dbt_schema_version .* is not supported"
    ):
        call_command(
            "catalog_import_dbt", str(alone), "--catalog", str(manifest.with_name("run_results.json"))
        )


@pytest.mark.django_db
def test_reimport_marks_a_disabled_model_and_a_dropped_column_removed_and_brings_them_back(
    dbt_artifacts, dbt_artifacts_v2, data_steward
):
    from accounts.audit import acting_as
    from accounts.models import AuditEntry
    from catalog.impact import walk

    with acting_as(data_steward):
        dbt_import(*dbt_artifacts, actor=data_steward)
        stg = Dataset.objects.get(name="warehouse.main.stg_users")
        assert walk("dataset", stg.pk).depths  # users_by_plan, downstream
        report = dbt_import(*dbt_artifacts_v2, actor=data_steward)
    assert (report.datasets_removed, report.columns_removed, report.checks_removed) == (1, 1, 1)
    marts = Dataset.objects.get(name="warehouse.main.users_by_plan")
    plan = Column.objects.get(dataset=stg, name="plan")
    assert marts.removed_at and plan.removed_at and marts.columns.count() == 2  # kept for history
    assert DataCheck.objects.get(test_type="accepted_values").removed_at is not None
    assert LineageEdge.objects.filter(output_dataset=marts).exists()  # the edge stays for history...
    assert walk("dataset", stg.pk).depths == {}  # ...but current impact no longer reaches it
    removal = AuditEntry.objects.get_for_object(marts).filter(action=AuditEntry.Action.UPDATE).get()
    assert "removed_at" in removal.changes_dict and removal.actor == data_steward
    assert (
        Dataset.objects.get(name="warehouse.main.app_users").removed_at is None
    )  # seed and source: one table

    dbt_import(*dbt_artifacts, actor=data_steward)
    marts.refresh_from_db(), plan.refresh_from_db()
    assert marts.removed_at is None and plan.removed_at is None
    assert DataCheck.objects.filter(removed_at__isnull=False).count() == 0
    assert set(walk("dataset", stg.pk).depths) == {marts.pk}
