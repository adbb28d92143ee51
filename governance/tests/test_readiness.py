"""Readiness on small cases computed by hand (docs/governance.md has the formula)."""

from datetime import date

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Organization
from governance.models import ReadinessScore
from governance.readiness import Penalty, readiness_compute, register_penalty, unregister_penalty
from governance.services.controls import control_map, control_test_record, control_test_review
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.readiness import readiness_record
from governance.tests.conftest import upload
from governance.tests.factories import ControlFactory, CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db
OCT_31, DEC_1 = date(2026, 10, 31), date(2026, 12, 1)


def _evidence(control, actor, start, end, validity_days):
    item = evidence_upload(
        control=control,
        title=f"{control.ref} evidence",
        effective_from=start,
        effective_to=end,
        validity_days=validity_days,
        uploaded=upload(),
        actor=actor,
    )
    return evidence_accept(evidence=item, actor=actor)


def _test(control, preparer, result, reviewer=None, end=date(2026, 10, 20)):
    test = control_test_record(
        control=control,
        preparer=preparer,
        kind="operating",
        result=result,
        period_start=date(2026, 10, 1),
        period_end=end,
        methodology="inspection",
    )
    return control_test_review(test=test, reviewer=reviewer) if reviewer else test


@pytest.fixture
def case(settings, compliance_officer, data_steward):
    """A: K1. B: K1 + K2. C (weight 2): nothing mapped. D: not applicable.

    K1: test passed and reviewed; evidence 1-31 Oct, valid 30 more days (to 30 Nov).
    K2: test partial, not reviewed; evidence 27-31 Oct, valid 60 more days (to 30 Dec).
    Window: 10 days.
    """
    settings.GOVERNANCE_READINESS_WINDOW_DAYS = 10
    framework = FrameworkFactory(slug="fx")
    a, b = (
        CriterionFactory(framework=framework, ref="A", position=1),
        CriterionFactory(framework=framework, ref="B", position=2),
    )
    CriterionFactory(framework=framework, ref="C", position=3, weight=2)
    CriterionFactory(framework=framework, ref="D", position=4, is_applicable=False, applicability_note="n/a")
    k1 = ControlFactory(ref="K1", owner=compliance_officer)
    k2 = ControlFactory(ref="K2", owner=compliance_officer)
    control_map(control=k1, criteria=[a, b], actor=compliance_officer)
    control_map(control=k2, criteria=[b], actor=compliance_officer)
    _test(k1, compliance_officer, "pass", reviewer=data_steward)
    _test(k2, compliance_officer, "partial")
    _evidence(k1, compliance_officer, date(2026, 10, 1), OCT_31, 30)
    _evidence(k2, compliance_officer, date(2026, 10, 27), OCT_31, 60)
    return framework, k1


def _by_ref(result):
    return {c.criterion.ref: c for c in result.criteria}


def test_hand_computed_score(case):
    framework, _ = case
    result = readiness_compute(framework=framework, day=OCT_31)
    rows = _by_ref(result)
    # K1 = 1 x 1 x 1 = 1; K2 = 0.5 (partial) x 0.5 (5 of 10 days) x 0.5 (unreviewed) = 0.125
    assert rows["A"].score == 1.0
    assert rows["B"].score == pytest.approx((1 + 0.125) / 2)
    assert rows["C"].score == 0.0 and rows["C"].status == "no_control"
    assert rows["D"].score is None and rows["D"].status == "not_applicable"
    # 100 x (1x1 + 1x0.5625 + 2x0) / (1 + 1 + 2)
    assert result.score == pytest.approx(39.06)
    assert [(c.criterion.ref, gain) for c, gain in result.movers()] == [("C", 50.0), ("B", 10.94)]


def test_expired_evidence_propagates_to_every_mapped_criterion(case):
    framework, _ = case
    result = readiness_compute(framework=framework, day=DEC_1)
    rows = _by_ref(result)
    # K1's evidence ended 30 Nov: freshness 0. K2 now covers the whole window: 0.5 x 1 x 0.5.
    assert rows["A"].score == 0.0 and rows["B"].score == pytest.approx(0.125)
    for ref in ("A", "B"):
        assert "K1: evidence expired on 2026-11-30" in rows[ref].reasons
    assert result.raw == pytest.approx(100 * 0.125 / 4)


def test_a_failed_test_propagates_with_its_reason(case, compliance_officer, data_steward):
    framework, k1 = case
    _test(k1, compliance_officer, "fail", reviewer=data_steward, end=date(2026, 10, 25))
    rows = _by_ref(readiness_compute(framework=framework, day=OCT_31))
    assert rows["A"].score == 0.0 and rows["B"].score == pytest.approx(0.0625)
    assert "K1: latest test fail (2026-10-25)" in rows["A"].reasons
    assert "K1: latest test fail (2026-10-25)" in rows["B"].reasons


def test_registered_penalties_are_subtracted_and_explained(case):
    framework, _ = case

    def overdue_findings(*, framework, organization, day):
        return [Penalty(5, "finding F-1 overdue since 2026-10-01")]

    register_penalty(overdue_findings)
    try:
        result = readiness_compute(framework=framework, day=OCT_31)
    finally:
        unregister_penalty(overdue_findings)
    assert result.score == pytest.approx(34.06)
    assert result.penalties == [Penalty(5, "finding F-1 overdue since 2026-10-01")]
    assert readiness_compute(framework=framework, day=OCT_31).score == pytest.approx(39.06)


def test_an_organisation_counts_its_own_controls_besides_company_wide_ones(case, compliance_officer):
    framework, _ = case
    tenant_control = ControlFactory(
        ref="K3", owner=compliance_officer, organization=compliance_officer.organization
    )
    control_map(control=tenant_control, criteria=[framework.criteria.get(ref="C")], actor=compliance_officer)
    company = _by_ref(readiness_compute(framework=framework, day=OCT_31))
    tenant = _by_ref(
        readiness_compute(framework=framework, day=OCT_31, organization=compliance_officer.organization)
    )
    assert company["C"].status == "no_control"
    assert tenant["C"].status == "failing" and "K3: untested" in tenant["C"].reasons


def test_daily_history_is_recorded_once_per_day(case):
    with time_machine.travel("2026-10-31 05:00Z", tick=False):
        first = readiness_record(day=OCT_31)
        again = readiness_record(day=OCT_31)
    assert first == again
    assert ReadinessScore.objects.count() == first
    row = ReadinessScore.objects.get(day=OCT_31, framework=case[0], organization=None)
    assert float(row.score) == pytest.approx(39.06)
    assert row.detail["criteria"]["B"] == {"score": 0.5625, "status": "partial"}


@pytest.mark.parametrize("with_framework", [True, False])
@pytest.mark.parametrize("with_organization", [True, False])
def test_one_score_per_day_framework_and_organization_even_when_either_is_empty(
    with_framework, with_organization
):
    framework = FrameworkFactory() if with_framework else None
    organization = Organization.objects.create(name="Acme") if with_organization else None
    key = {"day": OCT_31, "framework": framework, "organization": organization}
    ReadinessScore.objects.create(**key, score=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadinessScore.objects.create(**key, score=60)
    with pytest.raises(ValidationError):
        ReadinessScore(**key, score=60).full_clean()
    assert list(ReadinessScore.objects.values_list("score", flat=True)) == [50]


def test_the_uniqueness_rule_holds_on_this_database():
    # Django only reports W047 (a constraint it will not create) when asked about a database.
    messages = run_checks(databases=["default"])
    assert [m.id for m in messages if m.obj is ReadinessScore] == []
