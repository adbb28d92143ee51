"""Auditor pages: read-only, engagement-scoped, every query through `visible_to`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.grants import access_grant_acknowledge
from governance.models import Control
from portal import selectors
from portal.auditor.forms import DecisionForm, EvidenceRequestForm
from portal.auditor.guard import auditor_page
from portal.models import EvidenceRequest
from portal.pagination import OneQueryPaginator
from portal.sections import available_sections
from portal.services import evidence_request_create, evidence_request_decide
from portal.snapshots import snapshot_index

# 50 rows a page: a 1,000-item engagement is 20 pages, each cheap to query and render.
PAGE_SIZE = 50
PAGE_LINKS = {"on_each_side": 2, "on_ends": 1}


def time_left_text(delta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return f"{days} d {hours} h" if days else f"{hours} h {minutes} min"


def _page(request, template, engagement, grant, crumbs=(), status=200, **context):
    context = {
        "engagement": engagement, "grant": grant, "crumbs": crumbs, "sections": available_sections(),
        "time_left_text": time_left_text(grant.valid_until - timezone.now()), **context,
    }  # fmt: skip
    return render(request, template, context, status=status)


@auditor_page()
def home(request, grant, engagement):
    requests = selectors.request_list(engagement=engagement, user=request.user)
    open_requests = [
        r for r in requests if r.status in (EvidenceRequest.Status.OPEN, EvidenceRequest.Status.ANSWERED)
    ]
    return _page(
        request, "portal/auditor/home.html", engagement, grant,
        readiness=selectors.engagement_readiness(engagement), open_requests=open_requests,
        snapshots=selectors.snapshot_list(engagement=engagement, user=request.user),
    )  # fmt: skip


@auditor_page(terms=False, writes=("POST",))
def terms(request, grant, engagement):
    """The confidentiality terms; accepting them is recorded on the grant (once)."""
    if request.method == "POST":
        access_grant_acknowledge(grant=grant, actor=request.user)
        return redirect("portal:engagement", engagement_id=engagement.pk)
    return _page(request, "portal/auditor/terms.html", engagement, grant, crumbs=[("Confidentiality", None)])


@auditor_page()
def framework(request, grant, engagement):
    criteria = selectors.criterion_list(engagement=engagement, user=request.user)
    return _page(
        request, "portal/auditor/framework.html", engagement, grant,
        crumbs=[("Framework", None)], criteria=criteria,
    )  # fmt: skip


@auditor_page()
def snapshots(request, grant, engagement):
    items = selectors.snapshot_list(engagement=engagement, user=request.user).select_related("framework")
    return _page(
        request,
        "portal/auditor/snapshots.html",
        engagement,
        grant,
        crumbs=[("Snapshots", None)],
        snapshots=items,
    )


@auditor_page()
def snapshot(request, grant, engagement, snapshot_id):
    """Controls, criteria and evidence as the snapshot froze them (its index.json)."""
    item = get_object_or_404(
        selectors.snapshot_list(engagement=engagement, user=request.user), pk=snapshot_id
    )
    crumbs = [("Snapshots", "portal:snapshots"), (f"{item.month:%Y-%m}", None)]
    return _page(
        request, "portal/auditor/snapshot.html", engagement, grant, crumbs=crumbs,
        snapshot=item, index=snapshot_index(item),
    )  # fmt: skip


@auditor_page()
def evidence(request, grant, engagement):
    items = selectors.evidence_list(engagement=engagement, user=request.user)
    page = OneQueryPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    base = reverse("portal:evidence", args=[engagement.pk])
    return _page(
        request, "portal/auditor/evidence.html", engagement, grant, crumbs=[("Evidence", None)],
        page=page, page_links=page_links(page), rows=evidence_rows(page, base),
    )  # fmt: skip


def page_links(page) -> list:
    """Page numbers to link (first, last, two either side of this one); `…` marks a gap."""
    if not page.has_other_pages():
        return []
    return list(page.paginator.get_elided_page_range(page.number, **PAGE_LINKS))


def evidence_rows(page, base: str) -> str:
    """The page's table rows as escaped HTML: the busiest page formats its 50 rows in Python
    (one `format_html` per row) instead of resolving ~500 template variables."""
    return format_html_join("", ROW_HTML, (_evidence_cells(e, base) for e in page))


ROW_HTML = (
    "<tr><td>{}</td><td>{} v{}</td><td>{} to {}</td><td>{}</td>"
    '<td><code title="{}">{}…</code></td><td>{}</td></tr>\n'
)


def _evidence_cells(e, base: str) -> tuple:  # dates print as YYYY-MM-DD
    link = format_html('<a href="{}{}/file/">Download</a>', base, e.pk) if e.file else e.url
    return (
        e.control.ref, e.title, e.version, e.effective_from, e.effective_to, e.valid_until,
        e.sha256, e.sha256[:16], link,
    )  # fmt: skip


@auditor_page(writes=("POST",))
def requests(request, grant, engagement):
    """The "provided by client" list, and the form to ask for more (the auditor's one write)."""
    controls = selectors.engagement_scoped(Control.objects.all(), engagement=engagement, user=request.user)
    form = EvidenceRequestForm(request.POST or None, controls=controls)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_request_create(engagement=engagement, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            return redirect("portal:requests", engagement_id=engagement.pk)
    items = selectors.request_list(engagement=engagement, user=request.user)
    return _page(
        request, "portal/auditor/requests.html", engagement, grant, crumbs=[("Evidence requests", None)],
        status=400 if request.method == "POST" else 200, requests=items, form=form,
    )  # fmt: skip


@auditor_page(writes=("POST",))
def request_detail(request, grant, engagement, request_id):
    item = get_object_or_404(selectors.request_list(engagement=engagement, user=request.user), pk=request_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            evidence_request_decide(
                request=item, accept=accept, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        else:
            return redirect("portal:request", engagement_id=engagement.pk, request_id=item.pk)
    crumbs = [("Evidence requests", "portal:requests"), (f"#{item.pk}", None)]
    return _page(
        request, "portal/auditor/request.html", engagement, grant, crumbs=crumbs, item=item, form=form
    )
