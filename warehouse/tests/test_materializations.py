"""The project's DuckDB table and incremental materializations (macros/duckdb_materializations.sql),
on a two-model project that uses the warehouse's own macros."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from warehouse.dbt_runner import PROJECT_DIR, run
from warehouse.tests.conftest import engine_for, make_target

PROJECT = """
name: custodian
version: "1.0.0"
config-version: 2
profile: custodian
macro-paths: ["macros"]
flags: {send_anonymous_usage_stats: false}
"""
TABLE = "{{ config(materialized='table') }}\n"
INCREMENTAL = (
    "{{{{ config(materialized='incremental', unique_key={key}, on_schema_change='{change}'{extra}) }}}}\n"
)


@pytest.fixture
def project(tmp_path):
    """A scratch dbt project: the warehouse's macros, and the models each test writes."""
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    shutil.copytree(Path(PROJECT_DIR) / "macros", root / "macros")
    (root / "dbt_project.yml").write_text(PROJECT)
    return root


def model(project, name, sql, *, key="'id'", change="ignore", extra=""):
    header = INCREMENTAL.format(key=key, change=change, extra=extra) if key else TABLE
    (project / "models" / f"{name}.sql").write_text(header + sql)


def rows_of(target, table, order="id"):
    with engine_for(target) as engine:
        return engine.query(f"select * from main.{table} order by {order}").to_pylist()  # noqa: S608


def values(*rows):
    return " union all ".join("select " + ", ".join(f"{v!r} as {k}" for k, v in row.items()) for row in rows)


@pytest.fixture
def target(tmp_path, project):
    return replace(make_target(tmp_path / "run"), project_dir=str(project))


def built(target, **kwargs):
    result = run(target, "build", **kwargs)
    assert result.success, result.summary()
    return result


def test_a_table_is_replaced_and_a_failing_rebuild_leaves_the_previous_one(project, target):
    model(project, "totals", values({"id": 1, "v": "a"}), key=None)
    built(target)
    model(project, "totals", values({"id": 1, "v": "b"}, {"id": 2, "v": "c"}), key=None)
    built(target)
    assert rows_of(target, "totals") == [{"id": 1, "v": "b"}, {"id": 2, "v": "c"}]

    model(project, "totals", "select 3 as id, cast('not a number' as integer) as v", key=None)
    failed = run(target, "build")
    assert not failed.success
    assert "Conversion Error" in failed.nodes[0].message
    assert rows_of(target, "totals") == [{"id": 1, "v": "b"}, {"id": 2, "v": "c"}]


def test_an_incremental_run_replaces_rows_by_key_and_keeps_the_others(project, target):
    model(project, "latest", values({"id": 1, "v": "a"}, {"id": 2, "v": "b"}))
    built(target)
    model(project, "latest", values({"id": 2, "v": "B"}, {"id": 3, "v": "c"}))
    built(target)
    assert rows_of(target, "latest") == [{"id": 1, "v": "a"}, {"id": 2, "v": "B"}, {"id": 3, "v": "c"}]

    built(target, full_refresh=True)  # a full refresh keeps only what the model selects now
    assert rows_of(target, "latest") == [{"id": 2, "v": "B"}, {"id": 3, "v": "c"}]


def test_a_composite_key_replaces_only_rows_matching_on_every_column(project, target):
    key = "['month', 'feature']"
    first = values({"month": 1, "feature": "x", "n": 1}, {"month": 1, "feature": "y", "n": 2})
    model(project, "usage", first, key=key)
    built(target)
    later = values({"month": 1, "feature": "y", "n": 5}, {"month": 2, "feature": "x", "n": 7})
    model(project, "usage", later, key=key)
    built(target)
    assert rows_of(target, "usage", order="month, feature") == [
        {"month": 1, "feature": "x", "n": 1},
        {"month": 1, "feature": "y", "n": 5},
        {"month": 2, "feature": "x", "n": 7},
    ]


