"""Twelve data-quality checks on a DuckDB table: our pushed-down SQL beside Great Expectations 1.x.

    .venv/bin/python benchmarks/quality_checks.py --rows 10000000 [--gx-python /tmp/gx-venv/bin/python]

Great Expectations runs in its own virtual environment (never the project's):
    python3.11 -m venv /tmp/gx-venv && /tmp/gx-venv/bin/pip install 'great-expectations==1.*' \
        duckdb-engine duckdb==2.0.1 'sqlalchemy<2.1'
(measured with great-expectations 1.24.1, duckdb-engine 0.17.0, duckdb 2.0.1, SQLAlchemy 2.0.58).
It reads the same DuckDB file through SQLAlchemy's duckdb dialect (duckdb-engine), so both sides
push work into DuckDB; GX issues its own queries per expectation (metrics), ours compiles the
column checks of the table into one aggregate scan plus one query per cross-table or custom-SQL
check (governance/quality/compile.py). Each side runs in a fresh process; its time excludes
interpreter start-up and imports, its peak memory is the process's peak RSS. Verdicts (pass/fail
per check) must match.

"Ours" is the project's check runner itself: the twelve checks are written as YAML (as users write
them beside the dbt project), loaded with `quality_yaml_sync` into a private SQLite store with the
two tables catalogued (set up once, not timed), and run with `quality_checks_run`: compile, the
engine's queries, verdicts, failing-row samples and the stored results all count. Rounds are
interleaved (the side going first alternates) and the load average is recorded per round, because
the machine is shared. Results: benchmarks/results/quality_checks.json.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
RESULTS = HERE.parent / "results" / "quality_checks.json"
STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled")
COUNTRIES = ("US", "DE", "FR", "GB", "JP", "BR", "IN")  # 'XX' rows are planted: check 12 fails
FRESH_SINCE = "2026-11-01"

# The twelve checks, one vocabulary for both sides: (name, kind, arguments).
MISSING_CUSTOMER = (
    "SELECT o.* FROM orders o LEFT JOIN customers c ON o.customer_id = c.id "
    "WHERE o.customer_id IS NOT NULL AND c.id IS NULL"
)
CHECKS = [
    ("row_count_range", "row_count", {"min": 1_000, "max": 100_000_000}),
    ("id_not_null", "not_null", {"column": "id"}),
    ("customer_not_null_99pct", "not_null", {"column": "customer_id", "mostly": 0.99}),
    ("id_unique", "unique", {"column": "id"}),
    ("status_accepted", "accepted_values", {"column": "status", "values": STATUSES}),
    ("amount_range", "range", {"column": "amount", "min": 0, "max": 10_000}),
    ("quantity_range", "range", {"column": "quantity", "min": 1, "max": 100}),
    ("fresh_newest_row", "max_between", {"column": "created_at", "min": FRESH_SINCE, "max": "2100-01-01"}),
    ("amount_mean", "mean_between", {"column": "amount", "min": 100, "max": 400}),
    ("customer_exists", "custom_sql", {"sql": MISSING_CUSTOMER}),
    ("shipped_after_created", "custom_sql", {"sql": "SELECT * FROM orders WHERE shipped_at < created_at"}),
    ("country_accepted", "accepted_values", {"column": "country", "values": COUNTRIES}),
]


def generate(path: Path, rows: int) -> None:
    import duckdb

    def pick(seed: int, modulo: int) -> str:
        return f"CAST(hash(range, {seed}) % {modulo} AS BIGINT)"

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers AS SELECT range AS id FROM range(100000)")
    con.execute(f"""
        CREATE TABLE orders AS SELECT
            range AS id,
            CASE WHEN {pick(1, 200)} = 0 THEN NULL ELSE {pick(2, 100000)} END AS customer_id,
            ['placed','paid','shipped','delivered','cancelled'][1 + {pick(3, 5)}] AS status,
            CASE WHEN range % 100000 = 7 THEN 'XX'
                 ELSE ['US','DE','FR','GB','JP','BR','IN'][1 + {pick(4, 7)}] END AS country,
            round({pick(5, 50000)} / 100.0, 2) AS amount,
            1 + {pick(6, 20)} AS quantity,
            TIMESTAMP '2026-11-30' - to_seconds({pick(7, 28857600)}) AS created_at,
            created_at + INTERVAL 1 HOUR AS shipped_at
        FROM range({rows})
    """)  # noqa: S608 # nosec B608 # our own generator, no outside input
    con.close()


# --- Ours: the check runner itself, checks defined in YAML as users define them ---------------

# The same twelve checks in our vocabulary (warehouse/dbt/quality/*.yml). The newest-row check is a
# freshness check against NOW (newest ≥ FRESH_SINCE ⇔ at most 720 h old); the mean is custom SQL
# returning a row when it is off; the customer check is our referential check.
NOW = "2026-12-01T00:00:00+00:00"
OURS_YAML = {
    "checks": [
        {"name": "row_count_range", "type": "row_count", "params": {"min": 1_000, "max": 100_000_000}},
        {"name": "id_not_null", "type": "not_null", "column": "id"},
        {
            "name": "customer_not_null_99pct",
            "type": "not_null",
            "column": "customer_id",
            "params": {"min_ratio": 0.99},
        },
        {"name": "id_unique", "type": "unique", "column": "id"},
        {
            "name": "status_accepted",
            "type": "accepted_values",
            "column": "status",
            "params": {"values": list(STATUSES)},
        },
        {"name": "amount_range", "type": "range", "column": "amount", "params": {"min": 0, "max": 10_000}},
        {"name": "quantity_range", "type": "range", "column": "quantity", "params": {"min": 1, "max": 100}},
        {
            "name": "fresh_newest_row",
            "type": "freshness",
            "column": "created_at",
            "params": {"max_age_hours": 720},
        },
        {
            "name": "amount_mean",
            "type": "custom_sql",
            "params": {
                "sql": "select avg(amount) as mean from {table} having avg(amount) not between 100 and 400"
            },
        },
        {
            "name": "customer_exists",
            "type": "referential",
            "column": "customer_id",
            "params": {"to": "main.customers", "to_column": "id"},
        },
        {
            "name": "shipped_after_created",
            "type": "custom_sql",
            "params": {"sql": "select * from {table} where shipped_at < created_at"},
        },
        {
            "name": "country_accepted",
            "type": "accepted_values",
            "column": "country",
            "params": {"values": list(COUNTRIES)},
        },
    ]
}


def _django(var_dir: Path, db: Path) -> None:
    """The project's settings on a private SQLite store, the warehouse = the benchmark's file."""
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "CUSTODIAN_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'custodian.sqlite3'}",
        "WAREHOUSE_BACKEND": "duckdb",
        "WAREHOUSE_DUCKDB_PATH": str(db),
        "QUALITY_CHECKS_YAML_DIR": str(var_dir / "quality"),
    }
    sys.path.insert(0, str(HERE.parent.parent))
    import django

    django.setup()


def setup_ours(var_dir: Path, db: Path) -> None:
    """Once: migrate a store, catalogue the two tables, load the YAML checks (not timed)."""
    import yaml

    _django(var_dir, db)
    from django.conf import settings
    from django.core.management import call_command

    from catalog.models import Dataset
    from governance.quality.yaml_checks import quality_yaml_sync

    call_command("migrate", verbosity=0)
    for table in ("orders", "customers"):
        Dataset.objects.create(namespace=settings.WAREHOUSE_NAMESPACE, name=f"warehouse.main.{table}")
    for check in OURS_YAML["checks"]:
        check["dataset"] = "main.orders"
    (var_dir / "quality").mkdir(exist_ok=True)
    (var_dir / "quality" / "bench.yml").write_text(yaml.safe_dump(OURS_YAML))
    print(quality_yaml_sync())


def run_ours(var_dir: Path, db: Path) -> dict:
    from datetime import datetime

    _django(var_dir, db)
    from catalog.models import Dataset
    from governance.models import CheckResult
    from governance.quality.services import quality_checks_run

    started = time.perf_counter()
    results = quality_checks_run(
        datasets=Dataset.objects.filter(name__endswith=".orders"), now=datetime.fromisoformat(NOW)
    )
    seconds = time.perf_counter() - started
    errors = [r.message for r in results if r.status == CheckResult.Status.ERROR]
    if errors:
        sys.exit(f"checks that could not run: {errors}")
    verdicts = {r.quality_check.source_key.split(":", 1)[1]: r.status == "pass" for r in results}
    return {"seconds": seconds, "verdicts": verdicts}


# --- Great Expectations 1.x, in its own virtual environment ---------------------------------------


def _buffer_gx_results() -> None:
    """GX 1.24 reads a query's rows after closing its connection; duckdb-engine has dropped them
    by then and every metric fails ("list index out of range"). Fetch them before it closes;
    the queries stay GX's own."""
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    def execute_query(self, query):
        with self.get_connection() as connection:
            return self._execute_query_with_recovery(connection, query).freeze()()

    SqlAlchemyExecutionEngine.execute_query = execute_query


