from datetime import date

import pytest
from django.core.exceptions import ValidationError

from governance.gaps import evidence_gaps
from governance.services.controls import control_effectiveness, control_test_record
from governance.services.evidence import evidence_accept, evidence_upload
from governance.tests.conftest import upload
from governance.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db
JUL_1, SEP_30 = date(2026, 7, 1), date(2026, 9, 30)


def test_gaps_name_missing_months_stale_evidence_untested_and_unmapped(
    framework, control, compliance_officer
):
    CriterionFactory(framework=framework, ref="CC1.1", title="Integrity and ethics", position=0)
    item = evidence_upload(
        control=control,
        title="July review",
        effective_from=JUL_1,
        effective_to=date(2026, 7, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    messages = [g.message for g in evidence_gaps(framework=framework, start=JUL_1, end=SEP_30)]
    assert messages == [
        "CC1.1 Integrity and ethics: no mapped control",
        "AC-01 Quarterly access review: no valid evidence for August\u2013September 2026",
        "AC-01 Quarterly access review: latest evidence 'July review' expired 2026-07-31",
        "AC-01 Quarterly access review: no operating-effectiveness test in the window",
    ]


def test_covered_and_tested_control_has_no_gaps(framework, control, compliance_officer):
    item = evidence_upload(
        control=control,
        title="Review",
        effective_from=JUL_1,
        effective_to=SEP_30,
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    control_test_record(
        control=control,
        preparer=compliance_officer,
        kind="operating",
        result="pass",
        period_start=JUL_1,
        period_end=SEP_30,
        methodology="inspection",
    )
    assert evidence_gaps(framework=framework, start=JUL_1, end=SEP_30) == []


def test_window_ending_before_it_starts_is_refused(framework):
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        evidence_gaps(framework=framework, start=SEP_30, end=JUL_1)


def test_type_ii_effectiveness_from_tests_and_samples(control, compliance_officer):
    assert control_effectiveness(control=control, start=JUL_1, end=SEP_30)["result"] == "untested"
    common = dict(
        control=control, preparer=compliance_officer, kind="operating", methodology="re-performance"
    )
    control_test_record(
        **common,
        result="pass",
        period_start=JUL_1,
        period_end=date(2026, 7, 31),
        samples=[("ticket-1", True, ""), ("ticket-2", True, "")],
    )
    control_test_record(
        **common,
        result="partial",
        period_start=date(2026, 8, 1),
        period_end=SEP_30,
        samples=[("ticket-3", True, ""), ("ticket-4", False, "approved late")],
    )
    summary = control_effectiveness(control=control, start=JUL_1, end=SEP_30)
    assert summary == {"result": "partial", "tests": 2, "sampled": 4, "exceptions": 1, "deviation_rate": 0.25}


def test_reviewer_must_differ_from_preparer(control, compliance_officer):
    with pytest.raises(ValidationError, match="must not be the preparer"):
        control_test_record(
            control=control,
            preparer=compliance_officer,
            reviewer=compliance_officer,
            kind="design",
            result="pass",
            period_start=JUL_1,
            period_end=JUL_1,
            methodology="walkthrough",
        )
    assert not control.tests.exists()
