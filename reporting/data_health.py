"""The data-health dashboard: quality score per layer and its trend, the lowest-scoring tables,
this month's SLA status, stale datasets, failing checks and anomalies awaiting a steward.

Reads the relational store through the governance selectors (`visible_to(user)` on every one);
the query count does not depend on the number of datasets, scores or results.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from governance.quality import health_selectors as health
from governance.quality.sla import sla_report
from reporting.charts import Chart
from reporting.compliance import admin_list

LOWEST = 10


def dashboard_context(request, params) -> dict:
    data = health_data(request.user, timezone.localdate())
    charts = dashboard_charts_from(data)
    return {**data, "charts": {key: chart for key, chart in charts.items() if chart.rows}}


def dashboard_charts(request, params) -> dict[str, Chart]:
    return dashboard_charts_from(health_data(request.user, timezone.localdate()))


def health_data(user, today) -> dict:
    latest = health.latest_scores(user=user)
    sla_rows = sla_report(month=today, user=user)
    failing_count, failing = health.failing_checks(user=user)
    stale_count, stale = health.stale_datasets(user=user)
    anomaly_count, anomalies = health.anomalies_waiting(user=user)
    return {
        "today": today,
        "layers": [
            {**row, "url": admin_list("governance_qualityscore", dataset__layer__exact=row["layer"])}
            for row in health.layer_scores(latest)
        ],
        "lowest": [(score, _dataset_url(score.dataset_id)) for score in latest[:LOWEST]],
        "trend": health.score_trend(user=user, today=today),
        "sla": {
            "rows": sla_rows,
            "missed": sum(not row.met for row in sla_rows),
            "url": reverse("admin:governance_quality_sla_report") + f"?month={today:%Y-%m}",
        },
        "failing": {
            "count": failing_count,
            "items": failing,
            "url": admin_list("governance_checkresult", status__in="warn,fail,error"),
            "can_view": user.has_perm("governance.view_qualitycheck"),
        },
        "stale": {
            "count": stale_count,
            "items": stale,
            "url": admin_list("governance_freshnessincident", state="open"),
            "can_view": user.has_perm("governance.view_freshnessincident"),
        },
        "anomalies": {
            "count": anomaly_count,
            "items": anomalies,
            "url": admin_list("governance_metricanomaly", acknowledged="no"),
            "can_view": user.has_perm("governance.view_metricanomaly"),
        },
    }


def _dataset_url(pk) -> str:
    return reverse("admin:catalog_dataset_change", args=[pk])


def dashboard_charts_from(data: dict) -> dict[str, Chart]:
    labels = {"layer": "Layer", "score": "Quality score", "day": "Day"}
    return {
        "layers": Chart.bar(
            "Quality score by layer",
            [{"layer": r["label"], "score": r["mean"]} for r in data["layers"]],
            x="layer",
            y="score",
            unit="score",
            labels=labels,
            id="layers",
        ),
        "trend": Chart.line(
            "Quality score by layer, daily",
            data["trend"],
            x="day",
            y="score",
            color="layer",
            unit="score",
            labels=labels,
            id="trend",
        ),
    }
