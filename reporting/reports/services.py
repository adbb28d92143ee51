"""Writes of saved reports: save (create or change), share, delete. Admin, API and demo all come
here; django-auditlog records each change with its actor (reporting/apps.py registers the model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from reporting.models import SavedReport
from reporting.reports.build import NO_DATA, build_document
from reporting.reports.document import ReportDocument
from reporting.reports.saved import can_change
from reporting.reports.spec import ReportInvalid, ReportSpec, period_window
from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadDenied, ReadInvalid


@dataclass
class ReportFields:
    """What a person picks in the builder; every value checked before anything is read or saved."""

    name: str
    metrics: list[str]
    dimension: str = ""
    filters: dict = field(default_factory=dict)
    grain: str = SavedReport.Grain.MONTH
    period: str = SavedReport.Period.LAST_12_MONTHS
    start: date | None = None
    end: date | None = None
    description: str = ""

    def spec(self, today: date | None = None) -> ReportSpec:
        """The spec these fields ask for; raises ReportInvalid saying what to change."""
        if not self.name.strip():
            raise ReportInvalid("Give the report a name.")
        if self.period not in SavedReport.Period.values:
            raise ReportInvalid(f"Unknown period {self.period!r}.")
        for column, value in self.filters.items():
            if not isinstance(value, str | int) or value == "":
                raise ReportInvalid(f"The filter on {column!r} needs one value.")
        start, end = period_window(
            self.period, today=today or timezone.localdate(), start=self.start, end=self.end
        )
        spec = ReportSpec(
            title=self.name.strip(),
            metrics=tuple(self.metrics),
            grain=self.grain,
            start=start,
            end=end,
            dimension=self.dimension,
            filters=dict(self.filters),
        )
        spec.check()
        return spec


def report_document(spec: ReportSpec, *, user, purpose: str, request_id: str = "") -> ReportDocument:
    """The report read as `user`; a refused or failed read becomes ReportInvalid with its reason."""
    try:
        return build_document(spec, user=user, purpose=purpose, request_id=request_id)
    except (ReadDenied, ReadInvalid, EngineError) as exc:
        raise ReportInvalid(f"The report cannot be read: {exc}") from exc


def saved_report_save(
    *,
    fields: ReportFields,
    actor,
    report: SavedReport | None = None,
    roles=None,
    organizations=None,
    request_id: str = "",
    today: date | None = None,
) -> SavedReport:
    """Create a report owned by `actor`, or change `report` (its owner or a superuser only);
    with `roles` / `organizations` (not None) share it with exactly those, in the same transaction.

    Refused with ReportInvalid, nothing saved, when the fields do not make a readable report or
    its period holds no data for the actor (a report that shows nothing is a mistake to catch now).
    """
    if report is not None and not can_change(actor, report):
        raise PermissionDenied("Only the report's owner changes it.")
    spec = fields.spec(today)
    document = report_document(spec, user=actor, purpose=AccessLog.Purpose.PREVIEW, request_id=request_id)
    if document.empty:
        raise ReportInvalid(NO_DATA)
    with transaction.atomic():
        report = report or SavedReport(owner=actor)
        for name in ("name", "description", "metrics", "dimension", "filters", "grain", "period"):
            setattr(report, name, getattr(fields, name))
        report.name = fields.name.strip()
        custom = fields.period == SavedReport.Period.CUSTOM
        report.start, report.end = (fields.start, fields.end) if custom else (None, None)
        try:
            report.full_clean()
        except ValidationError as exc:
            raise ReportInvalid(" ".join(exc.messages)) from exc
        report.save()
        _share(report, roles, organizations)
    return report


def _share(report: SavedReport, roles, organizations) -> None:
    if roles is not None:
        report.shared_with_roles.set(roles)
    if organizations is not None:
        report.shared_with_organizations.set(organizations)


def saved_report_share(*, report: SavedReport, roles, organizations, actor) -> SavedReport:
    """Share the report with exactly these roles and organisations (an empty list unshares)."""
    if not can_change(actor, report):
        raise PermissionDenied("Only the report's owner shares it.")
    with transaction.atomic():
        _share(report, list(roles), list(organizations))
        report.save(update_fields=["updated_at"])  # through save(): the audit trail sees the change
    return report


def saved_report_delete(*, report: SavedReport, actor) -> None:
    """Delete the report; refused while a schedule still delivers it."""
    if not can_change(actor, report):
        raise PermissionDenied("Only the report's owner deletes it.")
    if report.schedules.exists():
        names = ", ".join(report.schedules.values_list("name", flat=True)[:5])
        raise ReportInvalid(f"Schedules still deliver this report ({names}): remove them first.")
    report.delete()
