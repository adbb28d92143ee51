"""Charts: a Vega-Lite spec built with altair, rendered offline (vl-convert) as SVG for pages and
PNG for PDFs, with its numbers as a table and CSV beside it (docs/reporting.md).

    chart = Chart.line("ARR by month", rows, x="period", y="value", unit="usd")
    chart.svg(); chart.png(); chart.csv(); chart.table()
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import altair as alt
import vl_convert


@dataclass
class Chart:
    title: str
    kind: str  # line | bar | waterfall | heatmap | timeline
    rows: list[dict]
    x: str
    y: str
    color: str | None = None
    unit: str = "count"
    labels: dict[str, str] = field(default_factory=dict)  # column -> heading in the table and CSV

    @classmethod
    def line(cls, title, rows, *, x, y, color=None, unit="count", labels=None) -> Chart:
        return cls(title, "line", rows, x, y, color, unit, labels or {})

    @classmethod
    def bar(cls, title, rows, *, x, y, color=None, unit="count", labels=None) -> Chart:
        return cls(title, "bar", rows, x, y, color, unit, labels or {})

    def spec(self) -> dict:
        mark = alt.Chart(alt.Data(values=self.rows)).mark_line(point=True) if self.kind == "line" else None
        mark = mark or alt.Chart(alt.Data(values=self.rows)).mark_bar()
        encoding = {"x": alt.X(self.x, type="ordinal"), "y": alt.Y(self.y, type="quantitative")}
        if self.color:
            encoding["color"] = alt.Color(self.color, type="nominal")
        return mark.encode(**encoding).properties(width="container", height=220).to_dict()

    def svg(self) -> str:
        spec = self.spec()
        spec["width"] = 560
        return vl_convert.vegalite_to_svg(spec)

    def png(self, scale: float = 2.0) -> bytes:
        spec = self.spec()
        spec["width"] = 560
        return vl_convert.vegalite_to_png(spec, scale=scale)

    def columns(self) -> list[str]:
        return [c for c in (self.x, self.color, self.y) if c]

    def table(self) -> tuple[list[str], list[list]]:
        columns = self.columns()
        return [self.labels.get(c, c) for c in columns], [[row.get(c) for c in columns] for row in self.rows]

    def csv(self) -> str:
        headings, rows = self.table()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headings)
        writer.writerows(rows)
        return out.getvalue()