def _expectation(kind: str, a: dict):
    import great_expectations.expectations as gxe

    column, low, high = a.get("column"), a.get("min"), a.get("max")
    return {
        "row_count": lambda: gxe.ExpectTableRowCountToBeBetween(min_value=low, max_value=high),
        "not_null": lambda: gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=a.get("mostly", 1.0)),
        "unique": lambda: gxe.ExpectColumnValuesToBeUnique(column=column),
        "accepted_values": lambda: gxe.ExpectColumnValuesToBeInSet(
            column=column, value_set=list(a["values"])
        ),
        "range": lambda: gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high),
        "max_between": lambda: gxe.ExpectColumnMaxToBeBetween(column=column, min_value=low, max_value=high),
        "mean_between": lambda: gxe.ExpectColumnMeanToBeBetween(column=column, min_value=low, max_value=high),
        "custom_sql": lambda: gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=a["sql"].replace("FROM orders", "FROM {batch}", 1)
        ),
    }[kind]()


def run_gx(path: Path) -> dict:
    import great_expectations as gx

    _buffer_gx_results()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql("bench", connection_string=f"duckdb:///{path}")
    batch_definition = source.add_table_asset("orders", table_name="orders").add_batch_definition_whole_table(
        "all"
    )
    suite = context.suites.add(gx.ExpectationSuite("twelve"))
    named = [(name, suite.add_expectation(_expectation(kind, a))) for name, kind, a in CHECKS]
    started = time.perf_counter()
    result = batch_definition.get_batch().validate(suite)
    seconds = time.perf_counter() - started
    by_id = {r.expectation_config.id: r.success for r in result.results}
    return {"seconds": seconds, "verdicts": {name: by_id[e.id] for name, e in named}}


