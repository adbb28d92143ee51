"""The admin index grouped by work, a home page per role, and the way from the site's home to both."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ClassificationSuggestion, Column, Dataset
from governance.models import Audit, AuditTask, Evidence, ReadinessScore
from governance.tests.capa_helpers import make_audit, make_capa, make_finding
from governance.tests.factories import ControlFactory, FrameworkFactory
from portal.navigation import NAVIGATION
from portal.work import ROLE_HOMES
from reporting.dashboards import DASHBOARDS
from submissions.models import Application, Correspondence
from warehouse.models import JobRun, WarehouseModel

pytestmark = pytest.mark.django_db


def test_admin_index_lists_every_model_once_under_a_work_group(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "x"))
    app_list = client.get("/admin/").context["app_list"]
    assert [group["name"] for group in app_list] == [group.name for group in NAVIGATION]
    listed = [f"{g['app_label']}:{m['object_name']}" for g in app_list for m in g["models"]]
    # admin pages that are no model's (portal.admin_site): the warehouse tables, every dashboard
    # (a superuser sees them all) and the metric list
    dashboards = [f"warehouse:{page.title.replace(' ', '')}" for page in DASHBOARDS]
    pages = ["warehouse:WarehouseTables", *dashboards, "warehouse:Metrics"]
    assert len(listed) == len(admin.site._registry) + len(pages) and set(pages) <= set(listed)
    assert "catalog:Dataset" in listed and "audits:Capa" in listed and "warehouse:JobRun" in listed


def test_index_lists_only_the_dashboards_the_user_may_open(client, data_steward, outsider):
    client.force_login(data_steward)
    group = next(g for g in client.get("/admin/").context["app_list"] if g["app_label"] == "warehouse")
    names = [m["name"] for m in group["models"]]
    assert {"Operational dashboard", "Data health", "Metrics"} <= set(names)
    assert "Executive dashboard" not in names and "Compliance dashboard" not in names
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    listed = [m["name"] for g in client.get("/admin/").context["app_list"] for m in g["models"]]
    assert "Metrics" not in listed and "Data health" not in listed


def test_index_links_only_the_role_homes_the_user_holds(client, compliance_officer):
    client.force_login(compliance_officer)
    page = client.get("/admin/").content.decode()
    assert 'href="/admin/home/compliance/"' in page and "/admin/home/data/" not in page


def test_role_home_is_refused_to_other_roles(client, data_steward):
    client.force_login(data_steward)
    assert client.get("/admin/home/compliance/").status_code == 403
    assert client.get("/admin/home/data/").status_code == 200


def test_empty_role_homes_say_there_is_nothing_to_do(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "x"))
    for home in ROLE_HOMES:
        page = client.get(f"/admin/home/{home.slug}/").content.decode()
        assert all(panel.empty in page for panel in home.panels), home.slug


def _grow(owner, n, start=0):
    """`n` open, late or failing items for every panel of every role home."""
    today = timezone.localdate()
    audit = Audit.objects.first() or make_audit(owner)
    control = ControlFactory(owner=owner)
    application = Application.objects.first() or Application.objects.create(
        application_type="nda", region="us", product="Zentrix", agency_number="123456"
    )
    dataset = Dataset.objects.create(namespace="duckdb", name=f"t{start}")
    for i in range(start, start + n):
        finding = make_finding(owner, ref=f"F-{i}", due=today - timedelta(days=3))
        make_capa(owner, finding=finding, ref=f"CAPA-{i}", due=today - timedelta(days=1))
        AuditTask.objects.create(audit=audit, title=f"task {i}", owner=owner, due_date=today)
        Evidence.objects.create(
            control=control,
            kind="link",
            title=f"evidence {i}",
            url="https://example.test/e",
            effective_from=today - timedelta(days=90),
            effective_to=today,
            valid_until=today + timedelta(days=9),
            collected_by=owner,
            status=Evidence.Status.ACCEPTED,
        )
        JobRun.objects.create(job=f"job {i}", status=JobRun.Status.FAILED, error="boom")
        WarehouseModel.objects.create(
            unique_id=f"model.m{i}", name=f"m{i}", layer="marts", last_status="error"
        )
        column = Column.objects.create(dataset=dataset, name=f"c{i}")
        ClassificationSuggestion.objects.create(
            column=column, detector="name_pattern", reason="looks like e-mail"
        )
        Correspondence.objects.create(
            application=application,
            kind="fda_ir",
            subject=f"IR {i}",
            received_on=today,
            due_on=today + timedelta(days=i % 20),
            owner=owner,
        )
        ReadinessScore.objects.create(framework=FrameworkFactory(), day=today, score=70 + i % 20)


def test_role_homes_show_each_role_its_work_with_names(
    client, compliance_officer, data_steward, submission_manager, executive
):
    _grow(compliance_officer, 2)
    expected = {
        compliance_officer: ("compliance", ["CAPA-1 Fix CAPA-1", "task 0", "evidence 1", "F-0 Finding F-0"]),
        data_steward: ("data", ["job 1", "boom", "m0", "looks like e-mail"]),
        submission_manager: ("submissions", ["Zentrix", "IR 1", "1 day(s) left"]),
        executive: ("executive", ["Framework", "CAPA-0 Fix CAPA-0", "F-1 Finding F-1"]),
    }
    for user, (slug, texts) in expected.items():
        client.force_login(user)
        page = client.get(f"/admin/home/{slug}/").content.decode()
        assert all(text in page for text in texts), (slug, [t for t in texts if t not in page])
        if slug != "data":  # people by name, not by username
            assert compliance_officer.get_full_name() in page


@pytest.mark.parametrize("slug", ["compliance", "data", "submissions", "executive"])
def test_role_home_queries_do_not_grow_with_rows(
    client, compliance_officer, slug, django_user_model, django_assert_max_num_queries
):
    root = django_user_model.objects.create_superuser("root", "root@example.test", "x")
    client.force_login(root)
    _grow(compliance_officer, 1)
    url = f"/admin/home/{slug}/"
    client.get(url)  # warm the per-process caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(compliance_officer, 25, start=1)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_site_home_links_the_admin_and_the_auditor_portal(client):
    page = client.get("/").content.decode()
    assert 'href="/admin/"' in page and 'href="/portal/"' in page


def test_every_panel_links_to_its_filtered_full_list(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.test", "x"))
    for home in ROLE_HOMES:
        for panel in home.panels:
            response = client.get(panel.more_url())
            assert response.status_code == 200, (home.slug, panel.title, response.get("Location"))
