"""Customer pages: the organisation's dashboards and the reports shared with it, each also as PDF
and CSV. Warehouse numbers are read as the signed-in customer (their row filter applies in the
read path); relational rows through `portal.customer.selectors`."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from portal.customer import selectors
from portal.customer.dashboards import CUSTOMER_DASHBOARDS, customer_dashboard_context, document_tables
from portal.customer.guard import customer_page
from portal.models import PortalAccess
from reporting.reports.build import build_document, describe
from reporting.reports.pdf import render_csv, render_pdf
from reporting.reports.spec import ReportInvalid, spec_for_saved_report
from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadDenied, ReadInvalid
from warehouse.reads.request_ids import request_id_for

PURPOSE = AccessLog.Purpose.CUSTOMER_PORTAL
FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def _dashboard(request, organization, slug):
    """The dashboard's context, or (None, message) when the asked period is not one we offer."""
    try:
        context = customer_dashboard_context(
            reader=request.user,
            organization=organization,
            slug=slug,
            params=request.GET,
            purpose=PURPOSE,
            request_id=request_id_for(request),
        )
    except ReportInvalid as exc:
        return None, str(exc)
    return context, ""


@customer_page()
def home(request, organization):
    return dashboard_page(request, organization, "work-orders")


@customer_page()
def compliance(request, organization):
    return dashboard_page(request, organization, "compliance")


def dashboard_page(request, organization, slug):
    context, problem = _dashboard(request, organization, slug)
    page = {
        "organization": organization,
        "active": slug,
        "problem": problem,
        "title": CUSTOMER_DASHBOARDS[slug],
    }
    return render(
        request, "portal/customer/dashboard.html", {**page, **(context or {})}, status=400 if problem else 200
    )


@customer_page(kind=PortalAccess.Kind.DOWNLOAD)
def dashboard_download(request, organization, slug, fmt):
    if slug not in CUSTOMER_DASHBOARDS:
        raise Http404("No such dashboard.")
    context, problem = _dashboard(request, organization, slug)
    if context is None:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    return _download(request, context["document"], f"{organization.slug}-{slug}", fmt)


@customer_page()
def reports(request, organization):
    items = selectors.shared_report_list(user=request.user)
    return render(
        request,
        "portal/customer/reports.html",
        {"organization": organization, "active": "reports", "reports": items},
    )


def _report_document(request, report):
    spec = spec_for_saved_report(report, today=timezone.localdate())
    return build_document(
        spec,
        user=request.user,
        purpose=PURPOSE,
        request_id=request_id_for(request),
        subtitle=f"{request.user.organization.name}: {describe(spec)}",
    )


@customer_page()
def report(request, organization, report_id):
    item = get_object_or_404(selectors.shared_report_list(user=request.user), pk=report_id)
    context = {"organization": organization, "active": "reports", "report": item, "problem": ""}
    try:
        document = _report_document(request, item)
    except (ReportInvalid, ReadDenied, ReadInvalid, EngineError) as exc:
        context["problem"] = f"This report cannot be shown: {exc}"
    else:
        context["document"] = document
        context["sections"] = document_tables(document)
    return render(request, "portal/customer/report.html", context)


@customer_page(kind=PortalAccess.Kind.DOWNLOAD)
def report_download(request, organization, report_id, fmt):
    item = get_object_or_404(selectors.shared_report_list(user=request.user), pk=report_id)
    try:
        document = _report_document(request, item)
    except (ReportInvalid, ReadDenied, ReadInvalid, EngineError) as exc:
        return HttpResponse(
            f"This report cannot be downloaded: {exc}", status=400, content_type="text/plain; charset=utf-8"
        )
    return _download(request, document, f"{organization.slug}-{slugify(item.name) or 'report'}", fmt)


def _download(request, document, stem: str, fmt: str) -> HttpResponse:
    body = render_pdf(document) if fmt == "pdf" else render_csv(document)
    filename = f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    request.portal_detail = filename  # the gate writes it on the access-log row
    return response
