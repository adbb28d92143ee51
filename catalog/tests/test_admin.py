import pytest

from catalog.models import System

pytestmark = pytest.mark.django_db


def test_data_steward_registers_a_system_in_the_admin(client, data_steward):
    client.force_login(data_steward)
    response = client.post(
        "/admin/catalog/system/add/",
        {"name": "Work-order PostgreSQL", "kind": "operational", "storage_region": "us-central1"},
    )
    assert response.status_code == 302
    assert System.objects.get().kind == "operational"


def test_executive_cannot_add_a_system_and_nothing_is_saved(client, executive):
    client.force_login(executive)
    response = client.post(
        "/admin/catalog/system/add/", {"name": "x", "kind": "lake", "storage_region": "eu-west-1"}
    )
    assert response.status_code == 403
    assert not System.objects.exists()


def test_system_list_searches_and_filters(client, data_steward):
    System.objects.create(name="Lake", kind="lake", storage_region="eu-west-1")
    System.objects.create(name="Warehouse", kind="warehouse", storage_region="us-central1")
    client.force_login(data_steward)
    shown = client.get("/admin/catalog/system/?kind__exact=lake").context["cl"].result_list
    assert [s.name for s in shown] == ["Lake"]
    shown = client.get("/admin/catalog/system/?q=ware").context["cl"].result_list
    assert [s.name for s in shown] == ["Warehouse"]


ADMIN_LISTS = [
    "dataset",
    "column",
    "glossaryterm",
    "classification",
    "classificationsuggestion",
    "job",
    "lineageevent",
    "lineageedge",
    "columnlineageedge",
    "datacheck",
    "system",
]


def _grow(n, steward):
    from catalog.tests.test_api import _grow as grow_catalog

    grow_catalog(n, steward)


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_changelist_queries_stay_constant_as_rows_grow(
    client, data_steward, django_assert_max_num_queries, model
):
    client.force_login(data_steward)
    _grow(2, data_steward)
    url = f"/admin/catalog/{model}/"
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _grow(8, data_steward)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_compliance_officer_views_catalog_pages_and_executive_does_not(
    client, compliance_officer, executive, model
):
    client.force_login(compliance_officer)
    assert client.get(f"/admin/catalog/{model}/").status_code == 200
    client.force_login(executive)
    assert client.get(f"/admin/catalog/{model}/").status_code == 403


def test_dataset_page_shows_columns_and_a_clickable_lineage_graph(client, data_steward):
    from catalog.tests.factories import ColumnFactory, DatasetFactory, chain

    raw, cleansed, mart = (
        DatasetFactory(name="raw.users"),
        DatasetFactory(name="cleansed.users"),
        DatasetFactory(),
    )
    chain(raw, cleansed, mart)
    ColumnFactory(dataset=cleansed, name="email_address")
    client.force_login(data_steward)
    page = client.get(f"/admin/catalog/dataset/{cleansed.pk}/change/").content.decode()
    assert "email_address" in page
    assert "<svg" in page and "Lineage and impact" in page
    for neighbour in (raw, mart):
        assert f'<a href="/admin/catalog/dataset/{neighbour.pk}/change/">' in page
    assert page.count("<line ") == 2  # raw -> cleansed -> mart
    assert "cdn" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].lower()


def test_dataset_list_filters_by_pii_and_description(client, data_steward):
    from catalog.tests.factories import ColumnFactory, DatasetFactory

    described = DatasetFactory(description="Tenants")
    phi = DatasetFactory()
    ColumnFactory(dataset=phi, pii_category="health")
    client.force_login(data_steward)

    def shown(query):
        return [d.pk for d in client.get(f"/admin/catalog/dataset/?{query}").context["cl"].result_list]

    assert shown("pii=health") == [phi.pk]
    assert shown("described=yes") == [described.pk]


