"""The metric layer: each metric declared once in `reporting/metrics.yml` (docs/reporting.md).

Dashboards, the report builder and exports ask for metrics by name (`reporting.series`), never
for tables or SQL; the declaration says which mart, which columns and how they are aggregated.
"""

from __future__ import annotations

import re
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
FILTER_OPS = ("=", "!=", "<", "<=", ">", ">=", "in")
REQUIRED_KEYS = ("name", "label", "description", "formula", "mart", "time", "measure", "unit", "owner")
OPTIONAL_KEYS = ("period", "filters", "dimensions", "reconciled_by", "dashboards")
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


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
    def schema(self) -> str:
        return self.mart.split(".")[0]

    @property
    def table(self) -> str:
        return self.mart.split(".")[1]

    @property
    def columns_read(self) -> tuple[str, ...]:
        """Every mart column the metric names: periods, measured columns, dimensions, filters."""
        named = [*self.time.values(), *self.columns, *self.dimensions, *(f["column"] for f in self.filters)]
        return tuple(dict.fromkeys(named))

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
    """Parse and validate metrics.yml; MetricDefinitionError says what is wrong and where."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise MetricDefinitionError(f"metrics.yml is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise MetricDefinitionError("metrics.yml needs an integer `version` and a `metrics` list.")
    if set(data) - {"version", "metrics"} or not isinstance(data.get("metrics") or [], list):
        raise MetricDefinitionError("metrics.yml holds only `version` and a `metrics` list.")
    metrics: dict[str, Metric] = {}
    for entry in data.get("metrics") or []:
        metric = _metric(entry)
        if metric.name in metrics:
            raise MetricDefinitionError(f"Metric {metric.name!r} is declared twice.")
        metrics[metric.name] = metric
    _check_dashboards(metrics.values())
    return MetricLayer(version=data["version"], metrics=metrics)


def _check_dashboards(metrics) -> None:
    from reporting.dashboards import DASHBOARDS

    known = {page.slug for page in DASHBOARDS}
    for metric in metrics:
        unknown = sorted(set(metric.dashboards) - known)
        if unknown:
            raise MetricDefinitionError(
                f"Metric {metric.name!r}: no dashboard {', '.join(unknown)};"
                f" known: {', '.join(sorted(known))}."
            )


def _metric(entry) -> Metric:
    if not isinstance(entry, dict):
        raise MetricDefinitionError(f"Each metric is a mapping of fields, not {entry!r}.")
    name = entry.get("name", "?")
    _check_keys(name, entry)
    measure, columns = _measure(name, entry["measure"])
    metric = Metric(
        name=name,
        label=_text(name, entry, "label"),
        description=" ".join(_text(name, entry, "description").split()),
        formula=_text(name, entry, "formula"),
        mart=_text(name, entry, "mart"),
        time=_time(name, entry["time"]),
        measure=measure,
        columns=columns,
        period=entry.get("period", "flow"),
        unit=entry["unit"],
        owner=_text(name, entry, "owner"),
        reconciled_by=entry.get("reconciled_by") or "",
        dimensions=_names(name, "dimensions", entry.get("dimensions")),
        filters=_filters(name, entry.get("filters")),
        dashboards=_names(name, "dashboards", entry.get("dashboards"), pattern=re.compile(r"^[a-z-]+$")),
    )
    _check_values(metric)
    return metric


def _check_keys(name, entry: dict) -> None:
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise MetricDefinitionError(f"Metric name {name!r} must be lower-case letters, digits and _.")
    unknown = sorted(set(entry) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise MetricDefinitionError(
            f"Metric {name!r}: unknown field(s) {', '.join(unknown)}; "
            f"known: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}."
        )
    missing = [key for key in REQUIRED_KEYS if entry.get(key) in (None, "", {}, [])]
    if missing:
        raise MetricDefinitionError(f"Metric {name!r}: missing {', '.join(missing)}.")


def _text(name: str, entry: dict, key: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise MetricDefinitionError(f"Metric {name!r}: `{key}` must be text.")
    return value


def _measure(name: str, measure) -> tuple[str, tuple[str, ...]]:
    if not isinstance(measure, dict) or len(measure) != 1:
        raise MetricDefinitionError(f"Metric {name!r}: measure is one of {', '.join(MEASURES)}: COLUMN(S).")
    ((function, columns),) = measure.items()
    if function not in MEASURES:
        raise MetricDefinitionError(f"Metric {name!r}: measure must be one of {', '.join(MEASURES)}.")
    columns = _names(name, "measure", columns if isinstance(columns, list) else [columns])
    wanted = 2 if function == "ratio" else 1
    if len(columns) != wanted:
        raise MetricDefinitionError(f"Metric {name!r}: a {function} measure takes {wanted} column(s).")
    return function, columns


def _time(name: str, time) -> dict[str, str]:
    if not isinstance(time, dict) or "month" not in time or set(time) - set(GRAINS):
        raise MetricDefinitionError(
            f"Metric {name!r}: `time` needs a month column and only month/quarter/year."
        )
    _names(name, "time", list(time.values()))
    return dict(time)


def _names(name: str, key: str, values, pattern=IDENTIFIER) -> tuple[str, ...]:
    values = values or []
    if not isinstance(values, list) or not all(isinstance(v, str) and pattern.match(v) for v in values):
        raise MetricDefinitionError(
            f"Metric {name!r}: `{key}` must be a list of column names, not {values!r}."
        )
    if len(set(values)) != len(values):
        raise MetricDefinitionError(f"Metric {name!r}: `{key}` names a column twice.")
    return tuple(values)


def _filters(name: str, filters) -> tuple[dict[str, Any], ...]:
    if not isinstance(filters, list | type(None)):
        raise MetricDefinitionError(f"Metric {name!r}: `filters` must be a list.")
    checked = []
    for item in filters or []:
        if not isinstance(item, dict) or set(item) - {"column", "op", "value"} or "column" not in item:
            raise MetricDefinitionError(
                f"Metric {name!r}: each filter is {{column, op, value}}, not {item!r}."
            )
        if item.get("op", "=") not in FILTER_OPS:
            raise MetricDefinitionError(f"Metric {name!r}: filter op must be one of {', '.join(FILTER_OPS)}.")
        _names(name, "filters", [item["column"]])
        checked.append({"op": "=", **item})
    return tuple(checked)


def _check_values(metric: Metric) -> None:
    name = metric.name
    if not re.match(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$", metric.mart):
        raise MetricDefinitionError(f"Metric {name!r}: mart must be `schema.table`, not {metric.mart!r}.")
    if metric.period not in PERIODS:
        raise MetricDefinitionError(f"Metric {name!r}: period must be one of {', '.join(PERIODS)}.")
    if metric.unit not in UNITS:
        raise MetricDefinitionError(f"Metric {name!r}: unit must be one of {', '.join(UNITS)}.")
    if not metric.rolls_up and metric.period != "flow":
        raise MetricDefinitionError(f"Metric {name!r}: a {metric.measure} is a flow over its period.")
    clash = set(metric.dimensions) & (set(metric.time.values()) | set(metric.columns))
    if clash:
        raise MetricDefinitionError(f"Metric {name!r}: {', '.join(sorted(clash))} cannot be a dimension.")