def test_new_columns_are_left_out_appended_or_refused_as_on_schema_change_says(project, target):
    model(project, "ignored", values({"id": 1, "v": "a"}))
    model(project, "appended", values({"id": 1, "v": "a"}), change="append_new_columns")
    model(project, "refused", values({"id": 1, "v": "a"}), change="fail")
    built(target)
    later = values({"id": 2, "v": "b", "locale": "de"})
    model(project, "ignored", later)
    model(project, "appended", later, change="append_new_columns")
    model(project, "refused", later, change="fail")
    result = run(target, "build")

    status = {n.unique_id.split(".")[-1]: n for n in result.nodes}
    assert status["ignored"].status == status["appended"].status == "success"
    assert rows_of(target, "ignored") == [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]
    appended = [{"id": 1, "v": "a", "locale": None}, {"id": 2, "v": "b", "locale": "de"}]
    assert rows_of(target, "appended") == appended
    assert status["refused"].status == "error"
    assert "New columns" in status["refused"].message and "locale" in status["refused"].message
    assert rows_of(target, "refused") == [{"id": 1, "v": "a"}]


def test_a_changed_column_type_is_refused_when_on_schema_change_is_fail(project, target):
    model(project, "typed", "select 1 as id, 'a' as v", change="fail")
    built(target)
    model(project, "typed", "select 2 as id, 2.5 as v", change="fail")
    result = run(target, "build")
    assert not result.success
    assert "changed type" in result.nodes[0].message
    assert rows_of(target, "typed") == [{"id": 1, "v": "a"}]


UNHANDLED = [
    "indexes=[{'columns': ['id']}]",
    "grants={'select': ['reporter']}",
    "incremental_predicates=['id > 0']",
]


@pytest.mark.parametrize("config", UNHANDLED)
def test_settings_these_materializations_do_not_handle_are_refused_not_ignored(project, target, config):
    model(project, "configured", "select 1 as id", extra=", " + config)
    result = run(target, "build")
    assert not result.success
    assert "is not handled by the project's DuckDB materializations" in result.nodes[0].message


def test_an_incremental_model_without_a_unique_key_is_refused(project, target):
    keyless = "{{ config(materialized='incremental') }}\nselect 1 as id"
    (project / "models" / "keyless.sql").write_text(keyless)
    result = run(target, "build")
    assert not result.success
    assert "need incremental_strategy 'delete+insert' and a unique_key" in result.nodes[0].message


@pytest.mark.parametrize("key", [None, "'id'"], ids=["table", "incremental"])
def test_a_view_of_the_same_name_is_replaced_by_the_table(project, target, key):
    (project / "models" / "shown.sql").write_text("{{ config(materialized='view') }}\nselect 1 as id")
    built(target)
    model(project, "shown", "select 2 as id", key=key)
    built(target)
    with engine_for(target) as engine:
        kind = engine.query("select table_type from information_schema.tables where table_name = 'shown'")
    assert kind.to_pylist() == [{"table_type": "BASE TABLE"}]
    assert rows_of(target, "shown") == [{"id": 2}]


def test_a_sql_header_runs_before_the_rows_are_built(project, target):
    header = "{{ config(materialized='incremental', unique_key='id', sql_header=\"set variable b='b7';\") }}"
    (project / "models" / "headed.sql").write_text(header + "\nselect 1 as id, getvariable('b') as batch")
    built(target)
    built(target)  # the incremental path builds its temporary table with the header too
    assert rows_of(target, "headed") == [{"id": 1, "batch": "b7"}]


def test_a_python_model_is_refused_with_a_message(project, target):
    script = "def model(dbt, session):\n    dbt.config(materialized='table')\n    return None\n"
    (project / "models" / "scripted.py").write_text(script)
    result = run(target, "build")
    assert not result.success
    assert "only supports languages ['sql']" in result.nodes[0].message
