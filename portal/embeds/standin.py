"""STAND-IN for portal.customer.dashboards (branch `customer`); deleted once that is merged."""

from reporting.reports.spec import ReportInvalid
from reporting.series import metric_series

CUSTOMER_DASHBOARDS = {"work-orders": "Work-order performance", "compliance": "Compliance"}


def customer_dashboard_context(*, reader, organization, slug, params, purpose, request_id=""):
    if (params or {}).get("period", "last_12_months") != "last_12_months":
        raise ReportInvalid("Unknown period; choose one of: Last 12 months.")
    series = metric_series(
        user=reader, metric="work_orders_completed", purpose=purpose, request_id=request_id
    )
    return {
        "title": CUSTOMER_DASHBOARDS[slug],
        "organization": organization,
        "points": series.points,
    }
