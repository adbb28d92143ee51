"""The compliance dashboard against small worlds whose numbers are computed by hand."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.tests.factories import OrganizationFactory, UserFactory
from governance.models import Audit, Capa, Course, Curriculum, Deviation, Finding, TrainingRecord
from governance.services.audits import deviation_save
from governance.services.controls import control_test_record, control_test_review
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.readiness import readiness_record
from governance.tests.factories import ControlFactory, CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 31)
URL = "/admin/dashboards/compliance/"


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOVERNANCE_READINESS_WINDOW_DAYS = 10
    settings.GOVERNANCE_PENALTY_FINDING_POINTS = {"critical": 10, "major": 5, "minor": 2, "observation": 0}
    with time_machine.travel(date(2026, 10, 31), tick=False):
        yield


def _page(client, user):
    client.force_login(user)
    return client.get(URL)


def _effective_control(criterion, actor, reviewer):
    """A control with a reviewed passing test and evidence over the whole window: score 1."""
    control = ControlFactory(owner=actor, ref="AC-01", name="Quarterly access review")
    control.mappings.create(criterion=criterion)
    evidence = evidence_upload(
        control=control,
        title="Review",
        effective_from=date(2026, 10, 1),
        effective_to=TODAY,
        validity_days=30,
        uploaded=SimpleUploadedFile("r.csv", b"a,b\n"),
        actor=actor,
    )
    evidence_accept(evidence=evidence, actor=actor)
    test = control_test_record(
        control=control,
        preparer=actor,
        kind="operating",
        result="pass",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 20),
        methodology="inspection",
    )
    control_test_review(test=test, reviewer=reviewer)
    return control


@pytest.fixture
def readiness_world(compliance_officer, data_steward):
    """Framework F: A (area Access, effective control) and B (area Operations, no control), weight 1
    each: raw 100 x (1 + 0) / 2 = 50. A minor finding on A past due: -2, score 48."""
    framework = FrameworkFactory(name="SOC 2", slug="soc2")
    a = CriterionFactory(framework=framework, ref="CC6.1", group="Access", position=1)
    b = CriterionFactory(framework=framework, ref="CC7.1", group="Operations", position=2)
    _effective_control(a, compliance_officer, data_steward)
    finding = Finding.objects.create(
        ref="F-1",
        title="Late leaver",
        severity="minor",
        source="self",
        owner=compliance_officer,
        identified_on=date(2026, 10, 1),
        due_date=date(2026, 10, 20),
    )
    finding.criteria.add(a)
    return framework, a, b


def test_readiness_per_framework_area_and_movers(client, compliance_officer, readiness_world):
    framework, _, b = readiness_world
    context = _page(client, compliance_officer).context
    [(result, url)] = context["readiness"]
    assert (result.framework, result.score) == (framework, 48.0)
    assert url == f"/admin/governance/readinessscore/framework/{framework.pk}/"
    assert context["overall"] == 48.0
    [(_, cells)] = context["heatmap"]
    assert {(c.area, c.score, c.criteria) for c in cells} == {("Access", 100.0, 1), ("Operations", 0.0, 1)}
    movers = [(m.kind, m.gain) for m, _ in context["movers"]]
    assert movers == [("unmapped", 50.0), ("penalty", 2.0)]  # the effective control gains nothing
    first_mover, first_url = context["movers"][0]
    assert first_mover.label == f"Map a control to CC7.1 {b.title}"
    assert first_url == f"/admin/governance/criterion/{b.pk}/change/"


def test_readiness_per_organisation_from_the_recorded_scores(client, compliance_officer, readiness_world):
    framework, _, b = readiness_world
    helix = OrganizationFactory(name="Helix Pharma", slug="helix")
    # Helix's own control on B, never tested: B stays 0 for Helix and the company alike.
    ControlFactory(owner=compliance_officer, organization=helix).mappings.create(criterion=b)
    readiness_record(day=TODAY)
    [row] = _page(client, compliance_officer).context["tenants"]["rows"]
    assert row["organization"] == helix
    # B's mean over its controls is 0 for Helix (its control is untested): 48 as company-wide.
    assert row["overall"][0] == 48 and row["by_framework"][0][0] == 48
    assert (
        row["by_framework"][0][1]
        == f"/admin/governance/readinessscore/framework/{framework.pk}/?organization={helix.pk}"
    )


def _capa(ref, opened_days_ago, owner, severity=None, status="open"):
    finding = None
    if severity:
        finding = Finding.objects.create(
            ref=f"F-{ref}",
            title="x",
            severity=severity,
            source="self",
            owner=owner,
            due_date=TODAY + timedelta(days=60),
        )
    return Capa.objects.create(
        ref=ref,
        title="x",
        source="finding" if finding else "complaint",
        finding=finding,
        owner=owner,
        opened_on=TODAY - timedelta(days=opened_days_ago),
        due_date=TODAY + timedelta(days=30),
        status=status,
    )


@pytest.fixture
def capas(compliance_officer):
    ages = [
        ("C1", 0, "minor"),
        ("C2", 30, "minor"),
        ("C3", 31, "minor"),
        ("C4", 90, "major"),
        ("C5", 91, "major"),
    ]
    for ref, age, severity in [*ages, ("C6", 45, None)]:
        _capa(ref, age, compliance_officer, severity)
    _capa("C7", 10, compliance_officer, "minor", status="closed")


def test_open_capas_by_age_and_severity(client, compliance_officer, capas):
    ages = _page(client, compliance_officer).context["capa_ages"]
    table = {row["severity"]: [n for n, _ in row["cells"]] for row in ages["rows"]}
    assert table == {
        "Major": [0, 0, 1, 1],
        "Minor": [2, 1, 0, 0],
        "No finding (deviation, complaint, agency)": [0, 1, 0, 0],
    }
    assert [n for n, _ in ages["totals"]] == [2, 2, 1, 1] and ages["total"] == 6


def test_each_capa_number_links_to_the_list_of_those_capas(client, compliance_officer, capas):
    ages = _page(client, compliance_officer).context["capa_ages"]
    links = [(n, url) for row in ages["rows"] for n, url in row["cells"]] + [
        *ages["totals"],
        (6, ages["url"]),
    ]
    for n, url in links:
        changelist = client.get(url).context["cl"]
        assert changelist.result_count == n, url


def _deviation(ref, occurred, owner, due=None, status="open"):
    assessment = "assessed" if status == "closed" else ""
    deviation = Deviation(
        ref=ref,
        title="x",
        kind="unplanned",
        owner=owner,
        occurred_on=occurred,
        due_date=due,
        status=status,
        impact_assessment=assessment,
    )
    return deviation_save(deviation=deviation, actor=owner)


def test_overdue_deviations(client, compliance_officer):
    _deviation("D1", date(2026, 10, 1), compliance_officer)  # due by default on 31 Oct: today, not overdue
    _deviation("D2", date(2026, 9, 1), compliance_officer)  # due 1 Oct: 30 days overdue
    _deviation("D3", date(2026, 9, 1), compliance_officer, due=date(2026, 10, 30), status="closed")
    _deviation("D4", date(2026, 10, 2), compliance_officer, due=date(2026, 10, 30), status="assessed")
    deviations = _page(client, compliance_officer).context["deviations"]
    assert deviations["count"] == 2
    assert [(d.ref, days) for d, days, _ in deviations["items"]] == [("D2", 30), ("D4", 1)]
    assert client.get(deviations["url"]).context["cl"].result_count == 2


def test_training_compliance_percent(client, compliance_officer):
    colleague = UserFactory(role=roles.COMPLIANCE_OFFICER)
    c1, c2 = Course.objects.create(code="SOP-1", title="a"), Course.objects.create(code="HIPAA", title="b")
    curriculum = Curriculum.objects.create(role=Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    curriculum.courses.add(c1, c2)
    done = {"assigned_on": date(2026, 1, 1), "due_on": date(2026, 2, 1), "completed_on": date(2026, 1, 15)}
    TrainingRecord.objects.create(user=compliance_officer, course=c1, **done)
    TrainingRecord.objects.create(user=compliance_officer, course=c2, expires_on=date(2026, 10, 1), **done)
    TrainingRecord.objects.create(user=colleague, course=c1, **done)
    TrainingRecord.objects.create(user=colleague, course=c2, **done)
    training = _page(client, compliance_officer).context["training"]
    assert (training["overall"].required, training["overall"].current, training["overall"].percent) == (
        4,
        3,
        75.0,
    )
    assert [(c.name, c.percent) for c in training["by_role"]] == [(roles.COMPLIANCE_OFFICER, 75.0)]


def test_training_compliance_stays_with_those_who_manage_training(client, executive):
    page = _page(client, executive)
    assert page.context["training"] is None
    assert "Training compliance is shown to those who manage training records." in page.content.decode()


def test_audit_timeline_places_audits_their_periods_and_today(client, compliance_officer):
    Audit.objects.create(
        title="SOC 2 Type II",
        kind="certification",
        status="fieldwork",
        planned_start=date(2026, 10, 20),
        planned_end=date(2026, 11, 20),
        period_start=date(2026, 4, 1),
        period_end=date(2026, 9, 30),
    )
    timeline = _page(client, compliance_officer).context["timeline"]
    [row] = timeline["rows"]
    assert timeline["first"] <= date(2026, 4, 1) and row.period[0] < row.left
    assert row.left < timeline["today_left"] < row.left + row.width


def test_empty_world_says_so(client, compliance_officer):
    page = _page(client, compliance_officer).content.decode()
    assert "No audit is planned or under way." in page
    assert "No CAPA is open." in page
    assert "No open deviation is past its due date." in page
    assert "No framework is loaded yet" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("compliance_officer", 200), ("executive", 200), ("data_steward", 403), ("submission_manager", 403)],
)
def test_who_sees_the_compliance_dashboard(client, request, persona, status):
    assert _page(client, request.getfixturevalue(persona)).status_code == status


def test_outsider_is_not_let_in(client, outsider):
    assert _page(client, outsider).status_code == 302  # not staff: sent to the admin sign-in


def test_names_not_usernames(client, compliance_officer):
    _deviation("D2", date(2026, 9, 1), compliance_officer)
    page = _page(client, compliance_officer).content.decode()
    assert compliance_officer.get_full_name() in page and ">carla<" not in page


def _grow(owner, n):
    for i in range(n):
        _capa(f"G{n}-{i}", i * 20, owner, ["minor", "major", None][i % 3])
        _deviation(f"GD{n}-{i}", date(2026, 8, 1), owner)
        org = OrganizationFactory()
        ControlFactory(owner=owner, organization=org)
        Audit.objects.create(title=f"A{n}-{i}", kind="internal", planned_start=TODAY, planned_end=TODAY)
    readiness_record(day=TODAY)


def test_query_count_does_not_grow_with_rows(
    client, compliance_officer, readiness_world, django_assert_max_num_queries
):
    _grow(compliance_officer, 2)
    client.force_login(compliance_officer)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _grow(compliance_officer, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)
