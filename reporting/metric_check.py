"""Does every metric find what it reads? `manage.py metrics_check` (docs/reporting.md).

Per mart, once: the catalog lists the table and every column the metrics name (the read path
refuses anything else), the warehouse holds them, and every role that sees a dashboard showing
the metric has an active access policy for the mart (else its tile would be a refusal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import Group

from reporting.dashboards import dashboard
from reporting.metric_layer import Metric, MetricLayer, metric_layer
from warehouse import config as warehouse_config
from warehouse.engine import EngineError
from warehouse.reads.catalog_lookup import table_lookup
from warehouse.reads.policies import decide_access, role_policies
from warehouse.reads.query import ReadInvalid


@dataclass(frozen=True)
class Gap:
    mart: str
    metrics: tuple[str, ...]
    problem: str

    def __str__(self) -> str:
        return f"{self.mart} ({', '.join(self.metrics)}): {self.problem}"


def metric_layer_gaps(layer: MetricLayer | None = None) -> list[Gap]:
    """Everything the metrics name that the catalog, the warehouse or the access policies lack."""
    layer = layer or metric_layer()
    by_mart: dict[str, list[Metric]] = defaultdict(list)
    for metric in layer.metrics.values():
        by_mart[metric.mart].append(metric)
    config = warehouse_config.engine_config(read_only=True)
    gaps: list[Gap] = []
    with warehouse_config.engine(read_only=True) as engine:
        for mart, metrics in sorted(by_mart.items()):
            names = tuple(m.name for m in metrics)
            gaps += [Gap(mart, names, problem) for problem in _mart_problems(mart, metrics, config, engine)]
    return gaps


def _mart_problems(mart: str, metrics: list[Metric], config, engine) -> list[str]:
    wanted = {column for metric in metrics for column in metric.columns_read}
    try:
        table = table_lookup(mart, config)
    except ReadInvalid:
        return ["the catalog lists no such table: the read path refuses every read of it."]
    problems = []
    missing = sorted(wanted - set(table.columns))
    if missing:
        problems.append(f"the catalog lists no column {', '.join(missing)}.")
    try:
        live = {column.name for column in engine.describe(mart)}
    except EngineError as exc:
        live = set()
        problems.append(f"the warehouse cannot describe it ({exc}).")
    if live and (absent := sorted(wanted - live)):
        problems.append(f"the warehouse table has no column {', '.join(absent)}.")
    problems += _unreadable_for(metrics, table.dataset)
    return problems


def _unreadable_for(metrics: list[Metric], dataset) -> list[str]:
    role_names = {
        role for m in metrics for slug in m.dashboards if (page := dashboard(slug)) for role in page.roles
    }
    problems = []
    for role in Group.objects.filter(name__in=role_names).order_by("name"):
        reaching = [p for p in role_policies(role) if p.reaches(dataset)]
        if decide_access(reaching) is None:
            problems.append(f"role {role.name} sees a dashboard showing it but has no active policy for it.")
    return problems
