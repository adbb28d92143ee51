"""`/embed/<token>/`: a customer dashboard without the portal's chrome, for an intranet iframe.

No session, no cookie: the signed token is the whole credential, and the row behind it is read
on every request, so revocation, expiry and a reader who left the organisation apply at once.
"""

from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from portal.customer.dashboards import customer_dashboard_context
from portal.embeds.access import embed_access_record
from portal.embeds.headers import embed_headers
from portal.embeds.selectors import embed_link_for_token, embed_link_refusal, embed_origins
from portal.embeds.services import embed_link_mark_used
from reporting.reports.spec import ReportInvalid
from warehouse.reads.models import AccessLog


@require_GET
@xframe_options_exempt
def embed_dashboard(request, token: str):
    link = embed_link_for_token(token)
    refusal = "no such link" if link is None else embed_link_refusal(link)
    if refusal:
        return _refused(request, link, refusal)
    try:
        context = customer_dashboard_context(
            reader=link.reader, organization=link.organization, slug=link.dashboard,
            params=request.GET, purpose=AccessLog.Purpose.CUSTOMER_PORTAL, request_id=f"embed:{link.pk}",
        )  # fmt: skip
        status = 200
    except ReportInvalid as problem:
        context, status = {"title": "", "organization": link.organization, "problem": str(problem)}, 400
    response = render(request, "portal/embeds/dashboard.html", {**context, "link": link}, status=status)
    embed_access_record(request=request, link=link, status_code=status)
    embed_link_mark_used(link=link)
    return embed_headers(response, embed_origins(link.organization_id))


def _refused(request, link, refusal: str):
    """The same plain page for every refusal (no data, no reason a stranger could probe with):
    404 when the token names nothing, 410 when the link existed and no longer works."""
    status = 404 if link is None else 410
    response = render(request, "portal/embeds/refused.html", status=status)
    embed_access_record(request=request, link=link, status_code=status, refusal=refusal)
    return embed_headers(response, embed_origins(link.organization_id) if link else [])
