"""Benchmark: CDC changes/s captured into the lake vs `pg_recvlogical` streaming to /dev/null.

Issue 5 baseline: `pg_recvlogical` reading the same kind of slot (pgoutput, proto 1, the same
publication) into /dev/null is the practical limit; the goal is at least half its rate, with
memory bounded by the batch size. The full size is 100,000 inserts and 100,000 updates.

    .venv/bin/python benchmarks/cdc_capture.py [--rows 100000] [--batch-rows 50000] [--txn-rows 1000]

Starts a throwaway PostgreSQL (wal_level=logical), a temporary SQLite portal database and lake;
writes benchmarks/results/cdc_capture.json.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows inserted, then each updated once")
    parser.add_argument("--txn-rows", type=int, default=1000, help="rows per source transaction")
    parser.add_argument("--batch-rows", type=int, default=50_000, help="changes per lake batch")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each side counts")
    parser.add_argument("--profile", action="store_true", help="print the capture's top functions")
    return parser.parse_args()


def setup_django(var_dir: Path):
    os.environ.update(
        CUSTODIAN_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        LAKE_URL=str(var_dir / "lake"),
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sql(dsn, *statements, fetch=False):
    import psycopg2

    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        result = cur.fetchall() if fetch else None
    conn.close()
    return result


def write_workload(dsn, table, rows, txn_rows):
    statements = []
    for low in range(0, rows, txn_rows):
        high = min(rows, low + txn_rows) - 1
        statements.append(
            f"insert into {table} select g, g, 'note ' || g, now()"  # noqa: S608 - numbers only
            f" from generate_series({low}, {high}) g"
        )
    for low in range(0, rows, txn_rows):
        statements.append(
            f"update {table} set val = val + 1 where id between {low} and {low + txn_rows - 1}"  # noqa: S608
        )
    sql(dsn, *statements)
    return sql(dsn, "select pg_current_wal_lsn()::text", fetch=True)[0][0]


def run_recvlogical(cluster, table, endpos):
    from warehouse.cdc.cluster import pg_bin

    started = time.perf_counter()
    subprocess.run(
        [
            pg_bin("pg_recvlogical"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "--slot",
            f"{table}_recv",
            "--start",
            "-o",
            "proto_version=1",
            "-o",
            f"publication_names=custodian_{table}",
            "-E",
            endpos,
            "-s",
            "1",
            "-f",
            "/dev/null",
            "--no-loop",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.perf_counter() - started


def run_capture(source, total):
    from warehouse.cdc.runner import consumer_for

    consumer = consumer_for(source, stop_after_changes=total, max_attempts=1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    stats = consumer.run()
    elapsed = time.perf_counter() - started
    captured = sum(v for k, v in stats.items() if not k.startswith("_"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return elapsed, captured, stats["_batches"], before, peak


def capture(source, total, profile: bool):
    if not profile:
        return run_capture(source, total)
    import cProfile
    import pstats

    with cProfile.Profile() as profiler:
        measured = run_capture(source, total)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return measured


def one_round(cluster, args, n: int):
    """A fresh table, source and baseline slot; the same workload read by both. (baseline s, capture…)"""
    from warehouse.cdc.models import CdcSource
    from warehouse.cdc.services import cdc_source_configure, cdc_source_setup

    dsn, table = cluster.dsn, f"bench{n}"
    sql(
        dsn,
        f"create table {table} (id bigint primary key, val bigint, note text, at timestamptz)",
        f"alter table {table} replica identity full",
    )
    source = cdc_source_configure(name=table, dsn=dsn, tables=[f"public.{table}"], actor=None,
                                  batch_rows=args.batch_rows, batch_seconds=5.0)  # fmt: skip
    cdc_source_setup(source=source, actor=None)
    sql(dsn, f"select pg_create_logical_replication_slot('{table}_recv', 'pgoutput')")
    t = time.perf_counter()
    endpos = write_workload(dsn, table, args.rows, args.txn_rows)
    print(
        f"round {n + 1}: {args.rows:,} inserts + {args.rows:,} updates written"
        f" in {time.perf_counter() - t:.1f} s"
    )
    baseline = run_recvlogical(cluster, table, endpos)
    measured = capture(CdcSource.objects.get(pk=source.pk), 2 * args.rows, args.profile)
    sql(
        dsn,
        f"select pg_drop_replication_slot('{table}_recv')",
        f"select pg_drop_replication_slot('custodian_{table}')",
    )
    return (baseline, *measured)


def main():
    args = parse_args()
    from warehouse.cdc.cluster import destroy, start_cluster

    cluster = start_cluster()
    rounds = []
    try:
        with tempfile.TemporaryDirectory(prefix="cdc-bench-") as tmp:
            setup_django(Path(tmp))
            for n in range(args.repeat):
                rounds.append(one_round(cluster, args, n))
    finally:
        destroy(cluster)
    total = 2 * args.rows
    if any(r[2] != total for r in rounds):
        raise SystemExit(f"captured {[r[2] for r in rounds]} of {total} changes")
    baseline = min(r[0] for r in rounds)  # best of the rounds for each side
    ours = min(r[1] for r in rounds)
    batches, rss_before, rss_peak = rounds[0][3], rounds[0][4], max(r[5] for r in rounds)
    result = {
        "date": date.today().isoformat(),
        "rows": args.rows,
        "changes": total,
        "txn_rows": args.txn_rows,
        "batch_rows": args.batch_rows,
        "batches": batches,
        "rounds": args.repeat,
        "capture_seconds_each": [round(r[1], 3) for r in rounds],
        "pg_recvlogical_seconds_each": [round(r[0], 3) for r in rounds],
        "pg_recvlogical_seconds": round(baseline, 3),
        "pg_recvlogical_changes_per_s": round(total / baseline),
        "capture_seconds": round(ours, 3),
        "capture_changes_per_s": round(total / ours),
        "ratio_to_baseline": round(baseline / ours, 3),
        "goal_ratio": 0.5,
        "peak_rss_mb_before": round(rss_before / 1024),
        "peak_rss_mb": round(rss_peak / 1024),
    }
    print(
        f"pg_recvlogical → /dev/null : {result['pg_recvlogical_changes_per_s']:>9,} changes/s"
        f" ({baseline:.2f} s)"
    )
    print(
        f"cdc capture → lake         : {result['capture_changes_per_s']:>9,} changes/s ({ours:.2f} s, "
        f"{batches} batches of ≤{args.batch_rows:,})"
    )
    print(
        f"ratio {result['ratio_to_baseline']:.2f} of the baseline (goal ≥ 0.50); "
        f"peak RSS {result['peak_rss_mb']} MB (before capture {result['peak_rss_mb_before']} MB)"
    )
    out = ROOT / "benchmarks" / "results" / "cdc_capture.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
