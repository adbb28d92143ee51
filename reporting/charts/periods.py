"""Rows of a metric series for a chart, with periods written as people say them."""

from __future__ import annotations

import datetime


def period_label(day: datetime.date, grain: str) -> str:
    """ "Jan 2025", "2025 Q1" or "2025" for the first day of a month, quarter or year."""
    if grain == "year":
        return str(day.year)
    if grain == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return day.strftime("%b %Y")


def series_rows(series) -> list[dict]:
    """One row per point, in period order: `period` (label), `value`, `segment` when broken down."""
    points = sorted(series.points, key=lambda p: (p.period, str(p.segment)))
    rows = []
    for point in points:
        row = {"period": period_label(point.period, series.grain), "value": point.value}
        if series.dimension:
            row["segment"] = "(none)" if point.segment is None else point.segment
        rows.append(row)
    return rows
