"""Warehouse build benchmark (issue 4).

    .venv/bin/python benchmarks/warehouse_build.py --events 1000000

Generates about `--events` raw change events (`--cache DIR` keeps them for later runs), then
measures:
1. the full dbt build (models and snapshot, no tests) of cleansed, star schema and marts on DuckDB,
   in a new process: a worker, which then stays up as a Celery worker does between jobs;
2. the same models' compiled SQL run directly in DuckDB, in dependency order, no framework, in a
   new process with the DuckDB settings dbt's profile uses;
3. after about 1 % new events, the incremental build in that same worker, and for reference the
   same incremental build from a copy of the same state in a new process (imports and dbt's
   first-run set-up included: about 2 s of imports and 3 s of set-up on this machine).
Peak memory (max RSS) of each process. Baselines from the issue: (1)/(2) ≤ 1.2, (3)/(1) ≤ 0.10,
peak memory bounded as input grows (compare runs at two sizes).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVENTS_PER_TENANT_MONTH = 150  # what the generator writes on average (measured)

DBT = """
import os, sys, time
from warehouse.dbt_runner import DbtTarget, run
target = DbtTarget(work_dir=sys.argv[1], lake_url=sys.argv[2], duckdb_path=sys.argv[3],
                   threads=int(sys.argv[6]), duckdb_memory_limit=sys.argv[5],
                   token_key=os.environ.get("WAREHOUSE_TOKEN_KEY", ""))
runs = int(sys.argv[7]) if len(sys.argv) > 7 else 1
for number in range(runs):
    if number:  # like a Celery worker: idle until the next job (the parent says when)
        sys.stdin.readline()
    started = time.perf_counter()
    # the models and the snapshot, without the data tests (the direct baseline has none either)
    result = run(target, sys.argv[4], exclude=["resource_type:test"] if sys.argv[4] == "build" else None)
    if not result.success:
        sys.exit(result.summary() or 1)
    print(f"run-seconds {time.perf_counter() - started}", flush=True)
"""


DIRECT = """
import json, sys, duckdb
manifest = json.load(open(sys.argv[1]))
con = duckdb.connect(sys.argv[2])
# the settings the dbt profile gives DuckDB (warehouse.dbt_runner.profile_for), so both sides match
con.execute("set preserve_insertion_order = false")
if sys.argv[3]:
    con.execute(f"set memory_limit = '{sys.argv[3]}'")
nodes = {**manifest["nodes"]}
done = set()
def build(uid):
    if uid in done or uid not in nodes:
        return
    node = nodes[uid]
    for parent in node["depends_on"]["nodes"]:
        build(parent)
    done.add(uid)
    if node["resource_type"] not in ("model", "snapshot"):
        return
    sql = node["compiled_code"]
    if node["resource_type"] == "snapshot":  # what the snapshot adds to its first version
        sql = (f"select *, updated_at as dbt_valid_from, cast(null as timestamp) as dbt_valid_to, "
               f"updated_at as dbt_updated_at, md5(tenant_id || '|' || updated_at) as dbt_scd_id "
               f"from ({sql})")
    con.execute(f'create schema if not exists "{node["schema"]}"')
    con.execute(f'create or replace table "{node["schema"]}"."{node["alias"]}" as {sql}')
for uid in sorted(nodes):
    build(uid)
