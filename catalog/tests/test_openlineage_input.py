"""Malformed and repeated OpenLineage input: clear errors, nothing stored, batch reports per event."""

import json

import pytest
from django.test import override_settings

from catalog.models import Column, ColumnLineageEdge, Dataset, Job, LineageEdge, LineageEvent
from catalog.services import LineageEventInvalid, lineage_event_ingest
from catalog.tests.factories import example_run_event, run_event

pytestmark = pytest.mark.django_db


def _post(client, body, bearer, path="/api/v1/lineage"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **bearer)


def _nothing_stored():
    for model in (LineageEvent, Dataset, Column, Job, LineageEdge, ColumnLineageEdge):
        assert not model.objects.exists(), model


def test_bad_json_is_a_400_and_stores_nothing(client, bearer):
    response = _post(client, b'{"eventType": "START", ', bearer)
    assert response.status_code == 400
    assert "Malformed JSON" in response.json()["detail"]
    _nothing_stored()


def test_missing_run_id_names_the_field(client, bearer):
    event = run_event()
    del event["run"]["runId"]
    response = _post(client, event, bearer)
    assert response.status_code == 400
    assert response.json()["errors"] == ["run: 'runId' is a required property"]
    _nothing_stored()


def test_bad_facet_field_is_named_with_its_path(client, bearer):
    event = run_event()
    del event["outputs"][0]["facets"]["columnLineage"]["fields"]["customer_id"]["inputFields"][0]["field"]
    response = _post(client, event, bearer)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error.startswith("outputs.0.facets.columnLineage.fields.customer_id.inputFields.0:")
    assert "'field' is a required property" in error
    _nothing_stored()


def test_unsupported_schema_version_is_refused(client, bearer):
    event = run_event(schemaURL="https://openlineage.io/spec/3-0-0/OpenLineage.json#/$defs/RunEvent")
    response = _post(client, event, bearer)
    assert response.status_code == 400
    assert "unsupported OpenLineage spec version 3-0-0" in response.json()["errors"][0]
    _nothing_stored()


def test_unknown_dataset_in_a_column_edge_is_refused(client, bearer):
    event = run_event()
    spec = event["outputs"][0]["facets"]["columnLineage"]["fields"]["customer_id"]["inputFields"][0]
    spec["name"] = "warehouse.cleansed.nowhere"
    response = _post(client, event, bearer)
    assert response.status_code == 400
    assert "unknown dataset duckdb/warehouse.cleansed.nowhere" in response.json()["errors"][0]
    _nothing_stored()


def test_dataset_and_job_events_are_refused_with_a_reason(client, bearer):
    event = {
        "eventTime": "2026-11-27T05:00:00Z",
        "producer": "https://example.test/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "duckdb", "name": "x"},
    }
    response = _post(client, event, bearer)
    assert response.status_code == 400
    assert "only RunEvents" in response.json()["errors"][0]


def test_a_50_mb_body_is_refused_before_parsing(client, bearer):
    body = b'{"padding": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    response = _post(client, body, bearer)
    assert response.status_code == 413
    assert "exceeds the limit" in response.json()["detail"]
    response = _post(client, body, bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 413
    _nothing_stored()


@override_settings(CATALOG_LINEAGE_MAX_BODY_BYTES=1000)
def test_the_body_limit_is_configurable(client, bearer):
    response = _post(client, run_event(), bearer)
    assert response.status_code == 413
    _nothing_stored()


def test_repeating_an_event_is_idempotent(client, bearer):
    event = run_event()
    first = _post(client, event, bearer)
    again = _post(client, event, bearer)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert LineageEvent.objects.count() == 1
    assert ColumnLineageEdge.objects.count() == 2


def test_batch_reports_partial_success_and_stores_only_the_good_events(client, bearer):
    good, bad = run_event(), run_event()
    bad["eventTime"] = 42
    response = _post(client, [good, bad, good], bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "partial_success"
    assert body["summary"] == {
        "received": 3,
        "successful": 2,
        "failed": 1,
        "retriable": 0,
        "non_retriable": 1,
    }
    assert [r["status"] for r in body["results"]] == ["created", "invalid", "duplicate"]
    assert body["results"][1]["errors"] == ["eventTime: 42 is not of type 'string'"]
    assert LineageEvent.objects.count() == 1


def test_batch_of_only_bad_events_is_a_400(client, bearer):
    response = _post(client, [{"nope": 1}], bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 400
    assert response.json()["status"] == "failure"
    response = _post(client, {"not": "a list"}, bearer, path="/api/v1/lineage/batch")
    assert response.status_code == 400
    _nothing_stored()


def test_people_without_the_ingest_permission_are_refused(client, compliance_officer):
    from accounts.services import api_token_create

    _, raw = api_token_create(user=compliance_officer, name="x")
    response = _post(client, run_event(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    assert response.status_code == 403
    assert client.post("/api/v1/lineage", {}, content_type="application/json").status_code == 401
    _nothing_stored()


def test_in_process_ingest_is_the_same_service(data_steward):
    result = lineage_event_ingest(event=run_event(), actor=data_steward)
    assert result.created and result.event.received_by == data_steward
    with pytest.raises(LineageEventInvalid) as invalid:
        lineage_event_ingest(event=run_event(eventTime="yesterday"), actor=data_steward)
    assert invalid.value.errors == ["eventTime: 'yesterday' is not an ISO 8601 date-time"]
    with pytest.raises(LineageEventInvalid) as invalid:
        lineage_event_ingest(event=run_event(eventTime="2026-11-27T05:00:00"), actor=data_steward)
    assert invalid.value.errors == ["eventTime: '2026-11-27T05:00:00' has no time zone offset"]
    assert LineageEvent.objects.count() == 1


def test_statistics_and_event_time_reach_the_dataset(data_steward):
    event = run_event()
    event["outputs"][0]["outputFacets"] = {
        "outputStatistics": {
            "_producer": "https://example.test/p",
            "_schemaURL": "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json",
            "rowCount": 1234,
        }
    }
    lineage_event_ingest(event=event, actor=data_steward)
    output = Dataset.objects.get(name="warehouse.curated.dim_customer")
    assert output.row_count == 1234
    assert output.last_updated_at.isoformat() == "2026-11-27T05:00:00+00:00"


def test_a_body_above_djangos_form_limit_but_within_ours_is_accepted(client, bearer, settings):
    event = run_event()
    event["job"]["facets"] = {
        "sql": {
            "_producer": "https://example.test/p",
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json",
            "query": "SELECT 1 -- " + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1000),
        }
    }
    response = _post(client, event, bearer)
    assert response.status_code == 201, response.content[:300]
    assert LineageEvent.objects.count() == 1


def test_producer_column_tags_become_suggestions_not_changes(client, bearer):
    from catalog.models import ClassificationSuggestion

    event = example_run_event()
    assert _post(client, event, bearer).status_code == 201
    suggestion = ClassificationSuggestion.objects.get()
    assert (suggestion.column.name, suggestion.detector) == ("email", "producer_tag")
    assert (suggestion.suggested_classification.code, suggestion.suggested_pii_category) == (
        "L3",
        "direct_identifier",
    )
    assert suggestion.reason == "tagged by the producer: pii=email"
    assert Column.objects.get(pk=suggestion.column_id).classification is None
