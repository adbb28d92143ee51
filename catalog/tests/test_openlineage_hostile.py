"""Hostile OpenLineage input: every out-of-range or unstorable value is a 400 naming the field,
and nothing is stored. These used to end in a 500 (or be stored as given)."""

import json

import pytest
from django.test import override_settings

from catalog.models import Column, ColumnLineageEdge, Dataset, Job, LineageEdge, LineageEvent
from catalog.services import LineageEventInvalid, lineage_event_ingest
from catalog.tests.factories import run_event

pytestmark = pytest.mark.django_db


def _post(client, body, bearer, path="/api/v1/lineage"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **bearer)


def _nothing_stored():
    for model in (LineageEvent, Dataset, Column, Job, LineageEdge, ColumnLineageEdge):
        assert not model.objects.exists(), model


def _refused(client, bearer, body, field):
    response = _post(client, body, bearer)
    assert response.status_code == 400, response.content[:500]
    assert any(error.startswith(field) for error in response.json()["errors"]), response.json()
    _nothing_stored()


def _output_facets(event, **facets):
    event["outputs"][0]["outputFacets"] = facets
    return event


def _step(event):
    fields = event["outputs"][0]["facets"]["columnLineage"]["fields"]
    return fields["email_hash"]["inputFields"][0]["transformations"][0]


def test_a_row_count_beyond_64_bits_names_the_field(client, bearer):
    event = _output_facets(run_event(), outputStatistics={"rowCount": 10**30})
    _refused(client, bearer, event, "outputs.0.outputFacets.outputStatistics.rowCount:")


def test_a_negative_row_count_names_the_field(client, bearer):
    event = _output_facets(run_event(), outputStatistics={"rowCount": -1})
    _refused(client, bearer, event, "outputs.0.outputFacets.outputStatistics.rowCount:")


def test_a_negative_ordinal_position_names_the_field(client, bearer):
    event = run_event()
    event["inputs"][0]["facets"]["schema"]["fields"][0]["ordinal_position"] = -3
    _refused(client, bearer, event, "inputs.0.facets.schema.fields.0.ordinal_position:")


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (lambda e: e["job"], "job.name:"),
        (lambda e: e["inputs"][0], "inputs.0.name:"),
        (lambda e: e["inputs"][0]["facets"]["schema"]["fields"][0], "inputs.0.facets.schema.fields.0.name:"),
    ],
)
def test_a_10000_character_name_is_refused(client, bearer, where, field):
    event = run_event()
    where(event)["name"] = "x" * 10_000
    _refused(client, bearer, event, field)


def test_a_5000_character_subtype_is_refused(client, bearer):
    event = run_event()
    _step(event)["subtype"] = "S" * 5_000
    _refused(
        client,
        bearer,
        event,
        "outputs.0.facets.columnLineage.fields.email_hash.inputFields.0.transformations.0.subtype:",
    )


def test_an_unknown_transformation_type_is_refused(client, bearer):
    event = run_event()
    _step(event)["type"] = "SIDEWAYS"
    _refused(
        client,
        bearer,
        event,
        "outputs.0.facets.columnLineage.fields.email_hash.inputFields.0.transformations.0.type:",
    )


def test_nul_bytes_in_names_are_refused(client, bearer):
    event = run_event()
    event["job"]["name"] = "build\x00dim"
    _refused(client, bearer, event, "job.name: NUL")


def test_a_lone_surrogate_is_refused(client, bearer):
    body = json.dumps(run_event()).replace('"build_dim_customer"', '"build\\ud800"')
    _refused(client, bearer, body, "job.name:")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_every_time(client, bearer, constant):
    body = json.dumps(_output_facets(run_event(), outputStatistics={"rowCount": 1}))
    body = body.replace('"rowCount": 1', f'"rowCount": {constant}')
    for _ in range(2):  # the second post went through the duplicate-event path
        _refused(client, bearer, body, "outputs.0.outputFacets.outputStatistics.rowCount:")


