"""Findings (who sees them, validation) and deviations with their CAPA."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from governance.models import Capa, CapaEvent, Deviation, Finding
from governance.services.audits import deviation_open_capa, deviation_save, finding_save
from governance.tests.capa_helpers import make_audit, make_finding

pytestmark = pytest.mark.django_db


def test_finding_reads_go_through_visible_to(compliance_officer, executive, auditor, data_steward):
    finding = make_finding(
        compliance_officer, ref="F-483-3", source="inspection", source_reference="FDA 483 observation 3"
    )
    assert str(finding) == "F-483-3 Finding F-483-3 (major)"
    assert list(Finding.objects.visible_to(compliance_officer)) == [finding]
    assert list(Finding.objects.visible_to(executive)) == [finding]
    assert not Finding.objects.visible_to(auditor).exists()  # object grants come with the portal
    assert not Finding.objects.visible_to(data_steward).exists()
    assert not Finding.objects.visible_to(executive, "change").exists()


def test_an_audit_finding_names_its_audit_and_closing_stamps_the_day(compliance_officer):
    with pytest.raises(ValidationError, match="names the audit"):
        make_finding(compliance_officer, ref="F-1", source="audit")
    assert not Finding.objects.exists()
    finding = make_finding(
        compliance_officer, ref="F-1", source="audit", audit=make_audit(compliance_officer)
    )
    finding.status = Finding.Status.CLOSED
    assert finding_save(finding=finding, actor=compliance_officer).closed_on is not None
    finding.status = Finding.Status.REMEDIATION
    assert finding_save(finding=finding, actor=compliance_officer).closed_on is None


def test_deviation_opens_one_linked_capa(compliance_officer):
    deviation = deviation_save(
        deviation=Deviation(ref="DEV-1", title="Backup skipped", kind="unplanned", owner=compliance_officer),
        actor=compliance_officer,
    )
    capa = deviation_open_capa(
        deviation=deviation,
        actor=compliance_officer,
        ref="CAPA-D1",
        owner=compliance_officer,
        due_date=date(2027, 1, 31),
    )
    deviation.refresh_from_db()
    assert (deviation.capa, capa.source, capa.source_reference) == (capa, Capa.Source.DEVIATION, "DEV-1")
    assert CapaEvent.objects.filter(capa=capa, kind="opened").exists()
    with pytest.raises(ValidationError, match="already has a CAPA"):
        deviation_open_capa(
            deviation=deviation,
            actor=compliance_officer,
            ref="CAPA-D2",
            owner=compliance_officer,
            due_date=date(2027, 1, 31),
        )
    assert Capa.objects.count() == 1


def test_a_deviation_closes_only_after_its_impact_assessment(compliance_officer):
    deviation = Deviation(ref="DEV-2", title="x", kind="planned", owner=compliance_officer, status="closed")
    with pytest.raises(ValidationError, match="impact assessment"):
        deviation_save(deviation=deviation, actor=compliance_officer)
    assert not Deviation.objects.exists()
