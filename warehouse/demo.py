"""Demo data for `make demo`: a small generated source and one pipeline run, so marts exist."""

import hashlib
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from warehouse import config
from warehouse.engine import EngineError
from warehouse.models import JobRun
from warehouse.services import job_run_execute
from warehouse.source import emitted_write, generate, raw_lake_prepare
from warehouse.source.simulation import Emitter, month_start

MARKER = "demo-source.sha256"
TENANTS = 40  # enough for ARR in the low millions and smooth trends; still builds in seconds
MONTHS = 24  # two years, so month-on-month and year-on-year trends show


def seed_warehouse(*, tenants: int = TENANTS, months: int = MONTHS) -> str:
    """Generate `months` months of demo source ending today, and build the warehouse from it.

    Running it again the same day is cheap: when the raw files are what the last build read and
    its marts exist, nothing is written. On a later day the source has moved on (it ends today),
    so the raw layer is cleared before the new generation, which would otherwise sit beside the
    old one, and the warehouse is rebuilt from scratch. Returns a one-line summary.
    """
    lake = config.lake()
    today = timezone.localdate()
    until = datetime.combine(today, time.min)  # events after today have not happened yet
    start = month_start(until.replace(day=1), 1 - months)
    source = f"tenants={tenants} months={months} seed=1 start={start:%Y-%m} until={today}"
    marker = Path(settings.WAREHOUSE_WORK_DIR) / MARKER
    if marker.exists() and marker.read_text() == f"{source}\n{_fingerprint(lake)}" and _marts_exist():
        return "demo warehouse already built from this source"
    raw_lake_prepare(lake, replace=True)
    generate(lake, tenants=tenants, months=months, seed=1, start=start, until=until)
    incidents_write(lake, until)
    run = JobRun.objects.create(job="daily", trigger=JobRun.Trigger.DEMO, full_refresh=True)
    run = job_run_execute(job_run_id=run.pk)
    if run.status == JobRun.Status.SUCCEEDED:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{source}\n{_fingerprint(lake)}")
    return f"pipeline run {run.pk} {run.status}"


INCIDENT_IDS = 9_000_000_000  # ids far above the simulation's, so they never collide


def incidents_write(lake, until: datetime) -> None:
    """Two incidents for the data steward's story, written beside the simulation's events:
    a runaway AI agent loop at one tenant three months back (300 runs of 40,000 tokens in a
    day: a token-use anomaly to acknowledge) and a meter that reset last week (usage with
    negative quantities: a failing data-quality check)."""
    out = Emitter()
    loop = month_start(until.replace(day=1), -3) + timedelta(days=9, hours=2)
    for n in range(300):
        out.emit("agent_runs", loop + timedelta(minutes=4 * n), {
            "run_id": INCIDENT_IDS + n, "tenant_id": 7, "work_order_id": None, "mode": "autonomous",
            "tokens_used": 40_000, "token_cost_cents": 81, "outcome": "failed",  # nosec B105: a cost
            "started_at": loop + timedelta(minutes=4 * n),
        })  # fmt: skip
    for n, day in enumerate(range(7, 2, -1)):
        at = until - timedelta(days=day) + timedelta(hours=23, minutes=30)
        out.emit("usage_events", at, {
            "event_id": INCIDENT_IDS + 1_000 + n, "tenant_id": 3, "metric": "api_calls",
            "quantity": -4_000, "cost_cents": 0, "occurred_at": at,
        })  # fmt: skip
    emitted_write(lake, out, batch="s1-incidents", until=until)


def _fingerprint(lake) -> str:
    digest = hashlib.sha256()
    for table in lake.tables("raw"):
        for path in lake.files("raw", table):
            digest.update(f"{path}:{lake.fs.get_file_info(path).size}\n".encode())
    return digest.hexdigest()


def _marts_exist() -> bool:
    try:
        with config.engine() as engine:
            return "marts.mart_revenue_monthly" in engine.tables("marts")
    except EngineError:
        return False