def test_an_integer_of_5000_digits_names_the_field(client, bearer):
    body = json.dumps(_output_facets(run_event(), outputStatistics={"rowCount": 1}))
    body = body.replace('"rowCount": 1', '"rowCount": ' + "9" * 5_000)
    _refused(
        client, bearer, body, "outputs.0.outputFacets.outputStatistics.rowCount: an integer of 5000 digits"
    )


def test_json_nested_5000_deep_is_a_400(client, bearer):
    response = _post(client, "[" * 5_000 + "]" * 5_000, bearer)
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]
    _nothing_stored()


def test_an_event_nested_past_the_depth_limit_names_where(client, bearer):
    event = run_event()
    deep = {}
    event["run"]["facets"] = {"custom": {"_producer": "p", "_schemaURL": "https://x.test/s", "v": deep}}
    for _ in range(200):
        deep["v"] = deep = {}
    response = _post(client, event, bearer)
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["errors"][0]
    _nothing_stored()


@override_settings(CATALOG_LINEAGE_MAX_FACET_BYTES=1_000)
def test_a_facet_over_the_size_limit_is_refused(client, bearer):
    event = run_event()
    event["job"]["facets"] = {
        "documentation": {"_producer": "p", "_schemaURL": "https://x.test/s", "description": "d" * 2_000}
    }
    _refused(client, bearer, event, "job.facets.documentation:")


@override_settings(CATALOG_LINEAGE_MAX_EVENT_BYTES=2_000)
def test_an_event_over_the_size_limit_is_refused_in_a_batch(client, bearer):
    big = run_event()
    big["job"]["facets"] = {
        "documentation": {"_producer": "p", "_schemaURL": "https://x.test/s", "description": "d" * 2_000}
    }
    response = _post(client, [big], bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 400
    [result] = response.json()["results"]
    assert "over the event limit of 2000" in result["errors"][0]
    _nothing_stored()


def test_a_batch_of_hostile_events_reports_each_and_stores_nothing(client, bearer):
    long_name, nul = run_event(), run_event()
    long_name["job"]["name"] = "x" * 10_000
    nul["inputs"][0]["name"] = "a\x00b"
    counted = _output_facets(run_event(), outputStatistics={"rowCount": 10**30})
    response = _post(client, [long_name, nul, counted], bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 400
    assert [r["status"] for r in response.json()["results"]] == ["invalid"] * 3
    _nothing_stored()


def test_in_process_callers_get_the_same_refusal(data_steward):
    event = run_event()
    event["job"]["name"] = "x" * 10_000
    with pytest.raises(LineageEventInvalid, match=r"job\.name: 10000 characters, over the limit of 1000"):
        lineage_event_ingest(event=event, actor=data_steward)
    _nothing_stored()


def _stored_event(client, bearer, description_size):
    event = run_event()
    event["job"]["facets"] = {
        "documentation": {
            "_producer": "p",
            "_schemaURL": "https://x.test/s",
            "description": "d" * description_size,
        }
    }
    assert _post(client, event, bearer).status_code == 201
    return event


def test_the_event_list_returns_summaries_not_bodies(client, bearer):
    _stored_event(client, bearer, 200_000)
    response = client.get("/api/catalog/lineage-events/", **bearer)
    assert response.status_code == 200
    [summary] = response.json()["results"]
    assert "payload" not in summary
    assert len(response.content) < 2_000
    assert summary["body_url"].endswith(f"/api/catalog/lineage-events/{summary['id']}/body/")


def test_the_body_endpoint_returns_the_event_as_received(client, bearer):
    sent = _stored_event(client, bearer, 100)
    event_id = LineageEvent.objects.get().pk
    response = client.get(f"/api/catalog/lineage-events/{event_id}/body/", **bearer)
    assert response.status_code == 200
    assert response.json() == sent


@override_settings(CATALOG_LINEAGE_MAX_PAYLOAD_RESPONSE_BYTES=5_000)
def test_the_body_endpoint_refuses_a_body_over_its_limit(client, bearer):
    _stored_event(client, bearer, 10_000)
    event_id = LineageEvent.objects.get().pk
    response = client.get(f"/api/catalog/lineage-events/{event_id}/body/", **bearer)
    assert response.status_code == 413
    assert "over the response limit of 5000" in response.json()["detail"]
