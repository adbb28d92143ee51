"""Governed read benchmark (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodian_governed_read \\
        .venv/bin/python benchmarks/governed_read.py --events 10000000 --cache /tmp/whcache

The same 20 dashboard-shaped queries over the marts built from `--events` raw events on DuckDB,
each run through `governed_read` (catalog lookup, policy resolution, masking in the SQL, one
AccessLog row and the PHI counts written to the database of DATABASE_URL) and as the equivalent
hand-written SQL directly on the engine (no masking, no log). Both sides share one read-only
DuckDB connection (a dashboard worker keeps one), and run interleaved, `--repeat` times each.
Prints median and p95 per query side by side, the overall ratios governed/direct (goal: at most
1.10 in median and p95, log writes included) and the peak RSS. The source and the built warehouse
are kept under `--cache` (shared with warehouse_build.py's source cache) for later runs.
The database of DATABASE_URL is migrated and given a catalog of the built marts.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from warehouse_build import DBT, EVENTS_PER_TENANT_MONTH, generated  # noqa: E402

# Columns classified L3 for the benchmark (hashed for an executive): identifiers a dashboard
# groups or counts by, so masked reads are part of the mix.
L3_COLUMNS = {"mart_work_order_status": {"work_order_id"}, "mart_mrr_tenant_month": {"tenant_id"}}
# The key of the marts' stored tokens (dbt) and of the read path's hashing: one setting, as in production.
TOKEN_KEY = "governed-read-benchmark"  # noqa: S105 # nosec B105 # a benchmark key, not a secret


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--cache",
        default="/tmp/whcache",  # noqa: S108 # shared with warehouse_build.py, help="source and built warehouse, kept for later runs"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query on each side")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit of the dbt build")
    options = parser.parse_args()
    options.load_before = os.getloadavg()[0]
    os.environ["WAREHOUSE_TOKEN_KEY"] = TOKEN_KEY  # read by the dbt build below and by the settings
    db, manifest = warehouse(options)
    setup_django(db)
    reader = catalog_and_reader(manifest, db)
    figures = measure(options, db, reader)
    report(options, figures)


def warehouse(options) -> tuple[Path, Path]:
    """The raw events (made once) and the dbt-built warehouse on them (built once)."""
    from warehouse.source.generator import DEFAULT_START
    from warehouse.source.simulation import month_start

    tenants = max(1, options.events // (EVENTS_PER_TENANT_MONTH * options.months))
    last_month = month_start(DEFAULT_START, options.months - 1)
    cutoff = last_month + timedelta(days=28 * (1 - 0.01 * options.months))  # as warehouse_build.py
    source = Path(options.cache) / f"{tenants}x{options.months}"
    options.source_events = generated(source, tenants, options.months, cutoff)["before"]
    built = source / "governed"
    db, manifest = built / "warehouse.duckdb", built / "dbt" / "target" / "manifest.json"
    if not (built / "done").exists():
        started = time.perf_counter()
        args = [str(built / "dbt"), str(source / "before"), str(db), "build", options.memory_limit, "2", "1"]
        subprocess.run([sys.executable, "-c", DBT, *args], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)  # fmt: skip
        (built / "done").write_text(f"{time.perf_counter() - started:.1f}\n")
    print(f"{options.source_events:,} events ({tenants} tenants x {options.months} months), warehouse {db}")
    return db, manifest


def setup_django(db: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["WAREHOUSE_BACKEND"] = "duckdb"
    os.environ["WAREHOUSE_DUCKDB_PATH"] = str(db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"log database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)


def catalog_and_reader(manifest: Path, db: Path):
    """The marts in the catalog (dbt import, columns as built), all L1 but L3_COLUMNS, and an executive."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.audit import system_user
    from accounts.models import User
    from catalog.models import Classification, Dataset
    from catalog.services.datasets import column_upsert
    from catalog.services.dbt import dbt_import
    from warehouse.engine import EngineConfig, get_engine

    dbt_import(str(manifest), str(manifest.with_name("run_results.json")), actor=system_user())
    # the run's lineage events bring the built columns in production; here they come from the file,
    # saved one by one through the catalog's service so the audit trail sees them
    levels = {c.code: c for c in Classification.objects.all()}
    with get_engine(EngineConfig(duckdb_path=str(db), read_only=True)) as engine:
        for dataset in Dataset.objects.filter(name__startswith="warehouse.marts."):
            table = dataset.name.removeprefix("warehouse.")
            for position, column in enumerate(engine.describe(table), 1):
                level = "L3" if column.name in L3_COLUMNS.get(table.split(".")[1], ()) else "L1"
                column_upsert(
                    dataset=dataset,
                    name=column.name,
                    data_type=column.type,
                    ordinal_position=position,
                    classification=levels[level],
                )
    reader, _ = User.objects.get_or_create(username="bench-executive", defaults={"email": "exec@bench.test"})
    reader.groups.add(Group.objects.get(name=roles.EXECUTIVE))
    return reader


