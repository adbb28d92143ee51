"""OpenLineage in: the official client against a live server, and malformed input that stores nothing."""

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import column_lineage_dataset, schema_dataset
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport

from catalog.models import Column, ColumnLineageEdge, Dataset, LineageEdge, LineageEvent
from catalog.tests.factories import example_run_event, run_event

# The live server answers from another thread, so these tests commit; serialized_rollback puts
# back the roles and classification levels that the migrations created.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _client(live_server, token):
    config = HttpConfig(url=live_server.url, auth=ApiKeyTokenProvider({"apiKey": token}), retry={"total": 0})
    return OpenLineageClient(transport=HttpTransport(config))


def _events(run_id):
    source = InputDataset(
        namespace="postgres://db:5432",
        name="workorders.public.users",
        facets={
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[
                    schema_dataset.SchemaDatasetFacetFields(name="id", type="BIGINT"),
                    schema_dataset.SchemaDatasetFacetFields(name="email", type="TEXT"),
                ]
            )
        },
    )
    lineage = column_lineage_dataset.ColumnLineageDatasetFacet(
        fields={
            "user_id": column_lineage_dataset.Fields(
                inputFields=[
                    column_lineage_dataset.InputField(
                        namespace="postgres://db:5432", name="workorders.public.users", field="id"
                    )
                ]
            ),
            "email": column_lineage_dataset.Fields(
                inputFields=[
                    column_lineage_dataset.InputField(
                        namespace="postgres://db:5432",
                        name="workorders.public.users",
                        field="email",
                        transformations=[
                            column_lineage_dataset.Transformation(
                                type="DIRECT", subtype="IDENTITY", masking=False
                            )
                        ],
                    )
                ]
            ),
        }
    )
    target = OutputDataset(
        namespace="duckdb",
        name="warehouse.cleansed.users",
        facets={
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[
                    schema_dataset.SchemaDatasetFacetFields(name="user_id", type="BIGINT"),
                    schema_dataset.SchemaDatasetFacetFields(name="email", type="VARCHAR"),
                ]
            ),
            "columnLineage": lineage,
        },
    )
    job = Job(namespace="warehouse", name="cleanse_users")
    return [
        RunEvent(
            eventType=state,
            eventTime=f"2026-11-27T05:0{i}:00Z",
            run=Run(runId=run_id),
            job=job,
            producer="https://example.test/custodian-tests",
            inputs=[source],
            outputs=[target],
        )
        for i, state in enumerate([RunState.START, RunState.COMPLETE])
    ]


@live
def test_openlineage_client_posts_start_and_complete_and_lineage_appears(
    live_server, steward_token, client, data_steward
):
    ol = _client(live_server, steward_token)
    for event in _events("0196a1f2-7c3e-7b1a-9d7e-3f7c1c2a9b10"):
        ol.emit(event)

    assert LineageEvent.objects.count() == 2
    assert set(LineageEvent.objects.values_list("event_type", flat=True)) == {"START", "COMPLETE"}
    users = Dataset.objects.get(namespace="duckdb", name="warehouse.cleansed.users")
    assert [c.name for c in users.columns.order_by("ordinal_position")] == ["user_id", "email"]
    edge = LineageEdge.objects.get()
    assert (edge.input_dataset.name, edge.output_dataset, edge.job.name) == (
        "workorders.public.users",
        users,
        "cleanse_users",
    )
    email = ColumnLineageEdge.objects.get(output_column__name="email")
    assert (email.input_column.name, email.transformation_type, email.subtype, email.masking) == (
        "email",
        "DIRECT",
        "IDENTITY",
        False,
    )
    # Visible in the API and the admin.
    edges = client.get("/api/catalog/lineage-edges/", HTTP_AUTHORIZATION=f"Bearer {steward_token}").json()
    assert edges["results"][0]["output_dataset"] == "duckdb/warehouse.cleansed.users"
    client.force_login(data_steward)
    page = client.get(f"/admin/catalog/dataset/{users.pk}/change/").content.decode()
    assert f'<a href="/admin/catalog/dataset/{edge.input_dataset.pk}/change/">' in page  # in the SVG


@live
def test_the_same_events_sent_twice_are_stored_once(live_server, steward_token):
    ol = _client(live_server, steward_token)
    for _ in range(2):
        for event in _events("0196a1f2-7c3e-7b1a-9d7e-3f7c1c2a9b11"):
            ol.emit(event)
    assert LineageEvent.objects.count() == 2
    assert LineageEdge.objects.count() == 1
    assert ColumnLineageEdge.objects.count() == 2


@live
def test_client_without_a_valid_token_is_refused(live_server):
    import requests

    ol = _client(live_server, "not-a-token")
    with pytest.raises(requests.HTTPError, match=r"401|403"):
        ol.emit(_events("0196a1f2-7c3e-7b1a-9d7e-3f7c1c2a9b12")[0])
    assert not LineageEvent.objects.exists()


@pytest.mark.django_db
def test_event_from_shared_reference_validates_and_ingests(client, bearer):
    event = example_run_event()
    response = client.post("/api/v1/lineage", event, content_type="application/json", **bearer)
    assert response.status_code == 201, response.json()
    masked = ColumnLineageEdge.objects.get(output_column__name="email_hash")
    assert masked.masking is True
    assert Column.objects.filter(dataset__name="acme-prod.curated.dim_customer").count() == 3


@pytest.mark.django_db
def test_run_event_builder_is_valid(client, bearer):
    response = client.post("/api/v1/lineage", run_event(), content_type="application/json", **bearer)
    assert response.status_code == 201, response.json()
