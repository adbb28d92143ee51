"""Charts: a Vega-Lite spec built with altair, rendered offline (vl-convert) as SVG for pages and
PNG for PDFs, with its numbers as a table and CSV beside it (docs/reporting-charts.md).

    chart = Chart.line("ARR by month", rows, x="period", y="value", unit="usd", id="arr")
    chart.svg(); chart.png(); chart.table(); chart.csv()
    {% load reporting_charts %}{% chart chart %}   # SVG, the numbers, a CSV link, or an empty state
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone

from reporting.charts import kinds, render
from reporting.charts.formats import UNITS, check_unit, format_value
from reporting.charts.waterfall import WaterfallDoesNotReconcile, waterfall_rows

__all__ = ["KINDS", "UNITS", "Chart", "WaterfallDoesNotReconcile", "format_value"]

KINDS = ("line", "bar", "stacked_bar", "waterfall", "heatmap", "timeline", "sparkline")
KIND_NAMES = {
    "line": "Line chart",
    "bar": "Bar chart",
    "stacked_bar": "Stacked bar chart",
    "waterfall": "Waterfall chart",
    "heatmap": "Heat map",
    "timeline": "Timeline",
    "sparkline": "Sparkline",
}
LONG_LABEL = 12  # bars turn horizontal when a category label is longer than this


@dataclass
class Chart:
    """A titled chart over `rows` (dicts): `x` the category or period, `y` the measure (line, bar,
    waterfall, sparkline) or the row category (heat map, timeline), `color` the segment."""

    title: str
    kind: str
    rows: list[dict]
    x: str
    y: str
    color: str | None = None
    unit: str = "count"
    labels: dict[str, str] = field(default_factory=dict)  # column -> heading in the table and CSV
    id: str = ""  # unique on its dashboard: names the CSV download (docs/reporting-charts.md)
    description: str = ""  # for screen readers; a summary is written when empty
    value: str | None = None  # heat map: the measure column
    x2: str | None = None  # timeline: the end column (x is the start)
    horizontal: bool = False
    today: datetime.date | None = None  # timeline: the day marked (default: today)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown chart kind {self.kind!r}: use one of {', '.join(KINDS)}.")
        check_unit(self.unit)

    @classmethod
    def line(cls, title, rows, *, x, y, color=None, unit="count", labels=None, **options) -> Chart:
        """A trend: one line, or one per `color` segment."""
        return cls(title, "line", list(rows), x, y, color, unit, labels or {}, **options)

    @classmethod
    def bar(
        cls, title, rows, *, x, y, color=None, unit="count", labels=None, horizontal=None, **options
    ) -> Chart:
        """A breakdown per category (side by side per `color`); horizontal when labels are long."""
        rows = list(rows)
        horizontal = _long_labels(rows, x) if horizontal is None else horizontal
        return cls(title, "bar", rows, x, y, color, unit, labels or {}, horizontal=horizontal, **options)

    @classmethod
    def stacked_bar(
        cls, title, rows, *, x, y, color, unit="count", labels=None, horizontal=None, **options
    ) -> Chart:
        """Parts of a whole per category, e.g. open CAPAs per age bucket stacked by severity."""
        rows = list(rows)
        horizontal = _long_labels(rows, x) if horizontal is None else horizontal
        return cls(
            title, "stacked_bar", rows, x, y, color, unit, labels or {}, horizontal=horizontal, **options
        )

    @classmethod
    def waterfall(cls, title, *, opening, steps, closing=None, unit="usd", **options) -> Chart:
        """Opening, signed steps, closing; raises WaterfallDoesNotReconcile when the steps do not
        lead from `opening` to `closing` (reporting/charts/waterfall.py)."""
        labels = {"step": "Step", "amount": "Amount", "end": "Running total"} | options.pop("labels", {})
        names = {key: options.pop(key) for key in ("opening_label", "closing_label") if key in options}
        rows = waterfall_rows(opening=opening, steps=steps, closing=closing, unit=unit, **names)
        return cls(title, "waterfall", rows, "step", "amount", None, unit, labels, **options)

    @classmethod
    def heatmap(cls, title, rows, *, x, y, value, unit="percent", labels=None, **options) -> Chart:
        """A value per (`y` row, `x` column), e.g. readiness per framework and criterion."""
        rows = [{**row, "label": format_value(row.get(value), unit)} for row in rows]
        return cls(title, "heatmap", rows, x, y, None, unit, labels or {}, value=value, **options)

    @classmethod
    def timeline(
        cls, title, rows, *, label, start, end, color=None, labels=None, today=None, **options
    ) -> Chart:
        """One bar from `start` to `end` per row (e.g. audits), with today marked."""
        return cls(
            title,
            "timeline",
            list(rows),
            start,
            label,
            color,
            "count",
            labels or {},
            x2=end,
            today=today,
            **options,
        )

    @classmethod
    def sparkline(cls, title, rows, *, x, y, unit="count", **options) -> Chart:
        """A small trend line without axes, beside a KPI."""
        return cls(title, "sparkline", list(rows), x, y, None, unit, options.pop("labels", {}), **options)

    @classmethod
    def from_series(cls, series, *, kind="line", title=None, **options) -> Chart:
        """A chart of a `reporting.series.Series`: periods on x, one line or bar per segment."""
        from reporting.charts.periods import series_rows

        metric = series.metric
        labels = {"period": series.grain.capitalize(), "value": metric.label}
        if series.dimension:
            labels["segment"] = series.dimension.replace("_", " ").capitalize()
        color = "segment" if series.dimension else None
        rows = series_rows(series)
        build = {
            "line": cls.line,
            "bar": cls.bar,
            "stacked_bar": cls.stacked_bar,
            "sparkline": cls.sparkline,
        }[kind]
        extra = {} if kind == "sparkline" else {"color": color, "labels": labels}
        return build(title or metric.label, rows, x="period", y="value", unit=metric.unit, **extra, **options)

    # -- what the chart shows -------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or no measured value in any row."""
        measure = None if self.kind == "timeline" else (self.value or self.y)
        return not self.rows or (measure is not None and all(row.get(measure) is None for row in self.rows))

    def columns(self) -> list[str]:
        if self.kind == "waterfall":
            return ["step", "amount", "end"]
        if self.kind == "heatmap":
            return [self.y, self.x, self.value]
        if self.kind == "timeline":
            return [c for c in (self.y, self.x, self.x2, self.color) if c]
        return [c for c in (self.x, self.color, self.y) if c]

    def measures(self) -> set[str]:
        """The columns formatted in the chart's unit."""
        return {"heatmap": {self.value}, "timeline": set(), "waterfall": {"amount", "end"}}.get(
            self.kind, {self.y}
        )

    def heading(self, column: str | None) -> str | None:
        if column is None:
            return None
        return self.labels.get(column, column.replace("_", " ").capitalize())

    def describe(self) -> str:
        """The description screen readers hear: the caller's, or a summary of the chart."""
        if self.description:
            return self.description
        count = len(self.rows)
        segments = len({row.get(self.color) for row in self.rows}) if self.color else 0
        by = f", {segments} series by {self.heading(self.color).lower()}" if segments > 1 else ""
        summary = f"{KIND_NAMES[self.kind]} of {self.title}{by}, {count} values"
        return summary + "; the numbers are in the table that follows."

    # -- renderings -----------------------------------------------------------------------------

    def spec(self) -> dict:
        """The Vega-Lite spec (without the theme, which render.py adds per output)."""
        return kinds.spec_for(self)

    def svg(self) -> str:
        """Inline SVG in the page's colours (cached by spec); empty text for an empty chart."""
        if self.is_empty:
            return ""
        return render.render_svg(self.content_key(), self.spec, title=self.title, description=self.describe())

    def png(self, scale: float = 2.0) -> bytes:
        """PNG on white for PDFs (cached by spec)."""
        if self.is_empty:
            raise ValueError(f"The chart {self.title!r} has no data to draw.")
        return render.render_png(self.content_key(), self.spec, scale=scale)

    def content_key(self) -> str:
        """The hash of what the picture depends on: the render cache's key."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "id"}
        return render.content_key(fields, self.today_marker(), self.describe())

    def today_marker(self) -> datetime.date:
        return self.today or timezone.localdate()

    def table(self) -> tuple[list[str], list[list]]:
        """Headings and raw values, row by row: what the CSV holds."""
        columns = self.columns()
        return [self.heading(c) for c in columns], [[row.get(c) for c in columns] for row in self.rows]

    def display_table(self) -> tuple[list[str], list[list[str]]]:
        """The same table as text: measures in the chart's unit, dates as ISO dates."""
        columns, measures = self.columns(), self.measures()
        cells = [
            [_cell(row.get(c), self.unit if c in measures else None) for c in columns] for row in self.rows
        ]
        return [self.heading(c) for c in columns], cells

    def csv(self) -> str:
        headings, rows = self.table()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headings)
        writer.writerows([[_csv_cell(value) for value in row] for row in rows])
        return out.getvalue()


def _long_labels(rows: list[dict], column: str) -> bool:
    return any(len(str(row.get(column, ""))) > LONG_LABEL for row in rows)


def _cell(value, unit: str | None) -> str:
    if unit:
        return format_value(value, unit)
    if value is None:
        return "—"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _csv_cell(value):
    """Text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