def queries():
    """(name, ReadQuery, direct SQL): the same question asked both ways."""
    from warehouse.reads.query import Aggregate as A
    from warehouse.reads.query import Filter as F
    from warehouse.reads.query import ReadQuery as Q

    wos, mrr = "marts.mart_work_order_status", "marts.mart_mrr_tenant_month"
    by_month = ("month_start",)
    count = A("count", None, "n")
    return [
        (
            "revenue by month",
            Q("marts.mart_revenue_monthly", order_by=by_month),
            "select * from marts.mart_revenue_monthly order by month_start",
        ),
        (
            "work orders by month",
            Q("marts.mart_work_orders_monthly", order_by=by_month),
            "select * from marts.mart_work_orders_monthly order by month_start",
        ),
        (
            "engagement by month",
            Q("marts.mart_engagement_monthly", order_by=by_month),
            "select * from marts.mart_engagement_monthly order by month_start",
        ),
        (
            "support by month",
            Q("marts.mart_support_monthly", order_by=by_month),
            "select * from marts.mart_support_monthly order by month_start",
        ),
        (
            "gross margin by month",
            Q("marts.mart_gross_margin_monthly", order_by=by_month),
            "select * from marts.mart_gross_margin_monthly order by month_start",
        ),
        (
            "retention cohorts",
            Q("marts.mart_retention", limit=500),
            "select * from marts.mart_retention limit 500",
        ),
        (
            "agents by month",
            Q("marts.mart_agent_monthly", limit=500),
            "select * from marts.mart_agent_monthly limit 500",
        ),
        (
            "orders by state",
            Q(wos, columns=("state",), aggregates=(count,), order_by=("state",)),
            "select state, count(*) as n from marts.mart_work_order_status group by state order by state",
        ),
        (
            "orders by priority and state",
            Q(
                wos,
                columns=("priority", "state"),
                aggregates=(count, A("avg", "cycle_hours", "cycle")),
                order_by=("priority", "state"),
            ),
            "select priority, state, count(*) as n, avg(cycle_hours) as cycle"
            " from marts.mart_work_order_status group by priority, state order by priority, state",
        ),
        (
            "SLA outcome by month",
            Q(
                wos,
                columns=("sla_month", "sla_outcome"),
                aggregates=(count,),
                filters=(F("sla_month", "not_null"),),
                order_by=("sla_month", "sla_outcome"),
            ),
            "select sla_month, sla_outcome, count(*) as n from marts.mart_work_order_status"
            " where sla_month is not null group by sla_month, sla_outcome order by sla_month, sla_outcome",
        ),
        (
            "top 20 tenants by orders",
            Q(wos, columns=("tenant_id",), aggregates=(count,), order_by=("-n",), limit=20),
            "select tenant_id, count(*) as n from marts.mart_work_order_status"
            " group by tenant_id order by n desc limit 20",
        ),
        (
            "slowest 50 urgent orders (L3 id hashed)",
            Q(
                wos,
                columns=("work_order_id", "tenant_id", "cycle_hours"),
                filters=(F("priority", "=", "urgent"), F("cycle_hours", "not_null")),
                order_by=("-cycle_hours",),
                limit=50,
            ),
            "select work_order_id, tenant_id, cycle_hours from marts.mart_work_order_status"
            " where priority = 'urgent' and cycle_hours is not null order by cycle_hours desc limit 50",
        ),
        (
            "distinct orders per state (L3 hashed)",
            Q(
                wos,
                columns=("state",),
                aggregates=(A("count_distinct", "work_order_id", "orders"),),
                order_by=("state",),
            ),
            "select state, count(distinct work_order_id) as orders from marts.mart_work_order_status"
            " group by state order by state",
        ),
        (
            "orders per month of one tenant (L3 hashed)",
            Q(
                wos,
                columns=("sla_month",),
                aggregates=(A("count_distinct", "work_order_id", "orders"),),
                filters=(F("tenant_id", "=", 7),),
                order_by=("sla_month",),
            ),
            "select sla_month, count(distinct work_order_id) as orders from marts.mart_work_order_status"
            " where tenant_id = 7 group by sla_month order by sla_month",
        ),
        (
            "open orders of 10 tenants",
            Q(
                wos,
                columns=("tenant_id", "state"),
                aggregates=(count,),
                filters=(F("tenant_id", "in", list(range(1, 11))), F("state", "in", ["open", "in_progress"])),
                order_by=("tenant_id", "state"),
            ),
            "select tenant_id, state, count(*) as n from marts.mart_work_order_status"
            " where tenant_id in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) and state in ('open', 'in_progress')"
            " group by tenant_id, state order by tenant_id, state",
        ),
        (
            "MRR by month",
            Q(mrr, columns=by_month, aggregates=(A("sum", "mrr", "mrr"),), order_by=by_month),
            "select month_start, sum(mrr) as mrr from marts.mart_mrr_tenant_month"
            " group by month_start order by month_start",
        ),
        (
            "movements by month",
            Q(
                mrr,
                columns=("month_start", "movement"),
                aggregates=(count,),
                order_by=("month_start", "movement"),
            ),
            "select month_start, movement, count(*) as n from marts.mart_mrr_tenant_month"
            " group by month_start, movement order by month_start, movement",
        ),
        (
            "paying customers by month (L3 hashed)",
            Q(
                mrr,
                columns=by_month,
                aggregates=(A("count_distinct", "tenant_id", "customers"),),
                filters=(F("mrr", ">", 0),),
                order_by=by_month,
            ),
            "select month_start, count(distinct tenant_id) as customers from marts.mart_mrr_tenant_month"
            " where mrr > 0 group by month_start order by month_start",
        ),
        (
            "top 25 MRR rows (L3 hashed)",
            Q(mrr, columns=("tenant_id", "month_start", "mrr"), order_by=("-mrr",), limit=25),
            "select tenant_id, month_start, mrr from marts.mart_mrr_tenant_month order by mrr desc limit 25",
        ),
        (
            "churned tenants by month",
            Q(
                mrr,
                columns=by_month,
                aggregates=(count,),
                filters=(F("movement", "=", "churn"),),
                order_by=by_month,
                limit=12,
            ),
            "select month_start, count(*) as n from marts.mart_mrr_tenant_month where movement = 'churn'"
            " group by month_start order by month_start limit 12",
        ),
    ]  # fmt: skip - one question per entry, its two forms side by side


