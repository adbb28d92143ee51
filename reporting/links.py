"""Links from a number to its definition and to the rows behind it, for dashboards and reports."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse


def metric_url(name: str) -> str:
    return reverse("admin:reporting_metric_detail", args=[name])


def metric_rows_url(name: str, period: date, grain: str = "month", **where) -> str:
    """`/admin/metrics/<name>/rows/?period=…&grain=…&tier=…` (a list value repeats the parameter)."""
    query = [("period", period.isoformat()), ("grain", grain)]
    for column, value in where.items():
        query += [(column, v) for v in value] if isinstance(value, list | tuple) else [(column, value)]
    return f"{reverse('admin:reporting_metric_rows', args=[name])}?{urlencode(query)}"
