"""Metric pages inside the admin: the list, one metric's definition and trend, the rows behind a
number. Thin: parse, call the metric layer's services, render."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from reporting.drilldown import MAX_LIMIT, metric_rows
from reporting.metric_catalog import DASHBOARD_TITLES, metric_entries
from reporting.metric_layer import metric_layer
from reporting.params import metric_params
from reporting.periods import previous_period, yoy
from reporting.series import MetricQueryError, metric_series
from warehouse.reads.models import AccessLog
from warehouse.reads.query import ReadDenied
from warehouse.reads.request_ids import request_id_for

TREND_PERIODS = 13  # a year and the month that closes it


def metric_urls(site) -> list:
    return [
        path("metrics/", site.admin_view(page(site, metric_list)), name="reporting_metric_list"),
        path(
            "metrics/<slug:name>/", site.admin_view(page(site, metric_detail)), name="reporting_metric_detail"
        ),
        path(
            "metrics/<slug:name>/rows/",
            site.admin_view(page(site, metric_rows_page)),
            name="reporting_metric_rows",
        ),
    ]


def page(site, build):
    """Wrap a page builder: admin context, title, template; a refused read is a message, not a 500."""

    def view(request, **kwargs):
        template, context, status = build(request, **kwargs)
        context = {**site.each_context(request), **context}
        return TemplateResponse(request, f"admin/reporting/metrics/{template}", context, status=status)

    return view


def metric_or_404(name: str):
    """The named metric, or the page (or API) answers 404 naming it."""
    try:
        return metric_layer().get(name)
    except KeyError:
        raise Http404(f"No metric named {name!r}.") from None


def metric_list(request):
    metrics = list(metric_layer().metrics.values())
    query = request.GET.get("q", "").strip().lower()
    board = request.GET.get("dashboard", "")
    if query:
        metrics = [m for m in metrics if query in f"{m.name} {m.label} {m.owner} {m.description}".lower()]
    if board:
        metrics = [m for m in metrics if board in m.dashboards]
    context = {
        "title": "Metrics",
        "entries": metric_entries(metrics),
        "query": request.GET.get("q", ""),
        "dashboard": board,
        "dashboards": DASHBOARD_TITLES,
        "version": metric_layer().version,
    }
    return "list.html", context, 200


def metric_detail(request, name):
    metric = metric_or_404(name)
    (entry,) = metric_entries([metric])
    context = {"title": metric.label, "entry": entry, "metric": metric, "trend": [], "error": ""}
    try:
        params = metric_params(metric, request.GET)
        series = metric_series(
            user=request.user,
            metric=metric,
            grain=params.grain,
            where=params.where,
            purpose=AccessLog.Purpose.PREVIEW,
            request_id=request_id_for(request),
        )
    except (MetricQueryError, ReadDenied) as exc:
        context["error"] = str(exc)
        return "detail.html", context, 400 if isinstance(exc, MetricQueryError) else 200
    periods = series.periods()[-TREND_PERIODS:]
    context.update(
        params=params,
        series=series,
        trend=[(p, series.value(p), previous_period(series, p), yoy(series, p)) for p in reversed(periods)],
    )
    return "detail.html", context, 200


def metric_rows_page(request, name):
    metric = metric_or_404(name)
    context = {"title": f"{metric.label}: the rows behind the number", "metric": metric, "error": ""}
    try:
        params = metric_params(metric, request.GET)
        if params.period is None:
            raise MetricQueryError("Say which period: ?period=YYYY-MM-DD (its first day).")
        context["result"] = metric_rows(
            user=request.user,
            metric=metric,
            period=params.period,
            grain=params.grain,
            where=params.where,
            limit=params.limit,
            purpose=AccessLog.Purpose.PREVIEW,
            request_id=request_id_for(request),
        )
        context["more_url"] = _more_url(request, context["result"])
    except (MetricQueryError, ReadDenied) as exc:
        context["error"] = str(exc)
        return "rows.html", context, 400 if isinstance(exc, MetricQueryError) else 403
    return "rows.html", context, 200


def _more_url(request, result) -> str:
    """A link to the same rows with a larger limit, while more exist and the cap allows."""
    if not result.truncated or result.limit >= MAX_LIMIT:
        return ""
    query = request.GET.copy()
    query["limit"] = str(min(result.limit * 5, MAX_LIMIT))
    return f"?{query.urlencode()}"
