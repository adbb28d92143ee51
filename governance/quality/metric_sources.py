"""Key metrics beyond daily volumes: MRR, SLA compliance and AI token use from the monthly marts
(one value a month, judged month by month), and each not-null check's null ratio from the results
the check runner stored (one a day). Registered from GovernanceConfig.ready()."""

from __future__ import annotations

from datetime import date

from governance.models import CheckResult
from governance.quality import runner
from governance.quality.anomalies import register_metric_source
from governance.quality.relations import NotInWarehouse, datasets_named, relation_of

MART_METRICS = {
    "mrr": ("marts.mart_revenue_monthly", "mrr"),
    "sla compliance": ("marts.mart_work_orders_monthly", "sla_compliance"),
    "tokens used": ("marts.mart_agent_monthly", "tokens_used"),
}


def mart_monthly_metrics(day: date):
    """(metric, mart, value, month) for every complete month (the current one is still filling)."""
    columns = {}
    for metric, (mart, column) in MART_METRICS.items():
        dataset = datasets_named(mart).first()
        try:
            if dataset is not None:
                columns[metric] = (relation_of(dataset), column)
        except NotInWarehouse:
            continue
    if not columns:
        return
    for metric, series in runner.monthly_series(columns, before=day.replace(day=1)).items():
        subject = MART_METRICS[metric][0].split(".")[-1]
        for month, value in series.items():
            yield metric, subject, value, month


def null_ratios(day: date):
    """(null ratio, dataset.column, share of nulls) from the day's last result of each not-null check."""
    results = (
        CheckResult.objects.filter(
            quality_check__check_type="not_null", ran_at__date=day, observed__isnull=False
        )
        .select_related("quality_check__dataset")
        .order_by("quality_check_id", "ran_at")
    )
    latest = {result.quality_check_id: result for result in results}
    for result in latest.values():
        check = result.quality_check
        yield "null ratio", f"{check.dataset.name}.{check.column}", round(1 - result.observed, 6)


register_metric_source(mart_monthly_metrics, monthly=MART_METRICS)
register_metric_source(null_ratios)
