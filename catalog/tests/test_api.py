"""Catalog API: reads through visible_to for each persona, filters, constant query counts."""

import pytest

from catalog.models import ClassificationSuggestion, Column, DataCheck, GlossaryTerm
from catalog.services import dataset_upsert, glossary_term_create, lineage_event_ingest, pii_scan
from catalog.tests.factories import (
    ColumnFactory,
    DatasetFactory,
    SystemFactory,
    chain,
    column_edge,
    level,
    run_event,
)

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/api/catalog/systems/",
    "/api/catalog/classifications/",
    "/api/catalog/datasets/",
    "/api/catalog/columns/",
    "/api/catalog/glossary-terms/",
    "/api/catalog/glossary-term-events/",
    "/api/catalog/jobs/",
    "/api/catalog/lineage-events/",
    "/api/catalog/lineage-edges/",
    "/api/catalog/column-lineage-edges/",
    "/api/catalog/checks/",
    "/api/catalog/suggestions/",
]


def _grow(n, steward):
    """n more rows in every catalog table the list endpoints show."""
    system = SystemFactory()
    for i in range(n):
        dataset, _ = dataset_upsert(
            namespace="duckdb", name=f"grow.t{GlossaryTerm.objects.count()}_{i}", system=system
        )
        column = ColumnFactory(dataset=dataset, name=f"email_{i}", classification=level("L2"))
        term = glossary_term_create(name=f"Term {dataset.pk}", definition="d", actor=steward)
        GlossaryTerm.objects.filter(pk=term.pk).update(status="approved")
        column.glossary_terms.add(term)
        chain(DatasetFactory(), dataset)
        column_edge(ColumnFactory(), column)
        pii_scan(columns=[column], actor=steward)
        DataCheck.objects.create(
            unique_id=f"test.{dataset.pk}", dataset=dataset, column=column, name="nn", test_type="not_null"
        )
        event = run_event()
        event["job"]["name"] = f"ingest_{dataset.pk}"
        lineage_event_ingest(event=event, actor=steward)


@pytest.mark.parametrize("url", LIST_URLS)
def test_steward_and_compliance_officer_read_every_list(client, data_steward, compliance_officer, url):
    _grow(1, data_steward)
    for persona in (data_steward, compliance_officer):
        client.force_login(persona)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] >= 1


@pytest.mark.parametrize("url", LIST_URLS)
def test_executive_and_outsider_see_nothing(client, executive, outsider, data_steward, url):
    _grow(1, data_steward)
    for persona in (executive, outsider):
        client.force_login(persona)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_queries_stay_constant_as_rows_grow(client, data_steward, django_assert_max_num_queries, url):
    client.force_login(data_steward)
    _grow(2, data_steward)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    _grow(8, data_steward)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_dataset_filters(client, data_steward):
    warehouse = SystemFactory(name="Warehouse")
    described = DatasetFactory(
        system=warehouse, description="All tenants", classification=level("L2"), layer="mart"
    )
    bare = DatasetFactory(layer="raw")
    ColumnFactory(dataset=bare, pii_category="health")
    client.force_login(data_steward)

    def names(query):
        return [d["name"] for d in client.get(f"/api/catalog/datasets/?{query}").json()["results"]]

    assert names(f"system={warehouse.pk}") == [described.name]
    assert names("layer=raw") == [bare.name]
    assert names("classification=L2") == [described.name]
    assert names("pii_category=health") == [bare.name]
    assert names("has_description=true") == [described.name]
    assert names("has_description=false") == [bare.name]
    assert names("search=tenants") == [described.name]


def test_dataset_impact_endpoint_reports_depth_and_truncation(client, data_steward):
    a, b, c, d = (DatasetFactory() for _ in range(4))
    chain(a, b, c, d)
    client.force_login(data_steward)
    body = client.get(f"/api/catalog/datasets/{a.pk}/impact/?depth=2").json()
    assert [(n["id"], n["depth"]) for n in body["nodes"]] == [(b.pk, 1), (c.pk, 2)]
    assert body["truncated"] and body["truncated_by_depth"] and not body["truncated_by_node_cap"]
    body = client.get(f"/api/catalog/datasets/{d.pk}/impact/?direction=upstream&depth=5").json()
    assert [n["id"] for n in body["nodes"]] == [c.pk, b.pk, a.pk]
    assert body["truncated"] is False
    bad = client.get(f"/api/catalog/datasets/{a.pk}/impact/?direction=sideways")
    assert bad.status_code == 400


