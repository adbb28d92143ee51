"""The metric layer: each metric declared once in `reporting/metrics.yml` (docs/reporting.md).

Dashboards, the report builder and exports ask for metrics by name (`reporting.series`), never
for tables or SQL; the declaration says which mart, which columns and how they are aggregated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

METRICS_FILE = Path(__file__).with_name("metrics.yml")

Grain = Literal["month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("month", "quarter", "year")
MEASURES = ("sum", "ratio", "median", "p90")
PERIODS = ("flow", "end", "start")
UNITS = ("usd", "percent", "count", "hours", "tokens")


class MetricDefinitionError(ValueError):
    """metrics.yml declares something the layer cannot compute."""


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    formula: str
    mart: str  # `schema.table`
    time: dict[str, str]  # grain -> period column; "month" always present
    measure: str  # one of MEASURES
    columns: tuple[str, ...]  # the measured column(s): one, or (numerator, denominator) for ratio
    period: str  # one of PERIODS
    unit: str
    owner: str
    reconciled_by: str = ""
    dimensions: tuple[str, ...] = ()
    filters: tuple[dict[str, Any], ...] = ()
    dashboards: tuple[str, ...] = ()

    @property
    def rolls_up(self) -> bool:
        """Quarter and year values can be computed from months (not so for quantiles)."""
        return self.measure in ("sum", "ratio")


@dataclass(frozen=True)
class MetricLayer:
    version: int
    metrics: dict[str, Metric] = field(default_factory=dict)

    def get(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"No metric named {name!r} in the metric layer.") from None

    def for_dashboard(self, slug: str) -> list[Metric]:
        return [m for m in self.metrics.values() if slug in m.dashboards]


@cache
def metric_layer() -> MetricLayer:
    """The metric layer of this release (read once per process: the file ships with the code)."""
    return load_metric_layer(METRICS_FILE.read_text())


def load_metric_layer(text: str) -> MetricLayer:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise MetricDefinitionError("metrics.yml needs an integer `version` and a `metrics` list.")
    metrics: dict[str, Metric] = {}
    for entry in data.get("metrics") or []:
        metric = _metric(entry)
        if metric.name in metrics:
            raise MetricDefinitionError(f"Metric {metric.name!r} is declared twice.")
        metrics[metric.name] = metric
    return MetricLayer(version=data["version"], metrics=metrics)


def _metric(entry: dict) -> Metric:
    name = entry.get("name", "?")
    try:
        (measure, columns), *extra = entry["measure"].items()
        if extra or measure not in MEASURES:
            raise MetricDefinitionError(f"Metric {name!r}: measure must be one of {', '.join(MEASURES)}.")
        columns = tuple(columns) if isinstance(columns, list) else (columns,)
        if len(columns) != (2 if measure == "ratio" else 1):
            raise MetricDefinitionError(
                f"Metric {name!r}: a {measure} measure takes {2 if measure == 'ratio' else 1} column(s)."
            )
        metric = Metric(
            name=entry["name"],
            label=entry["label"],
            description=" ".join(entry["description"].split()),
            formula=entry["formula"],
            mart=entry["mart"],
            time=dict(entry["time"]),
            measure=measure,
            columns=columns,
            period=entry.get("period", "flow"),
            unit=entry["unit"],
            owner=entry["owner"],
            reconciled_by=entry.get("reconciled_by", ""),
            dimensions=tuple(entry.get("dimensions") or ()),
            filters=tuple(entry.get("filters") or ()),
            dashboards=tuple(entry.get("dashboards") or ()),
        )
    except (KeyError, AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, MetricDefinitionError):
            raise
        raise MetricDefinitionError(f"Metric {name!r} is incomplete or malformed: {exc!r}") from exc
    if "month" not in metric.time or set(metric.time) - set(GRAINS):
        raise MetricDefinitionError(
            f"Metric {name!r}: `time` needs a month column and only month/quarter/year."
        )
    if metric.period not in PERIODS or metric.unit not in UNITS:
        raise MetricDefinitionError(
            f"Metric {name!r}: unknown period {metric.period!r} or unit {metric.unit!r}."
        )
    return metric
