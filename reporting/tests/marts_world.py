"""A small warehouse holding the marts the metric layer reads, with their catalog entries.

Tables follow the contract of `reporting/metrics.yml` (the dbt marts build the same columns; the
end-to-end test from a dbt build on the hand fixture lives in test_metrics_from_dbt.py). Values are
small and chosen so every metric can be computed by hand; see each table's comment.
Use: the `marts_world` fixture (reporting/tests/conftest.py) points the settings' DuckDB file at it.
"""

from datetime import date
from decimal import Decimal

import pyarrow as pa
from django.utils import timezone

from catalog.models import Dataset
from catalog.tests.factories import ColumnFactory, DatasetFactory, level
from warehouse.engine import EngineConfig, get_engine
from warehouse.models import JobRun, WarehouseModel
from warehouse.reads.catalog_lookup import catalog_identity

JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
Q1, Q2 = date(2026, 1, 1), date(2026, 4, 1)
Y26 = date(2026, 1, 1)


def d(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _mrr_row(month, tier, opening, new=0, react=0, exp=0, contr=0, churn=0, customers=1, churned=0):
    mrr = opening + new + react + exp - contr - churn
    return {
        "month_start": month,
        "tier": tier,
        "icp_segment": "pharma" if tier == "enterprise" else "medtech",
        "region": "us" if tier != "starter" else "eu",
        "opening_mrr": d(opening),
        "new_mrr": d(new),
        "reactivation_mrr": d(react),
        "expansion_mrr": d(exp),
        "contraction_mrr": d(contr),
        "churned_mrr": d(churn),
        "net_new_mrr": d(new + react + exp - contr - churn),
        "mrr": d(mrr),
        "arr": d(12 * mrr),
        "customers": customers,
        "churned_customers": churned,
    }


# MRR per segment (dollars):            Jan   Feb   Mar   Apr
#   enterprise (pharma, us)            1000  1200  1200  1100   (+200 expansion Feb, -100 contraction Apr)
#   starter (medtech, eu)               100   100     0    50   (churn Mar, reactivation Apr)
#   growth (medtech, us)                  -   300   300   300   (new Feb)
MRR_SEGMENT_MONTH = [
    _mrr_row(JAN, "enterprise", 0, new=1000),
    _mrr_row(JAN, "starter", 0, new=100),
    _mrr_row(FEB, "enterprise", 1000, exp=200),
    _mrr_row(FEB, "starter", 100),
    _mrr_row(FEB, "growth", 0, new=300),
    _mrr_row(MAR, "enterprise", 1200),
    _mrr_row(MAR, "starter", 100, churn=100, customers=0, churned=1),
    _mrr_row(MAR, "growth", 300),
    _mrr_row(APR, "enterprise", 1200, contr=100),
    _mrr_row(APR, "starter", 0, react=50),
    _mrr_row(APR, "growth", 300),
]


def _retention_row(cohort, window, tier, customers, churned, start, end):
    month = cohort.month - 1 + window
    measured = date(cohort.year + month // 12, month % 12 + 1, 1)
    return {
        "cohort_month": cohort,
        "window_months": window,
        "measured_month": measured,
        "tier": tier,
        "icp_segment": "pharma" if tier == "enterprise" else "medtech",
        "region": "us" if tier != "starter" else "eu",
        "cohort_customers": customers,
        "churned_customers": churned,
        "start_mrr": d(start),
        "end_mrr": d(end),
        "retained_mrr": d(min(start, end)),
    }


# 12-month cohorts measured in Mar and Apr 2026 (cohort Mar and Apr 2025):
#   Mar: enterprise 1000 -> 1200 (2 customers, 0 churned); starter 400 -> 0 (4 customers, 4 churned)
#   Apr: enterprise 1000 -> 1100 (2, 0);                   starter 400 -> 100 (4, 3)
RETENTION_SEGMENT = [
    _retention_row(date(2025, 3, 1), 12, "enterprise", 2, 0, 1000, 1200),
    _retention_row(date(2025, 3, 1), 12, "starter", 4, 4, 400, 0),
    _retention_row(date(2025, 4, 1), 12, "enterprise", 2, 0, 1000, 1100),
    _retention_row(date(2025, 4, 1), 12, "starter", 4, 3, 400, 100),
    _retention_row(date(2026, 2, 1), 1, "enterprise", 1, 0, 1200, 1200),  # another window: filtered out
]

GROSS_MARGIN_MONTHLY = [
    {
        "month_start": m,
        "revenue": d(r),
        "cost_of_revenue": d(c),
        "gross_profit": d(r - c),
        "gross_margin": (r - c) / r,
    }
    for m, r, c in [(JAN, 1000, 250), (FEB, 1500, 300), (MAR, 1500, 450), (APR, 1400, 420)]
]


def _orders_row(month, tenant, tier, created, throughput, met, breached):
    return {
        "month_start": month,
        "tenant_id": tenant,
        "tier": tier,
        "created": created,
        "throughput": throughput,
        "sla_met": met,
        "sla_breached": breached,
        "sla_due": met + breached,
    }


WORK_ORDERS_TENANT_MONTH = [
    _orders_row(JAN, 1, "enterprise", 10, 8, 7, 1),
    _orders_row(JAN, 2, "starter", 4, 4, 2, 2),
    _orders_row(FEB, 1, "enterprise", 12, 11, 10, 1),
    _orders_row(FEB, 2, "starter", 5, 3, 3, 0),
    _orders_row(APR, 1, "enterprise", 9, 9, 9, 0),
]

# cycle hours of completed orders: tenant 1 Jan [2, 4, 6, 8], tenant 2 Jan [10], tenant 1 Apr [1, 3]
WORK_ORDER_CYCLE = [
    {
        "work_order_id": 100 + i,
        "tenant_id": t,
        "tier": tier,
        "completed_month": m,
        "completed_quarter": q,
        "completed_year": Y26,
        "cycle_hours": h,
        "lead_hours": h + 1.0,
    }
    for i, (t, tier, m, q, h) in enumerate(
        [
            (1, "enterprise", JAN, Q1, 2.0),
            (1, "enterprise", JAN, Q1, 4.0),
            (1, "enterprise", JAN, Q1, 6.0),
            (1, "enterprise", JAN, Q1, 8.0),
            (2, "starter", JAN, Q1, 10.0),
            (1, "enterprise", APR, Q2, 1.0),
            (1, "enterprise", APR, Q2, 3.0),
        ]
    )
]

AGENT_TENANT_MONTH = [
    {
        "month_start": m,
        "tenant_id": t,
        "tier": tier,
        "runs": runs,
        "autonomous_runs": auto,
        "tokens_used": tokens,
        "token_cost": d(tokens / 100000),
    }
    for m, t, tier, runs, auto, tokens in [
        (JAN, 1, "enterprise", 40, 30, 400000),
        (JAN, 2, "starter", 10, 2, 50000),
        (FEB, 1, "enterprise", 50, 45, 520000),
    ]
]

SUPPORT_TENANT_MONTH = [
    {"month_start": JAN, "tenant_id": 1, "tier": "enterprise", "tickets_opened": 6, "tickets_resolved": 5},
    {"month_start": JAN, "tenant_id": 2, "tier": "starter", "tickets_opened": 3, "tickets_resolved": 3},
    {"month_start": FEB, "tenant_id": 1, "tier": "enterprise", "tickets_opened": 4, "tickets_resolved": 4},
]

SUPPORT_RESOLUTION = [
    {
        "ticket_id": 500 + i,
        "tenant_id": t,
        "tier": tier,
        "opened_month": JAN,
        "opened_quarter": Q1,
        "opened_year": Y26,
        "resolution_hours": h,
    }
    for i, (t, tier, h) in enumerate([(1, "enterprise", 5.0), (1, "enterprise", 7.0), (2, "starter", 30.0)])
]

MARTS = {
    "marts.mart_mrr_segment_month": MRR_SEGMENT_MONTH,
    "marts.mart_retention_segment": RETENTION_SEGMENT,
    "marts.mart_gross_margin_monthly": GROSS_MARGIN_MONTHLY,
    "marts.mart_work_orders_tenant_month": WORK_ORDERS_TENANT_MONTH,
    "marts.mart_work_order_cycle": WORK_ORDER_CYCLE,
    "marts.mart_agent_tenant_month": AGENT_TENANT_MONTH,
    "marts.mart_support_tenant_month": SUPPORT_TENANT_MONTH,
    "marts.mart_support_resolution": SUPPORT_RESOLUTION,
}
TYPES = {pa.date32(): "DATE", pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE"}


def build_marts_world(path, marts: dict | None = None, *, catalog: bool = True) -> None:
    """Write every table of `marts` (default MARTS) into the DuckDB file at `path` and, with
    `catalog`, catalog it (marts at L2)."""
    config = EngineConfig(backend="duckdb", duckdb_path=str(path))
    engine = get_engine(config)
    try:
        for table, rows in (marts or MARTS).items():
            data = pa.Table.from_pylist(rows)
            engine.write_arrow(table, data)
            if not catalog:
                continue
            namespace, name = catalog_identity(table, config)
            dataset = DatasetFactory(namespace=namespace, name=name, layer=Dataset.Layer.MART)
            for position, field in enumerate(data.schema, 1):
                ColumnFactory(
                    dataset=dataset,
                    name=field.name,
                    data_type=TYPES.get(field.type, "DECIMAL(18,2)"),
                    ordinal_position=position,
                    classification=level("L2"),
                )
    finally:
        engine.close()


def finish_run(capture, job="hourly") -> JobRun:
    """A run that rebuilt the marts, saved as the pipeline saves it (commit hooks run)."""
    with capture(execute=True):
        run = JobRun.objects.create(job=job, status=JobRun.Status.RUNNING, started_at=timezone.now())
        WarehouseModel.objects.update_or_create(
            unique_id="model.custodian.mart_mrr_segment_month",
            defaults={
                "name": "mart_mrr_segment_month",
                "layer": "marts",
                "last_status": "success",
                "last_run": run,
                "last_success_at": timezone.now(),
            },
        )
        run.status, run.finished_at = JobRun.Status.SUCCEEDED, timezone.now()
        run.save()
    return run