"""


def measured(args, cwd=ROOT) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark step failed: {args[:2]}")
    return seconds, usage.ru_maxrss // 1024


class Worker:
    """One long-lived process running dbt builds one after the other, as a Celery worker does.

    `build()` returns the seconds from the request to the end of the run; the first includes
    the interpreter start and dbt's imports, like a cold process."""

    def __init__(self, args, runs: int = 2):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.args, self.started = args, time.perf_counter()
        self.child = subprocess.Popen([sys.executable, "-c", DBT, *args, str(runs)], cwd=ROOT, env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        self.first = True

    def build(self) -> tuple[float, float]:
        """(seconds since asked, seconds of the dbt run alone)."""
        if not self.first:
            self.started = time.perf_counter()
            self.child.stdin.write("next\n")
            self.child.stdin.flush()
        self.first = False
        line = self.child.stdout.readline()
        if not line.startswith("run-seconds "):
            raise SystemExit(f"benchmark build failed: {self.args[:2]}")
        return time.perf_counter() - self.started, float(line.split()[1])

    def peak_mib(self) -> int:
        _, status, usage = os.wait4(self.child.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit("benchmark worker failed")
        return usage.ru_maxrss // 1024


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--cache", help="keep the generated source data in this folder and reuse it on later runs"
    )
    parser.add_argument("--repeat", type=int, default=1, help="measure N times, report medians")
    parser.add_argument("--threads", type=int, default=2, help="dbt threads (WAREHOUSE_DBT_THREADS)")
    parser.add_argument(
        "--memory-limit", default="", help='DuckDB memory_limit for the dbt builds, e.g. "1GB"'
    )
    options = parser.parse_args()
    options.load_before = os.getloadavg()[0]  # other work on the machine skews every figure

    from warehouse.source.generator import DEFAULT_START
    from warehouse.source.simulation import month_start

    tenants = max(1, options.events // (EVENTS_PER_TENANT_MONTH * options.months))
    # events fall on days 0-28 of each month: hold back the last 1 % of all the months' days
    last_month = month_start(DEFAULT_START, options.months - 1)
    cutoff = last_month + timedelta(days=28 * (1 - 0.01 * options.months))
    cache = Path(options.cache) if options.cache else Path(tempfile.mkdtemp(prefix="wh-source-"))
    source = cache / f"{tenants}x{options.months}"
    counts = generated(source, tenants, options.months, cutoff)
    print(f"{counts['before']:,} events ({tenants} tenants x {options.months} months) in {source}")
    runs = []
    for number in range(options.repeat):
        runs.append(measure_once(options, source))
        print(f"run {number + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1].items()))
    # the median of each figure: the machine is shared, single runs vary by ±20 %
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    report(options, counts["before"], counts["after"], figures, runs)
    if not options.cache:
        shutil.rmtree(cache, ignore_errors=True)


def measure_once(options, source: Path) -> dict:
    from warehouse.lake import Lake

    work = Path(tempfile.mkdtemp(prefix="wh-bench-"))
    lake = Lake(str(work / "lake"))
    shutil.copytree(source / "before", lake.root)
    db = str(work / "warehouse.duckdb")
    worker = Worker([str(work / "dbt"), lake.root, db, "build", options.memory_limit, str(options.threads)])
    full_s, _ = worker.build()
    # compile against a throwaway database so every model compiles as a first (non-incremental) build
    measured(["-c", DBT, str(work / "compile"), lake.root, str(work / "compile.duckdb"), "compile", "", "1"])
    # same file name as the compile target: compiled SQL names its database after the file
    (work / "direct").mkdir()
    direct_db = str(work / "direct" / "compile.duckdb")
    direct_s, direct_mb = measured(
        ["-c", DIRECT, str(work / "compile/target/manifest.json"), direct_db, options.memory_limit]
    )

    # the new events are files of their own, in the same partition folders
    shutil.copytree(source / "after", lake.root, dirs_exist_ok=True)
    # the same incremental run twice from the same state: in a fresh process, and in the worker
    cold, cold_db = work / "cold", str(work / "cold" / "warehouse.duckdb")
    shutil.copytree(work / "dbt", cold / "dbt")
    for suffix in ("", ".wal"):  # dbt-duckdb keeps its connection open: copy the log too
        if Path(db + suffix).exists():
            shutil.copy(db + suffix, cold_db + suffix)
    cold_args = [str(cold / "dbt"), lake.root, cold_db, "build", options.memory_limit, str(options.threads)]
    cold_s, cold_mb = measured(["-c", DBT, *cold_args])
    inc_s, _ = worker.build()
    worker_mb = worker.peak_mib()
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return {"full_s": full_s, "direct_s": direct_s, "inc_s": inc_s, "cold_s": cold_s,
            "worker_mb": worker_mb, "direct_mb": direct_mb, "cold_mb": cold_mb}  # fmt: skip


def generated(folder: Path, tenants: int, months: int, cutoff) -> dict:
    """Events before the cutoff in folder/before, the ~1 % after it in folder/after (made once)."""
    from warehouse.lake import Lake
    from warehouse.source import generate

    done = folder / "counts.json"
    if done.exists():
        return json.loads(done.read_text())
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    before = generate(Lake(str(folder / "before")), tenants=tenants, months=months, seed=11, until=cutoff)
    after = generate(Lake(str(folder / "after")), tenants=tenants, months=months, seed=11, since=cutoff)
    print(f"generated in {time.perf_counter() - started:.1f}s")
    done.write_text(json.dumps({"before": before.total, "after": after.total}))
    return json.loads(done.read_text())


def verdict(met: bool) -> str:
    return "(met)" if met else "(NOT met)"


def report(options, events, new_events, figures, runs):
    full_s, direct_s, inc_s, cold_s = (figures[k] for k in ("full_s", "direct_s", "inc_s", "cold_s"))
    ratio, inc_ratio, cold_ratio = full_s / direct_s, inc_s / full_s, cold_s / full_s
    worker_mb, direct_mb, cold_mb = (int(figures[k]) for k in ("worker_mb", "direct_mb", "cold_mb"))
    rows = [
        ("full dbt build (no tests), new process", f"{full_s:.1f} s", "", ""),
        ("compiled SQL run directly, new process", f"{direct_s:.1f} s", f"{direct_mb} MiB", ""),
        ("dbt / direct", f"{ratio:.2f}", "", "baseline: at most 1.2 " + verdict(ratio <= 1.2)),
        (f"incremental after {new_events:,} new events, same worker", f"{inc_s:.1f} s",
         f"{worker_mb} MiB", "peak of the worker over both runs"),
        ("incremental / full", f"{inc_ratio:.1%}", "", "baseline: at most 10% " + verdict(inc_ratio <= 0.10)),
        ("the same incremental run in a new process", f"{cold_s:.1f} s", f"{cold_mb} MiB", ""),
        ("  / full", f"{cold_ratio:.1%}", "", "for reference: imports and first-run set-up included"),
    ]  # fmt: skip
    share = new_events / events
    print(
        f"\nWarehouse build on DuckDB, {events:,} raw events (+{new_events:,} = {share:.1%} new), "
        f"dbt threads {options.threads}, medians of {len(runs)} run(s)"
    )
    for name, value, memory, note in rows:
        print(f"  {name:<54} {value:>8} {memory:>10}  {note}")
    result = {
        "when": datetime.now().isoformat(timespec="seconds"), "events": events, "new_events": new_events,
        "memory_limit": options.memory_limit, "threads": options.threads, "medians_of": len(runs),
        "full_seconds": full_s, "direct_seconds": direct_s, "dbt_over_direct": ratio,
        "incremental_seconds": inc_s, "incremental_over_full": inc_ratio,
        "incremental_new_process_seconds": cold_s, "incremental_new_process_over_full": cold_ratio,
        "worker_peak_mib": worker_mb, "direct_peak_mib": direct_mb,
        "incremental_new_process_peak_mib": cold_mb,
        "runs": runs, "load_average_before": options.load_before, "load_average_after": os.getloadavg()[0],
    }  # fmt: skip
    out = ROOT / "benchmarks" / "results" / f"warehouse_build_{events // 1000}k.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
