"""A report as rendered: sections of a chart and its table, and what the numbers came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reporting.charts import Chart
from reporting.freshness import Freshness


@dataclass
class ReportSection:
    heading: str
    columns: list[tuple[str, str]]  # (row key, column heading)
    rows: list[dict]  # values already formatted for reading (strings)
    chart: Chart | None = None
    description: str = ""
    note: str = ""  # e.g. "No data for this period." — shown instead of an empty table


@dataclass
class ReportDocument:
    title: str
    subtitle: str  # the period, the organisation, the filters in words
    generated_at: datetime
    freshness: Freshness
    sections: list[ReportSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once at the top (a removed metric, …)

    @property
    def empty(self) -> bool:
        return not any(section.rows for section in self.sections)
