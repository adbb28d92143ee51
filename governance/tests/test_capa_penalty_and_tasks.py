"""Overdue findings and CAPAs in the readiness score; the daily overdue sweep."""

from datetime import date

import pytest
import time_machine

from accounts.tests.factories import OrganizationFactory
from governance.models import Capa, CapaAction, CapaEvent, Finding
from governance.readiness import readiness_compute
from governance.services.controls import control_map, control_test_record, control_test_review
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tasks import flag_overdue
from governance.tests.capa_helpers import make_capa, make_finding
from governance.tests.conftest import upload
from governance.tests.factories import ControlFactory, CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db
D = date(2026, 11, 20)


@pytest.fixture
def perfect(compliance_officer, data_steward):
    """One criterion A with one control K: tested, reviewed, evidence over the whole window: raw 100."""
    framework = FrameworkFactory(slug="fx")
    a = CriterionFactory(framework=framework, ref="A")
    k = ControlFactory(ref="K", owner=compliance_officer)
    control_map(control=k, criteria=[a], actor=compliance_officer)
    test = control_test_record(
        control=k,
        preparer=compliance_officer,
        kind="operating",
        result="pass",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 20),
        methodology="x",
    )
    control_test_review(test=test, reviewer=data_steward)
    item = evidence_upload(
        control=k,
        title="K",
        effective_from=date(2026, 8, 1),
        effective_to=date(2026, 11, 15),
        validity_days=30,
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    return framework, a, k


def test_overdue_findings_and_capas_lower_the_score_as_documented(compliance_officer, perfect):
    framework, a, k = perfect
    other = CriterionFactory(framework=FrameworkFactory(slug="other"), ref="Z")
    tenant = OrganizationFactory(name="Tenant X")
    owner = compliance_officer

    def finding(ref, severity, due, criteria=(a,), controls=(), **kw):
        f = make_finding(owner, ref=ref, severity=severity, due=due, **kw)
        f.criteria.add(*criteria)
        f.controls.add(*controls)
        return f

    f1 = finding("F-1", "major", date(2026, 11, 15))  # past due: 5
    f2 = finding("F-2", "minor", date(2026, 11, 25), criteria=(), controls=(k,))  # not yet due: 0
    finding("F-3", "critical", date(2026, 11, 1), status="closed", closed_on=date(2026, 11, 10))  # closed: 0
    finding(
        "F-4", "critical", date(2026, 11, 1), status="closed", closed_on=date(2026, 11, 25)
    )  # open on D: 10
    finding("F-5", "observation", date(2026, 11, 1))  # observations cost 0
    finding("F-6", "critical", date(2026, 11, 1), organization=tenant)  # only in Tenant X's score: 10
    finding("F-7", "major", date(2026, 11, 1), criteria=(other,))  # another framework
    make_capa(owner, finding=f1, ref="C-1", due=date(2026, 11, 19))  # past due: 3
    make_capa(owner, finding=f2, ref="C-2", due=date(2026, 11, 10))  # past due, finding in scope: 3
    make_capa(owner, finding=f1, ref="C-3", due=date(2026, 12, 1))  # not yet due

    result = readiness_compute(framework=framework, day=D)
    assert result.raw == 100
    assert [(p.points, p.reason) for p in result.penalties] == [
        (10.0, "Finding F-4 (critical) past due since 2026-11-01"),
        (5.0, "Finding F-1 (major) past due since 2026-11-15"),
        (3.0, "CAPA C-2 past due since 2026-11-10"),
        (3.0, "CAPA C-1 past due since 2026-11-19"),
    ]
    assert result.score == 79  # 100 - 10 - 5 - 3 - 3
    assert readiness_compute(framework=framework, day=D, organization=tenant).score == 69  # and F-6: -10
    # Before anything was due, nothing is taken off.
    assert readiness_compute(framework=framework, day=date(2026, 10, 31)).score == 100


def test_overdue_sweep_flags_once_and_schedules_missing_checks(compliance_officer):
    owner = compliance_officer
    finding = make_finding(owner, ref="F-1", due=date(2026, 11, 15))
    late = make_capa(owner, finding=finding, ref="C-1", due=date(2026, 11, 19))
    on_time = make_capa(owner, ref="C-2", due=date(2026, 12, 19))
    # An action recorded as done outside the services (an import): the sweep schedules its check.
    CapaAction.objects.create(
        capa=on_time,
        kind="corrective",
        description="x",
        owner=owner,
        due_date=date(2026, 11, 1),
        status="done",
        completed_on=date(2026, 10, 15),
    )
    with time_machine.travel("2026-11-20 05:30:00Z"):
        first = flag_overdue()
        again = flag_overdue()
    assert first == {"checks_scheduled": 1, "checks_due": 1, "findings": 1, "capas": 1}
    assert again == {"checks_scheduled": 0, "checks_due": 1, "findings": 0, "capas": 0}
    assert Finding.objects.get(pk=finding.pk).flagged_overdue_on == D
    assert CapaEvent.objects.filter(capa=late, kind=CapaEvent.Kind.OVERDUE).count() == 1
    on_time.refresh_from_db()
    assert on_time.status == Capa.Status.VERIFYING
    assert on_time.checks.get().due_date == date(2026, 11, 14)  # 15 Oct + 30 days: due already


def test_beat_schedule_runs_the_sweep_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["governance-capa-overdue"]
    assert entry["task"] == "governance.tasks.flag_overdue"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({5}, {30})


def test_check_falls_due_n_days_after_the_actions_close_under_frozen_time(compliance_officer):
    from governance.services.capa import capa_action_save
    from governance.tests.capa_helpers import add_action

    owner = compliance_officer
    with time_machine.travel("2026-11-03 12:00:00Z", tick=False):
        capa = make_capa(owner, effectiveness_days=30)
        action = add_action(capa, owner)
        action.status, action.completed_on = CapaAction.Status.DONE, date.today()
        capa_action_save(action=action, actor=owner)
    assert capa.checks.get().due_date == date(2026, 12, 3)
    with time_machine.travel("2026-12-02 12:00:00Z", tick=False):
        assert flag_overdue()["checks_due"] == 0
    with time_machine.travel("2026-12-03 12:00:00Z", tick=False):
        assert flag_overdue()["checks_due"] == 1


def test_readiness_page_names_the_overdue_finding(client, compliance_officer, perfect):
    framework, a, _ = perfect
    make_finding(compliance_officer, ref="F-9", severity="critical", due=date(2026, 11, 1)).criteria.add(a)
    client.force_login(compliance_officer)
    with time_machine.travel("2026-11-20 12:00:00Z", tick=False):
        page = client.get(f"/admin/governance/readinessscore/framework/{framework.pk}/").content.decode()
    assert "Finding F-9 (critical) past due since 2026-11-01" in page and "Raw 100.00" in page
