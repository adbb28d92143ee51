from django.http import Http404

from portal import selectors
from portal.auditor.guard import auditor_page
from portal.auditor.views import PAGE_SIZE, _page, page_links
from portal.pagination import OneQueryPaginator
from portal.sections import SECTIONS


def _cells(obj, columns):
    row = []
    for attribute, _ in columns:
        display = getattr(obj, f"get_{attribute}_display", None)
        row.append(display() if display else getattr(obj, attribute, ""))
    return row


@auditor_page()
def section_list(request, grant, engagement, section):
    spec = SECTIONS.get(section)
    if spec is None or spec.model is None:
        raise Http404("No such section.")
    rows = selectors.engagement_scoped(spec.model.objects.all(), engagement=engagement, user=request.user)
    page = OneQueryPaginator(rows.order_by(*spec.ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request, "portal/auditor/section.html", engagement, grant, crumbs=[(spec.title, None)],
        section=spec, page=page, page_links=page_links(page),
        rows=[_cells(obj, spec.columns) for obj in page],
    )  # fmt: skip