def test_column_impact_endpoint(client, data_steward):
    source, middle, target = ColumnFactory(), ColumnFactory(), ColumnFactory()
    column_edge(source, middle)
    column_edge(middle, target, masking=True)
    client.force_login(data_steward)
    body = client.get(f"/api/catalog/columns/{source.pk}/impact/").json()
    assert [n["id"] for n in body["nodes"]] == [middle.pk, target.pk]


def test_steward_classifies_a_column_through_the_api(client, data_steward):
    column = ColumnFactory(name="email")
    downstream = ColumnFactory()
    column_edge(column, downstream)
    client.force_login(data_steward)
    response = client.post(
        f"/api/catalog/columns/{column.pk}/classify/",
        {"classification": "L3", "pii_category": "direct_identifier"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["classification"] == "L3"
    assert ClassificationSuggestion.objects.get().column == downstream


def test_the_source_of_a_level_is_shown_and_cannot_be_written(client, data_steward):
    column = ColumnFactory(name="email", classification=level("L2"), classification_source="lineage")
    client.force_login(data_steward)
    assert client.get(f"/api/catalog/columns/{column.pk}/").json()["classification_source"] == "lineage"
    url = f"/api/catalog/columns/{column.pk}/classify/"
    classified = client.post(url, {"classification": "L3"}, content_type="application/json")
    assert classified.json()["classification_source"] == "steward"
    dataset = DatasetFactory()
    assert client.get(f"/api/catalog/datasets/{dataset.pk}/").json()["classification_source"] == ""
    response = client.patch(
        f"/api/catalog/datasets/{dataset.pk}/",
        {"classification": "L3", "classification_source": "dbt_meta"},
        content_type="application/json",
    )
    assert response.json()["classification_source"] == "steward"  # the service's, not the client's
    dataset.refresh_from_db()
    assert dataset.classification_source == "steward"


def test_compliance_officer_cannot_classify_and_nothing_changes(client, compliance_officer):
    column = ColumnFactory(name="email")
    client.force_login(compliance_officer)
    response = client.post(
        f"/api/catalog/columns/{column.pk}/classify/",
        {"classification": "L3"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Column.objects.get(pk=column.pk).classification is None


def test_openapi_schema_documents_catalog_and_lineage_endpoints(client, executive):
    client.force_login(executive)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert "/api/catalog/datasets/{id}/impact/" in paths
    assert "/api/v1/lineage" in paths and "/api/v1/lineage/batch" in paths


def test_steward_edits_a_dataset_and_the_change_is_audited(client, data_steward):
    from accounts.models import AuditEntry

    dataset = DatasetFactory()
    client.force_login(data_steward)
    response = client.patch(
        f"/api/catalog/datasets/{dataset.pk}/",
        {"description": "Users, cleaned", "classification": "L3", "steward": "dana"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["classification"] == "L3" and response.json()["steward"] == "dana"
    entry = AuditEntry.objects.get_for_object(dataset).latest("timestamp")
    assert entry.actor == data_steward and "classification" in entry.changes_dict


def test_dataset_identity_and_unknown_levels_are_refused(client, data_steward):
    dataset = DatasetFactory(name="keep.me")
    client.force_login(data_steward)
    response = client.patch(
        f"/api/catalog/datasets/{dataset.pk}/", {"classification": "L9"}, content_type="application/json"
    )
    assert response.status_code == 400
    client.patch(f"/api/catalog/datasets/{dataset.pk}/", {"name": "renamed"}, content_type="application/json")
    dataset.refresh_from_db()
    assert (dataset.name, dataset.classification) == ("keep.me", None)


def test_compliance_officer_cannot_edit_a_dataset(client, compliance_officer):
    dataset = DatasetFactory()
    client.force_login(compliance_officer)
    response = client.patch(
        f"/api/catalog/datasets/{dataset.pk}/", {"description": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    dataset.refresh_from_db()
    assert dataset.description == ""


def test_glossary_terms_are_created_and_edited_through_the_api(client, data_steward, compliance_officer):
    client.force_login(data_steward)
    response = client.post(
        "/api/catalog/glossary-terms/",
        {
            "name": "Tenant",
            "definition": "A customer organisation",
            "synonyms": ["customer"],
            "reviewers": ["carla"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["last_edited_by"], body["reviewers"]) == ("draft", "dana", ["carla"])
    term = GlossaryTerm.objects.get()
    response = client.patch(
        f"/api/catalog/glossary-terms/{term.pk}/", {"status": "approved"}, content_type="application/json"
    )
    assert GlossaryTerm.objects.get().status == "draft"  # status moves only through the workflow
    client.force_login(compliance_officer)
    response = client.post(
        "/api/catalog/glossary-terms/", {"name": "X", "definition": "y"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert GlossaryTerm.objects.count() == 1
