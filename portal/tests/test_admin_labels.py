"""Admin pages show people by name, codes by their labels, and filters that list only what matters."""

import pytest
from django.contrib.auth import get_user_model
from guardian.utils import get_anonymous_user

from accounts.audit import system_user
from catalog.models import GlossaryTerm
from catalog.selectors import dataset_graph
from catalog.services import glossary_term_create, glossary_term_submit
from catalog.tests.factories import DatasetFactory, chain
from governance.models import CapaAction, Control
from governance.services.capa import capa_action_save
from governance.tests.capa_helpers import make_capa
from governance.tests.factories import CriterionFactory
from portal.models import PortalAccess
from warehouse.models import JobRun

pytestmark = pytest.mark.django_db


def _superuser():
    return get_user_model().objects.create_superuser("root", "root@example.test", "x", first_name="Rita")


def _filter_choices(response, title):
    spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
    return [choice["display"] for choice in spec.choices(response.context["cl"])][1:]  # without "All"


def test_people_are_shown_by_full_name_not_username(client, compliance_officer):
    make_capa(compliance_officer, ref="CAPA-7")
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/capa/").content.decode()
    assert str(compliance_officer) == "Test Carla" and ">Test Carla<" in page
    assert ">carla<" not in page


def test_owner_filter_lists_people_only(client, compliance_officer, data_steward):
    for owner in (compliance_officer, system_user(), get_anonymous_user(), data_steward):
        Control.objects.create(ref=f"C-{owner.username}", name="Review", owner=owner, frequency="quarterly")
    client.force_login(_superuser())
    response = client.get("/admin/governance/control/")
    assert _filter_choices(response, "owner") == ["Test Carla", "Test Dana"]


def test_audit_trail_filter_lists_only_the_projects_models(client, compliance_officer):
    client.force_login(_superuser())
    choices = _filter_choices(client.get("/admin/accounts/auditentry/"), "object type")
    assert "Data catalog · dataset" in choices and "Governance · CAPA" in choices
    foreign = [
        c
        for c in choices
        if c.split(" · ")[0]
        not in {
            "Accounts and access",
            "Data catalog",
            "Warehouse",
            "Warehouse access",
            "Governance",
            "Regulatory submissions",
            "Reporting",
            "Portal",
        }
    ]
    assert foreign == []


def test_verbose_names_read_as_english(client):
    client.force_login(_superuser())
    page = client.get("/admin/").content.decode()
    assert ">Leaves<" in page and ">CDC events<" in page and ">CDC sources<" in page
    assert "Leafs" not in page and "Cdc " not in page


def test_readiness_page_shows_status_labels_not_codes(client, compliance_officer):
    criterion = CriterionFactory()  # no control mapped to it
    client.force_login(_superuser())
    page = client.get(
        f"/admin/governance/readinessscore/framework/{criterion.framework_id}/"
    ).content.decode()
    assert "No control mapped" in page and "Not applicable" in page
    assert "</span> no_control" not in page and ": no_control" not in page


def test_glossary_history_shows_status_labels_not_codes(client, data_steward):
    term = glossary_term_create(name="ARR", definition="Annual recurring revenue", actor=data_steward)
    glossary_term_submit(term=term, actor=data_steward)
    client.force_login(_superuser())
    page = client.get(f"/admin/catalog/glossaryterm/{term.pk}/change/").content.decode()
    assert GlossaryTerm.Status.IN_REVIEW.label in page and "in_review" not in page


def test_job_run_results_render_as_a_table_not_json(client):
    results = [
        {
            "unique_id": f"model.custodian.mart_{i}",
            "status": "success",
            "rows": i,
            "execution_time": 0.25,
            "message": "OK",
        }
        for i in range(3)
    ]
    run = JobRun.objects.create(job="daily", status=JobRun.Status.SUCCEEDED, results=results)
    client.force_login(_superuser())
    page = client.get(f"/admin/warehouse/jobrun/{run.pk}/change/").content.decode()
    assert '<table class="job-results">' in page and "<td>model.custodian.mart_2</td>" in page
    assert "<td>0.25 s</td>" in page and '"unique_id"' not in page and "&quot;unique_id" not in page


def test_capa_action_descriptions_are_short_text_areas(client, compliance_officer):
    capa = make_capa(compliance_officer, ref="CAPA-8")
    action = CapaAction(
        capa=capa, kind="corrective", description="x", owner=compliance_officer, due_date=capa.due_date
    )
    capa_action_save(action=action, actor=compliance_officer)
    client.force_login(_superuser())
    page = client.get(f"/admin/governance/capa/{capa.pk}/change/").content.decode()
    assert 'name="actions-0-description" cols="36" rows="2"' in page


def test_lineage_graph_scales_to_the_page_and_shows_table_names_whole():
    name = "warehouse.curated.fact_work_order_event_with_a_long_name"
    upstream, focus = DatasetFactory(name="warehouse.raw.work_order_events"), DatasetFactory(name=name)
    chain(upstream, focus)
    svg = dataset_graph(dataset=focus)["svg"]
    assert 'width="100%"' in svg and "max-width:" in svg
    assert ">work_order_events</text>" in svg and ">warehouse.raw</text>" in svg
    assert ">fact_work_order_event_with_…</text>" in svg  # cut at the right, never at the left


def test_auditor_access_log_filter_lists_auditors_by_name(client, auditor):
    PortalAccess.objects.create(
        user=auditor, kind=PortalAccess.Kind.VIEW, method="GET", path="/portal/", status_code=200
    )
    client.force_login(_superuser())
    assert _filter_choices(client.get("/admin/portal/portalaccess/"), "auditor") == ["Test Avery"]


def test_owner_picker_offers_people_only(client, compliance_officer):
    system_user()
    get_anonymous_user()  # both accounts exist; neither may be offered as an owner
    client.force_login(_superuser())
    found = client.get(
        "/admin/autocomplete/", {"app_label": "governance", "model_name": "capa", "field_name": "owner"}
    ).json()["results"]
    assert {r["text"] for r in found} == {"Test Carla", "Rita"}


def test_job_run_list_shows_the_running_node_under_its_progress(client, compliance_officer):
    JobRun.objects.create(
        job="hourly", status="running", progress=40, current_node="model.custodian.dim_time"
    )
    client.force_login(compliance_officer)
    page = client.get("/admin/warehouse/jobrun/").content.decode()
    assert (
        '<progress max="100" value="40"></progress> 40%<div class="help">model.custodian.dim_time</div>'
        in page
    )
    assert "column-current_node" not in page and "column-finished_at" not in page
