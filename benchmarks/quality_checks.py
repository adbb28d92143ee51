"""Twelve data-quality checks on a DuckDB table: our pushed-down SQL beside Great Expectations 1.x.

    .venv/bin/python benchmarks/quality_checks.py --rows 10000000 [--gx-python /tmp/gx-venv/bin/python]

Great Expectations runs in its own virtual environment (never the project's):
    python3.11 -m venv /tmp/gx-venv && /tmp/gx-venv/bin/pip install 'great-expectations==1.*' \
        duckdb-engine duckdb==2.0.1 'sqlalchemy<2.1'
(measured with great-expectations 1.24.1, duckdb-engine 0.17.0, duckdb 2.0.1, SQLAlchemy 2.0.58).
It reads the same DuckDB file through SQLAlchemy's duckdb dialect (duckdb-engine), so both sides
push work into DuckDB; GX issues its own queries per expectation (metrics), ours compiles the
column checks of the table into one aggregate scan plus one query per cross-table or custom-SQL
check. Each side runs in a fresh process; its time excludes interpreter start-up and imports, its
peak memory is the process's peak RSS. Verdicts (pass/fail per check) must match.

"Ours" is the compiled-aggregate approach written here against DuckDB directly, because the
check runner (governance/quality/runner.py) was not merged when this was written; it compiles the
same kind of SQL. Results: benchmarks/results/quality_checks.json.
"""

import argparse
import json
import os
import resource
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
# Separate queries: a DISTINCT aggregate beside the others takes DuckDB off its fast path (measured
# at 10M rows under load: 17-21 s together against 2.2 s + 7-9 s apart).
OWN_QUERY = {"unique", "custom_sql"}


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


# --- Ours: compile the column checks of a table into one aggregate scan --------------------------


def _sql_list(values) -> str:
    return ", ".join(repr(v) for v in values)


def _aggregate(kind: str, a: dict) -> str:
    """The SELECT-list expression of a column check: its failing-row count or its measured value."""
    column = a.get("column")
    return {
        "row_count": lambda: "count(*)",
        "not_null": lambda: f"count(*) - count({column})",
        "unique": lambda: f"count({column}) - count(DISTINCT {column})",
        "accepted_values": lambda: f"count(*) FILTER (WHERE {column} NOT IN ({_sql_list(a['values'])}))",
        "range": lambda: f"count(*) FILTER (WHERE {column} NOT BETWEEN {a['min']} AND {a['max']})",
        "max_between": lambda: f"CAST(max({column}) AS VARCHAR)",
        "mean_between": lambda: f"avg({column})",
    }[kind]()


def _verdict(kind: str, a: dict, value, total: int) -> bool:
    if kind == "row_count":
        return a["min"] <= value <= a["max"]
    if kind == "max_between":
        return value is not None and a["min"] <= value <= a["max"]
    if kind == "mean_between":
        return value is not None and a["min"] <= value <= a["max"]
    return value <= (1 - a.get("mostly", 1.0)) * total


def run_ours(path: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    started = time.perf_counter()
    scan = [(name, kind, a) for name, kind, a in CHECKS if kind not in OWN_QUERY]
    select = ", ".join(["count(*)", *(f"{_aggregate(kind, a)} AS {name}" for name, kind, a in scan)])
    total, *measured = con.execute(f"SELECT {select} FROM orders").fetchall()[0]  # noqa: S608 # nosec B608
    values = dict(zip([name for name, _, _ in scan], measured, strict=True))
    for name, kind, a in CHECKS:
        if kind == "unique":
            sql = f"SELECT {_aggregate(kind, a)} FROM orders"  # noqa: S608 # nosec B608 # our CHECKS only
        elif kind == "custom_sql":
            sql = f"SELECT count(*) FROM ({a['sql']})"  # noqa: S608 # nosec B608 # our CHECKS only
        else:
            continue
        values[name] = con.execute(sql).fetchall()[0][0]
    verdicts = {name: _verdict(kind, a, values[name], total) for name, kind, a in CHECKS}
    queries = 1 + sum(kind in OWN_QUERY for _, kind, _ in CHECKS)
    return {"seconds": time.perf_counter() - started, "verdicts": verdicts, "queries": queries}


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


def _child(engine: str, path: Path) -> None:
    out = run_ours(path) if engine == "ours" else run_gx(path)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _run_child(python: str, engine: str, path: Path) -> dict:
    done = subprocess.run(  # nosec B603 # our own script, fixed arguments
        [python, str(HERE), "--child", engine, "--db", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"{engine} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--db", type=Path, help="DuckDB file; default quality_checks_<rows>.duckdb in the temp dir"
    )
    parser.add_argument("--gx-python", default="/tmp/gx-venv/bin/python")  # noqa: S108 - the venv named above
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each side, interleaved; the fastest counts"
    )
    parser.add_argument("--child", choices=["ours", "gx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"quality_checks_{args.rows}.duckdb"
    if args.child:
        return _child(args.child, path)
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s: {path}")
    runs = [(_run_child(sys.executable, "ours", path), _run_child(args.gx_python, "gx", path))
            for _ in range(args.repeat)]  # fmt: skip
    ours = min((o for o, _ in runs), key=lambda r: r["seconds"])
    gx = min((g for _, g in runs), key=lambda r: r["seconds"])
    result = {
        "rows": args.rows,
        "checks": len(CHECKS),
        "ours": ours,
        "great_expectations": gx,
        "speedup": gx["seconds"] / ours["seconds"],
        "verdicts_match": all(o["verdicts"] == g["verdicts"] for o, g in runs),
        "all_seconds": {
            "ours": [o["seconds"] for o, _ in runs],
            "great_expectations": [g["seconds"] for _, g in runs],
        },
        "load_average_1min": os.getloadavg()[0],
        "goal": "ours at least 5x faster, same verdicts",
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"ours {ours['seconds']:.2f} s, {ours['peak_rss_mb']:.0f} MB peak; "
          f"Great Expectations {gx['seconds']:.2f} s, {gx['peak_rss_mb']:.0f} MB peak; "
          f"{result['speedup']:.1f}x; verdicts match: {result['verdicts_match']}")  # fmt: skip
    failed = sorted(n for n, ok in ours["verdicts"].items() if not ok)
    print(f"failing checks (both sides): {failed}; results: {RESULTS.relative_to(HERE.parent.parent)}")
    return None


if __name__ == "__main__":
    main()
