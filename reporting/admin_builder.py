"""The report builder's pages inside the SavedReport admin: build and preview (nothing saved),
save, open a report shared with you, export it as CSV or PDF. Thin: parse, check access, call
`reporting.reports` (selectors, services, build, render), answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from reporting.admin_report_form import ReportBuilderForm
from reporting.reports.pdf import render_csv, render_pdf
from reporting.reports.saved import can_change, report_spec, saved_report_get
from reporting.reports.services import report_document, saved_report_save
from reporting.reports.spec import ReportInvalid
from warehouse.reads.models import AccessLog
from warehouse.reads.request_ids import request_id_for

CHANGE_URL = "admin:reporting_savedreport_change"


def builder_view(model_admin, request, object_id=None):
    """The builder for a new report (object_id None) or a saved one (read-only unless it is yours)."""
    allowed = model_admin.has_view_permission if object_id is not None else model_admin.has_add_permission
    if not allowed(request):  # refused before any lookup: no hint whether the id exists
        raise PermissionDenied
    report = saved_report_get(request.user, object_id) if object_id is not None else None
    editable = report is None or can_change(request.user, report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        return _posted(model_admin, request, report)
    form = ReportBuilderForm(report=report, readonly=not editable)
    document, problem = _saved_document(request, report) if report else (None, "")
    return _render(model_admin, request, report, form, document=document, problem=problem)


def _posted(model_admin, request, report):
    form = ReportBuilderForm(request.POST, report=report)
    document, problem = None, ""
    if form.is_valid():
        fields = form.report_fields()
        try:
            if "_save" not in request.POST:  # Preview: read, show, save nothing
                document = report_document(
                    fields.spec(), user=request.user, purpose=AccessLog.Purpose.PREVIEW
                )
            else:
                saved = saved_report_save(
                    fields=fields,
                    actor=request.user,
                    report=report,
                    roles=form.cleaned_data["shared_with_roles"],
                    organizations=form.cleaned_data["shared_with_organizations"],
                    request_id=request_id_for(request),
                )
                messages.success(request, f"The report “{saved.name}” was saved.")
                return redirect(reverse(CHANGE_URL, args=[saved.pk]))
        except ReportInvalid as exc:
            problem = str(exc)
    status = 200 if form.is_valid() and not problem else 400
    return _render(model_admin, request, report, form, document=document, problem=problem, status=status)


def _saved_document(request, report):
    try:
        spec = report_spec(report)
        document = report_document(
            spec, user=request.user, purpose=AccessLog.Purpose.PREVIEW, request_id=request_id_for(request)
        )
        return document, ""
    except ReportInvalid as exc:
        return None, str(exc)


def _render(model_admin, request, report, form, *, document, problem, status=200):
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": report.name if report else "New report",
        "report": report,
        "form": form,
        "editable": not form.fields["name"].disabled,
        "document": document,
        "problem": problem,
        "has_view_permission": True,
    }
    return TemplateResponse(request, "admin/reporting/reports/builder.html", context, status=status)


def export_view(model_admin, request, object_id, kind: str):
    """The saved report as CSV or PDF, read as the requester (their policies and row filter)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    report = saved_report_get(request.user, object_id)
    try:
        document = report_document(
            report_spec(report),
            user=request.user,
            purpose=AccessLog.Purpose.REPORT,
            request_id=request_id_for(request),
        )
    except ReportInvalid as exc:
        messages.error(request, f"The {kind.upper()} could not be made. {exc}")
        return redirect(reverse(CHANGE_URL, args=[report.pk]))
    filename = f"{slugify(report.name) or 'report'}-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "pdf":
        response = HttpResponse(render_pdf(document), content_type="application/pdf")
    else:
        response = HttpResponse(render_csv(document), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