def _child(engine: str, path: Path, var_dir: Path) -> None:
    if engine == "setup":
        return setup_ours(var_dir, path)
    out = run_ours(var_dir, path) if engine == "ours" else run_gx(path)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _run_child(python: str, engine: str, path: Path, var_dir: Path) -> dict:
    command = [python, str(HERE), "--child", engine, "--db", str(path), "--var-dir", str(var_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603 # our own script
    if done.returncode:
        sys.exit(f"{engine} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ours_copy(template: Path, run: int) -> Path:
    """A fresh copy of the prepared store per run, so no run sees another's results."""
    var_dir = template.parent / f"run{run}"
    shutil.rmtree(var_dir, ignore_errors=True)
    shutil.copytree(template, var_dir)
    return var_dir


def _interleaved(args, path: Path, template: Path) -> list[tuple[dict, dict, float]]:
    """(ours, gx, load average) per round; the side that goes first alternates."""
    rounds = []
    for n in range(args.repeat):
        load = os.getloadavg()[0]
        sides = {}
        for side in ("ours", "gx") if n % 2 == 0 else ("gx", "ours"):
            if side == "ours":
                sides[side] = _run_child(sys.executable, "ours", path, _ours_copy(template, n))
            else:
                sides[side] = _run_child(args.gx_python, "gx", path, template)
        rounds.append((sides["ours"], sides["gx"], load))
        print(
            f"round {n + 1}: ours {sides['ours']['seconds']:.2f} s, GX {sides['gx']['seconds']:.2f} s, "
            f"load {load:.1f}"
        )
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--db", type=Path, help="DuckDB file; default quality_checks_<rows>.duckdb in the temp dir"
    )
    parser.add_argument("--gx-python", default="/tmp/gx-venv/bin/python")  # noqa: S108 - the venv named above
    parser.add_argument(
        "--repeat", type=int, default=4, help="rounds of both sides, interleaved; the fastest counts"
    )
    parser.add_argument("--child", choices=["setup", "ours", "gx"], help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"quality_checks_{args.rows}.duckdb"
    if args.child:
        return _child(args.child, path, args.var_dir)
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s: {path}")
    template = Path(tempfile.mkdtemp(prefix="quality_checks_")) / "template"
    template.mkdir()
    setup = [sys.executable, str(HERE), "--child", "setup", "--db", str(path), "--var-dir", str(template)]
    subprocess.run(setup, check=True, capture_output=True)  # nosec B603 # our own script
    rounds = _interleaved(args, path, template)
    shutil.rmtree(template.parent, ignore_errors=True)
    ours = min((o for o, _, _ in rounds), key=lambda r: r["seconds"])
    gx = min((g for _, g, _ in rounds), key=lambda r: r["seconds"])
    result = {
        "rows": args.rows,
        "checks": len(CHECKS),
        "ours": ours,
        "great_expectations": gx,
        "speedup": gx["seconds"] / ours["seconds"],
        "median_speedup": statistics.median(g["seconds"] / o["seconds"] for o, g, _ in rounds),
        "verdicts_match": all(o["verdicts"] == g["verdicts"] for o, g, _ in rounds),
        "rounds": [
            {
                "ours_seconds": o["seconds"],
                "gx_seconds": g["seconds"],
                "ours_peak_rss_mb": o["peak_rss_mb"],
                "gx_peak_rss_mb": g["peak_rss_mb"],
                "load_average_1min": load,
            }
            for o, g, load in rounds
        ],
        "load_average_1min_at_end": os.getloadavg()[0],
        "cores": os.cpu_count(),
        "goal": "ours at least 5x faster, same verdicts",
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"ours {ours['seconds']:.2f} s, {ours['peak_rss_mb']:.0f} MB peak; "
        f"Great Expectations {gx['seconds']:.2f} s, {gx['peak_rss_mb']:.0f} MB peak; "
        f"{result['speedup']:.1f}x (median of rounds {result['median_speedup']:.1f}x); "
        f"verdicts match: {result['verdicts_match']}"
    )
    failed = sorted(n for n, ok in ours["verdicts"].items() if not ok)
    print(f"failing checks (both sides): {failed}; results: {RESULTS.relative_to(HERE.parent.parent)}")
    return None


if __name__ == "__main__":
    main()
