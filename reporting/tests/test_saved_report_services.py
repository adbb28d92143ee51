"""The saved-report services: the owner writes, every change is in the audit trail with its actor."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from accounts import roles
from accounts.audit import acting_as
from accounts.models.trail import AuditEntry
from reporting.models import ReportSchedule, SavedReport
from reporting.reports.saved import visible_to
from reporting.reports.services import (
    ReportFields,
    saved_report_delete,
    saved_report_save,
    saved_report_share,
)
from reporting.reports.spec import ReportInvalid
from reporting.tests.test_report_builder import make_report

pytestmark = pytest.mark.django_db
FIELDS = ReportFields(name="ARR", metrics=["arr"], period="custom", start=None, end=None)


def entries(report):
    kind = ContentType.objects.get_for_model(SavedReport)
    return AuditEntry.objects.filter(content_type=kind, object_pk=str(report.pk)).order_by("pk")


def test_saving_and_sharing_are_audited_with_the_actor(data_steward, marts_world):
    fields = ReportFields(
        name="ARR", metrics=["arr"], period="custom", start=date(2026, 1, 1), end=date(2026, 4, 30)
    )
    executives = Group.objects.get(name=roles.EXECUTIVE)
    with acting_as(data_steward):
        report = saved_report_save(fields=fields, actor=data_steward, roles=[executives])
    assert report.owner == data_steward and list(report.shared_with_roles.all()) == [executives]
    logged = list(entries(report))
    assert logged and all(entry.actor == data_steward for entry in logged)
    assert any("shared_with_roles" in (entry.changes or {}) for entry in logged)


def test_only_the_owner_shares_changes_or_deletes(data_steward, compliance_officer):
    report = make_report(data_steward)
    report.shared_with_roles.add(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    executives = Group.objects.filter(name=roles.EXECUTIVE)
    with pytest.raises(PermissionDenied):
        saved_report_share(report=report, roles=executives, organizations=[], actor=compliance_officer)
    with pytest.raises(PermissionDenied):
        saved_report_save(fields=FIELDS, actor=compliance_officer, report=report)
    with pytest.raises(PermissionDenied):
        saved_report_delete(report=report, actor=compliance_officer)
    report.refresh_from_db()
    assert [g.name for g in report.shared_with_roles.all()] == [roles.COMPLIANCE_OFFICER]
    assert report.name == "ARR monthly"


def test_unsharing_leaves_the_report_to_its_owner(data_steward, compliance_officer):
    report = make_report(data_steward)
    saved_report_share(report=report, roles=Group.objects.all(), organizations=[], actor=data_steward)
    assert report in visible_to(compliance_officer)
    saved_report_share(report=report, roles=[], organizations=[], actor=data_steward)
    assert report not in visible_to(compliance_officer) and report in visible_to(data_steward)


def test_a_scheduled_report_cannot_be_deleted(data_steward):
    report = make_report(data_steward)
    ReportSchedule.objects.create(name="Monday board pack", owner=data_steward, report=report)
    with pytest.raises(ReportInvalid, match="Schedules still deliver this report \\(Monday board pack\\)"):
        saved_report_delete(report=report, actor=data_steward)
    assert SavedReport.objects.filter(pk=report.pk).exists()
