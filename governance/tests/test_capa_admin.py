"""Admin: list pages (few queries as rows grow), the timeline, the CAPA page and its sign pages."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import Signature
from accounts.tests.factories import PASSWORD
from governance.models import Audit, AuditTask, Capa, CapaAction, CapaEvent, Course, Curriculum, Deviation
from governance.services.audits import audit_task_save, deviation_save
from governance.services.training import curriculum_assign
from governance.tests.capa_helpers import add_action, capa_ready_to_close, make_audit, make_capa, make_finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20 09:00:00Z", tick=False):
        yield


LISTS = [
    "audit",
    "audittask",
    "finding",
    "capa",
    "effectivenesscheck",
    "capaevent",
    "deviation",
    "course",
    "curriculum",
    "trainingrecord",
    "trainingrecord/compliance",
    "audit/timeline",
]


def _rows(owner, n):
    for i in range(n):
        audit = make_audit(owner, title=f"Audit {i}-{n}", planned_start=date(2026, 10, 1 + i))
        audit_task_save(
            task=AuditTask(audit=audit, title="PBC list", owner=owner, due_date=date(2026, 11, 1)),
            actor=owner,
        )
        finding = make_finding(owner, ref=f"F-{n}-{i}", source="audit", audit=audit)
        capa = make_capa(owner, finding=finding, ref=f"C-{n}-{i}")
        add_action(capa, owner)
        capa_ready_to_close(owner, ref=f"R-{n}-{i}")
        deviation_save(
            deviation=Deviation(ref=f"D-{n}-{i}", title="Late review", kind="unplanned", owner=owner),
            actor=owner,
        )
        Course.objects.create(code=f"C{n}-{i}", title="Course")
    curriculum, _ = Curriculum.objects.get_or_create(role=Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    curriculum.courses.set(Course.objects.all())
    curriculum_assign(curriculum=curriculum, day=date(2026, 11, 1), actor=owner)


@pytest.mark.parametrize("model", LISTS)
def test_list_pages_do_not_grow_queries_with_rows(
    client, compliance_officer, model, django_assert_max_num_queries
):
    client.force_login(compliance_officer)
    _rows(compliance_officer, 1)
    url = f"/admin/governance/{model}/"
    baseline = len(_queries(client, url))
    _rows(compliance_officer, 3)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
    assert client.get(url, {"q": "1"}).status_code == 200


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return ctx.captured_queries


def test_filters_overdue_severity_status_owner(client, compliance_officer):
    make_finding(compliance_officer, ref="F-LATE", due=date(2026, 11, 1))
    make_finding(compliance_officer, ref="F-LATER", due=date(2026, 12, 1), severity="minor")
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/finding/", {"overdue": "yes"}).content.decode()
    assert "F-LATE" in page and "F-LATER" not in page
    page = client.get("/admin/governance/finding/", {"severity__exact": "minor"}).content.decode()
    assert "F-LATER" in page and "F-LATE " not in page
    page = client.get("/admin/governance/capa/", {"overdue": "no", "status__exact": "open"})
    assert page.status_code == 200


def test_timeline_shows_audits_tasks_and_overdue_items(
    client, compliance_officer, django_assert_max_num_queries
):
    current = make_audit(compliance_officer, title="Customer audit Helix", kind="customer")
    audit_task_save(
        task=AuditTask(
            audit=current, title="Send policies", owner=compliance_officer, due_date=date(2026, 11, 10)
        ),
        actor=compliance_officer,
    )
    audit_task_save(
        task=AuditTask(
            audit=current, title="Walkthrough", owner=compliance_officer, due_date=date(2026, 12, 10)
        ),
        actor=compliance_officer,
    )
    old = make_audit(
        compliance_officer,
        title="ISO 27001 2025",
        planned_start=date(2025, 5, 1),
        planned_end=date(2025, 5, 5),
        status=Audit.Status.CLOSED,
    )
    make_finding(
        compliance_officer,
        ref="F-OLD",
        source="audit",
        audit=old,
        due=date(2025, 8, 1),
        status="closed",
        closed_on=date(2025, 7, 1),
    )
    make_finding(compliance_officer, ref="F-LATE", due=date(2026, 11, 1))
    client.force_login(compliance_officer)
    with django_assert_max_num_queries(15):
        page = client.get("/admin/governance/audit/timeline/").content.decode()
    assert "Customer audit Helix" in page and "ISO 27001 2025" not in page
    assert "Send policies — " in page and "(OVERDUE)" in page and page.count("(OVERDUE)") == 1
    assert "F-LATE" in page  # in the overdue list
    history = client.get("/admin/governance/audit/timeline/", {"history": "1"}).content.decode()
    assert "ISO 27001 2025" in history and "findings 0 open / 1" in history


def test_historical_audit_page_shows_findings_with_remediation(client, compliance_officer):
    audit = make_audit(compliance_officer, status=Audit.Status.CLOSED)
    finding = make_finding(compliance_officer, ref="F-9", source="audit", audit=audit)
    make_capa(compliance_officer, finding=finding, ref="CAPA-9")
    client.force_login(compliance_officer)
    page = client.get(f"/admin/governance/audit/{audit.pk}/change/").content.decode()
    assert "F-9" in page and "CAPA-9 — Open: actions under way" in page


def test_capa_page_lists_actions_checks_and_closure_state(client, compliance_officer):
    capa = make_capa(compliance_officer)
    add_action(capa, compliance_officer)
    client.force_login(compliance_officer)
    page = client.get(f"/admin/governance/capa/{capa.pk}/change/").content.decode()
    assert "corrective action" in page and "Cannot close yet: Action still open" in page


def test_adding_a_capa_with_an_action_goes_through_the_services(client, compliance_officer):
    client.force_login(compliance_officer)
    prefix = "actions"
    data = {
        "ref": "CAPA-50",
        "title": "Backups",
        "source": "complaint",
        "owner": compliance_officer.pk,
        "opened_on": "2026-11-20",
        "due_date": "2027-01-31",
        "effectiveness_days": "60",
        "root_cause_method": "five_whys",
        "root_cause": "No restore test",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-kind": "corrective",
        f"{prefix}-0-description": "Monthly restore test",
        f"{prefix}-0-owner": compliance_officer.pk,
        f"{prefix}-0-due_date": "2026-12-15",
        f"{prefix}-0-status": "done",
        f"{prefix}-0-completed_on": "2026-11-20",
        "checks-TOTAL_FORMS": "0",
        "checks-INITIAL_FORMS": "0",
        "accounts-signature-content_type-object_pk-TOTAL_FORMS": "0",
        "accounts-signature-content_type-object_pk-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/governance/capa/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    capa = Capa.objects.get(ref="CAPA-50")
    assert capa.status == Capa.Status.VERIFYING  # its only action is done: the check is scheduled
    assert capa.checks.get().due_date == date(2027, 1, 19)
    kinds = set(CapaEvent.objects.filter(capa=capa).values_list("kind", flat=True))
    assert kinds == {"opened", "action_done", "check_scheduled"}


def test_close_page_signs_only_with_the_password(client, compliance_officer):
    capa = capa_ready_to_close(compliance_officer)
    client.force_login(compliance_officer)
    url = f"/admin/governance/capa/{capa.pk}/close/"
    page = client.post(url, {"password": "wrong", "comment": ""}, REMOTE_ADDR="10.0.0.7")
    assert page.status_code == 200 and "nothing was signed" in page.content.decode()
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.VERIFYING
    signatures = Signature.objects.count()
    response = client.post(url, {"password": PASSWORD, "comment": "OK"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.CLOSED
    assert Signature.objects.count() == signatures + 1
    page = client.get(f"/admin/governance/capa/{capa.pk}/change/").content.decode()
    assert "Closed, signed by" in page and ">valid<" in page


def test_close_page_shows_blockers_and_a_post_changes_nothing(client, compliance_officer):
    capa = make_capa(compliance_officer)
    add_action(capa, compliance_officer)
    client.force_login(compliance_officer)
    url = f"/admin/governance/capa/{capa.pk}/close/"
    page = client.post(url, {"password": PASSWORD}).content.decode()
    assert "This cannot be done yet" in page and "Action still open" in page
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.OPEN and not Signature.objects.exists()


def test_check_approval_page_signs_the_recorded_result(client, compliance_officer):
    capa = make_capa(compliance_officer)
    action = add_action(capa, compliance_officer)
    action.status, action.completed_on = CapaAction.Status.DONE, timezone.localdate() - timedelta(days=40)
    from governance.services.capa import capa_action_save

    capa_action_save(action=action, actor=compliance_officer)
    check = capa.checks.get()
    client.force_login(compliance_officer)
    response = client.post(
        f"/admin/governance/effectivenesscheck/{check.pk}/change/",
        {
            "plan": "No recurrence",
            "result": "passed",
            "performed_on": "2026-11-20",
            "evidence": "Ticket export",
            "evidence_link": "",
            "accounts-signature-content_type-object_pk-TOTAL_FORMS": "0",
            "accounts-signature-content_type-object_pk-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/admin/governance/effectivenesscheck/{check.pk}/approve/", {"password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(f"/admin/governance/effectivenesscheck/{check.pk}/change/").content.decode()
    assert "Approved: " in page and ">valid<" in page


def test_executive_views_capas_but_cannot_close_or_edit(client, compliance_officer, executive):
    capa = capa_ready_to_close(compliance_officer)
    client.force_login(executive)
    assert client.get("/admin/governance/capa/").status_code == 200
    response = client.post(f"/admin/governance/capa/{capa.pk}/close/", {"password": PASSWORD})
    assert response.status_code == 403
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.VERIFYING
    assert client.get("/admin/governance/audit/timeline/").status_code == 200


def test_training_compliance_page_for_officers_only(client, compliance_officer, data_steward):
    course = Course.objects.create(code="GXP-101", title="GxP basics")
    curriculum = Curriculum.objects.create(role=Group.objects.get(name=roles.DATA_STEWARD))
    curriculum.courses.set([course])
    curriculum_assign(curriculum=curriculum, day=date(2026, 11, 1), actor=compliance_officer)
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/trainingrecord/compliance/").content.decode()
    assert "Data steward" in page and "0.0%" in page
    client.force_login(data_steward)
    assert client.get("/admin/governance/trainingrecord/compliance/").status_code == 403
    own = client.get("/admin/governance/trainingrecord/").content.decode()
    assert "GXP-101" in own and "Training compliance" not in own


def test_closed_capa_is_read_only_until_reopened_and_then_shows_the_void_signature(
    client, compliance_officer
):
    from governance.tests.capa_helpers import close

    capa = close(capa_ready_to_close(compliance_officer), compliance_officer)
    client.force_login(compliance_officer)
    change = f"/admin/governance/capa/{capa.pk}/change/"
    response = client.post(change, {"ref": capa.ref, "title": "Renamed", "due_date": "2027-01-31"})
    assert response.status_code == 403
    assert Capa.objects.get(pk=capa.pk).title == capa.title
    assert "Reopen" in client.get(change).content.decode()
    response = client.post(f"/admin/governance/capa/{capa.pk}/reopen/", {"reason": "Recurrence in December"})
    assert response.status_code == 302
    page = client.get(change).content.decode()
    assert Capa.objects.get(pk=capa.pk).status == Capa.Status.VERIFYING
    assert "void: the record changed after signing" in page