def measure(options, db: Path, reader) -> list[dict]:
    from warehouse.engine import EngineConfig, get_engine
    from warehouse.reads.models import AccessLog
    from warehouse.reads.service import governed_read

    engine = get_engine(EngineConfig(backend="duckdb", duckdb_path=str(db), read_only=True))
    results = []
    for name, query, sql in queries():

        def governed(query=query):
            return governed_read(
                user=reader, purpose=AccessLog.Purpose.DASHBOARD, query=query, engine=engine
            ).data

        def direct(sql=sql):
            return engine.query(sql)

        rows = (governed().num_rows, direct().num_rows)  # warm both once
        if rows[0] != rows[1]:
            raise SystemExit(f"{name}: governed read gave {rows[0]} rows, direct SQL {rows[1]}")
        timings = {"governed": [], "direct": []}
        for _ in range(options.repeat):
            for side, run in (("governed", governed), ("direct", direct)):
                started = time.perf_counter()
                run()
                timings[side].append(time.perf_counter() - started)
        results.append({"query": name, "rows": rows[0], **{
            f"{side}_{stat}_ms": value * 1000 for side, values in timings.items()
            for stat, value in (("median", statistics.median(values)), ("p95", p95(values)))
        }})  # fmt: skip
        print(
            f"  {name:<44} {results[-1]['governed_median_ms']:8.1f} {results[-1]['direct_median_ms']:8.1f} ms"
        )
    engine.close()
    return results


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(options, figures: list[dict]) -> None:
    from django.db import connection

    from warehouse.reads.models import AccessLog

    print(
        f"\nGoverned read vs direct SQL, DuckDB, marts of {options.source_events:,} raw events, "
        f"{options.repeat} runs per query and side (ms)"
    )
    heads = ("rows", "gov p50", "dir p50", "gov p95", "dir p95", "p50 ratio")
    print(f"  {'query':<44}" + "".join(f"{h:>10}" for h in heads))
    for f in figures:
        ratio = f["governed_median_ms"] / f["direct_median_ms"]
        keys = ("governed_median_ms", "direct_median_ms", "governed_p95_ms", "direct_p95_ms")
        print(
            f"  {f['query']:<44}{f['rows']:>10}" + "".join(f"{f[k]:>10.1f}" for k in keys) + f"{ratio:>10.2f}"
        )
    total = {k: sum(f[k] for f in figures) for k in figures[0] if k.endswith("_ms")}
    median_ratio = total["governed_median_ms"] / total["direct_median_ms"]
    p95_ratio = total["governed_p95_ms"] / total["direct_p95_ms"]
    per_query = statistics.median(f["governed_median_ms"] / f["direct_median_ms"] for f in figures)
    overhead = statistics.median(f["governed_median_ms"] - f["direct_median_ms"] for f in figures)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    verdict = lambda r: "goal <= 1.10 met" if r <= 1.10 else "goal <= 1.10 NOT met"  # noqa: E731
    print(f"\n  all 20 queries, sum of medians: governed/direct {median_ratio:.2f}, {verdict(median_ratio)}")
    print(f"  all 20 queries, sum of p95s:    governed/direct {p95_ratio:.2f}, {verdict(p95_ratio)}")
    print(f"  median of the per-query ratios: {per_query:.2f}; median added time per read: {overhead:.1f} ms")
    print(f"  peak RSS of this process (engine, Django, results): {peak} MiB")
    result = {
        "when": datetime.now().isoformat(timespec="seconds"), "events": options.source_events,
        "repeat": options.repeat, "log_database": connection.vendor,
        "median_ratio": median_ratio, "p95_ratio": p95_ratio, "median_per_query_ratio": per_query,
        "median_added_ms": overhead, "peak_rss_mib": peak, "access_log_rows": AccessLog.objects.count(),
        "load_average_before": options.load_before, "load_average_after": os.getloadavg()[0],
        "queries": figures,
    }  # fmt: skip
    out = ROOT / "benchmarks" / "results" / f"governed_read_{options.source_events // 1000}k.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
