"""OpenLineage events of a run: valid against the spec's JSON schemas, with column lineage."""

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from catalog.openlineage.validation import run_event_errors
from warehouse import lineage
from warehouse.dbt_runner import run
from warehouse.tests.conftest import engine_for, make_target
from warehouse.tests.test_pipeline import broken_project, copy_warehouse


def validate(event):
    # The catalog's own validator: the spec's schemas for the event and every run, job and
    # dataset facet, exactly what the catalog's ingestion will apply to these events.
    assert run_event_errors(event) == []


def events_for(target, result):
    manifest = json.loads(Path(result.manifest_path).read_text())

    with engine_for(target) as engine:
        columns_of = lineage.column_reader(engine)
        parent = "7f9c2c55-5d0e-4a7e-9c55-3f1f1b2b1a10"
        return lineage.build_events(
            manifest,
            result.nodes,
            parent_run_id=parent,
            job_name="daily",
            datasets=lineage.dataset_namer(),
            columns_of=columns_of,
        )


def test_every_model_gets_a_valid_start_and_complete_event(hand_built):
    target, result = hand_built
    events = events_for(target, result)
    models = {
        n.unique_id.split(".")[-1] for n in result.nodes if n.unique_id.startswith(("model.", "snapshot."))
    }
    assert {e["job"]["name"] for e in events} == models
    assert sorted(e["eventType"] for e in events) == sorted(["START", "COMPLETE"] * len(models))
    for event in events:
        validate(event)


def test_events_carry_when_each_model_really_started_and_finished(hand_built):
    _, result = hand_built
    events = events_for(*hand_built)
    at = {(e["job"]["name"], e["eventType"]): datetime.fromisoformat(e["eventTime"]) for e in events}
    order = [n for n in result.nodes if n.unique_id.startswith("model.")]
    for node in order:
        name = node.unique_id.split(".")[-1]
        assert at[name, "START"] == node.started_at < at[name, "COMPLETE"] == node.completed_at
    # a model starts only after the models it reads from have finished
    assert at["fact_agent_run", "START"] >= at["stg_agent_runs", "COMPLETE"]
    assert at["mart_agent_monthly", "START"] >= at["fact_agent_run", "COMPLETE"]


def test_star_schema_outputs_carry_column_lineage_back_to_cleansed(hand_built):
    target, result = hand_built
    complete = {e["job"]["name"]: e for e in events_for(target, result) if e["eventType"] == "COMPLETE"}
    fact = complete["fact_work_order_event"]["outputs"][0]
    edges = fact["facets"]["columnLineage"]["fields"]
    assert edges["event_id"]["inputFields"][0]["name"] == "warehouse.cleansed.stg_work_order_events"
    assert edges["event_id"]["inputFields"][0]["transformations"][0]["subtype"] == "IDENTITY"
    assert [f["field"] for f in edges["date_day"]["inputFields"]] == ["occurred_at"]
    tenant = complete["dim_tenant"]["outputs"][0]["facets"]["columnLineage"]["fields"]
    assert [f["field"] for f in tenant["valid_from"]["inputFields"]] == ["dbt_valid_from"]
    assert (
        complete["fact_work_order_event"]["outputs"][0]["facets"]["schema"]["fields"][0]["name"] == "event_id"
    )
    staging_inputs = complete["stg_tenants"]["inputs"]
    # the lake's files, named as change capture names them (not a table of the warehouse)
    assert staging_inputs == [{"namespace": "file", "name": f"{target.lake_url}/raw/tenants", "facets": {}}]
    assert "columnLineage" not in complete["mart_revenue_monthly"]["outputs"][0]["facets"]  # table level only


def test_a_failed_model_gets_a_valid_fail_event_with_the_error(hand_built, tmp_path):
    source, _ = hand_built
    target = replace(make_target(tmp_path), lake_url=source.lake_url)
    copy_warehouse(source, target)
    broken = replace(target, project_dir=broken_project(tmp_path, "stg_assets", "select nonsense from"))
    result = run(broken, "build", select=["stg_assets"])
    (event,) = [e for e in events_for(target, result) if e["eventType"] == "FAIL"]
    assert event["job"]["name"] == "stg_assets"
    assert "syntax error" in event["run"]["facets"]["errorMessage"]["message"].lower()
    validate(event)