def test_changing_a_classification_in_the_admin_proposes_it_downstream(client, data_steward):
    from catalog.models import ClassificationSuggestion, Column
    from catalog.tests.factories import ColumnFactory, column_edge, level

    column, downstream = ColumnFactory(name="email"), ColumnFactory()
    column_edge(column, downstream)
    client.force_login(data_steward)
    response = client.post(
        f"/admin/catalog/column/{column.pk}/change/",
        {
            "dataset": column.dataset_id,
            "name": "email",
            "data_type": "VARCHAR",
            "classification": level("L3").pk,
            "pii_category": "direct_identifier",
            "description": "",
            "nullable": "unknown",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Column.objects.get(pk=column.pk).classification.code == "L3"
    assert ClassificationSuggestion.objects.get().column_id == downstream.pk


def test_glossary_actions_in_the_admin_follow_four_eyes(client, data_steward, compliance_officer):
    from catalog.models import GlossaryTerm
    from catalog.services import glossary_term_create, glossary_term_submit

    term = glossary_term_create(name="Tenant", definition="A customer organisation", actor=data_steward)
    glossary_term_submit(term=term, actor=data_steward)
    client.force_login(compliance_officer)
    response = client.post(
        "/admin/catalog/glossaryterm/", {"action": "approve", "_selected_action": [term.pk]}, follow=True
    )
    assert response.status_code == 200
    term.refresh_from_db()
    assert term.status == GlossaryTerm.Status.APPROVED and term.approved_by == compliance_officer


def test_steward_cannot_use_the_approve_action(client, data_steward):
    from catalog.models import GlossaryTerm
    from catalog.services import glossary_term_create, glossary_term_submit

    term = glossary_term_create(name="Tenant", definition="A customer organisation", actor=data_steward)
    glossary_term_submit(term=term, actor=data_steward)
    client.force_login(data_steward)
    client.post("/admin/catalog/glossaryterm/", {"action": "approve", "_selected_action": [term.pk]})
    assert GlossaryTerm.objects.get(pk=term.pk).status == GlossaryTerm.Status.IN_REVIEW


def test_steward_creates_a_term_in_the_admin_as_a_draft_with_an_event(client, data_steward):
    from catalog.models import GlossaryTerm

    client.force_login(data_steward)
    response = client.post(
        "/admin/catalog/glossaryterm/add/",
        {
            "name": "Work order",
            "definition": "A unit of maintenance work",
            "synonyms": '["job"]',
            "glossarytermevent_set-TOTAL_FORMS": "0",
            "glossarytermevent_set-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    term = GlossaryTerm.objects.get()
    assert (term.status, term.last_edited_by) == ("draft", data_steward)
    assert [e.action for e in term.events.all()] == ["created"]


def test_column_page_offers_only_approved_glossary_terms(client, data_steward, compliance_officer):
    from catalog.services import glossary_term_approve, glossary_term_create, glossary_term_submit
    from catalog.tests.factories import ColumnFactory

    draft = glossary_term_create(name="Draft term", definition="d", actor=data_steward)
    approved = glossary_term_create(name="Approved term", definition="d", actor=data_steward)
    glossary_term_approve(
        term=glossary_term_submit(term=approved, actor=data_steward), actor=compliance_officer
    )
    column = ColumnFactory()
    client.force_login(data_steward)
    form = client.get(f"/admin/catalog/column/{column.pk}/change/").context["adminform"].form
    offered = list(form.fields["glossary_terms"].queryset)
    assert offered == [approved] and draft not in offered


def test_column_page_lists_upstream_and_downstream_columns(client, data_steward):
    from catalog.tests.factories import ColumnFactory, column_edge

    source, column, target = ColumnFactory(name="src"), ColumnFactory(name="mid"), ColumnFactory(name="dst")
    column_edge(source, column)
    column_edge(column, target)
    client.force_login(data_steward)
    page = client.get(f"/admin/catalog/column/{column.pk}/change/").content.decode()
    upstream, downstream = page.split("Column lineage", 1)[1].split("Downstream", 1)
    assert f"/admin/catalog/column/{source.pk}/change/" in upstream
    assert f"/admin/catalog/column/{target.pk}/change/" in downstream


def test_removed_dataset_and_column_say_so_on_their_pages_and_in_the_api(client, data_steward):
    from catalog.services.datasets import column_mark_removed, dataset_mark_removed
    from catalog.tests.factories import ColumnFactory

    live, gone = ColumnFactory(name="live"), ColumnFactory(name="gone")
    column_mark_removed(column=gone)
    client.force_login(data_steward)
    assert "removed-note" not in client.get(f"/admin/catalog/column/{live.pk}/change/").content.decode()
    page = client.get(f"/admin/catalog/column/{gone.pk}/change/").content.decode()
    assert "no longer found this column in its table" in page and "left out of current lineage" in page
    dataset_mark_removed(dataset=live.dataset)
    page = client.get(f"/admin/catalog/dataset/{live.dataset.pk}/change/").content.decode()
    assert "no longer found this dataset" in page
    assert (
        "Its dataset was removed" in client.get(f"/admin/catalog/column/{live.pk}/change/").content.decode()
    )
    shown = client.get("/admin/catalog/column/?status=removed").context["cl"].result_list
    assert [c.name for c in shown] == ["gone"]
    assert client.get(f"/api/catalog/columns/{live.pk}/").json()["removed"] is True
    assert client.get(f"/api/catalog/datasets/{live.dataset.pk}/").json()["removed"] is True
    assert client.get(f"/api/catalog/datasets/{gone.dataset.pk}/").json()["removed"] is False
