"""Dashboard page benchmark (issue 17).

    .venv/bin/python benchmarks/dashboards.py --events 10000000 --cache /tmp/whcache \\
        [--database-url postgres://postgres@127.0.0.1:5432/custodian_dashboards_bench]
        [--users 20] [--seconds 20] [--think-ms 1000 0] [--cold-samples 5] [--workers 3 --threads 8]

Every dashboard of `reporting.dashboards.DASHBOARDS`, served by gunicorn (gunicorn.conf.py:
gthread workers) over PostgreSQL on loopback, its warehouse reads on the marts that the dbt
project *of this checkout* builds from the `warehouse_build.py` source of `--events` raw events
(built once per version of the project under `--cache`, so a new mart after a merge triggers a
build). Each dashboard is asked for by a persona who sees it (executive, compliance officer, data
steward: the demo accounts), one signed-in session per simulated user, each on its own keep-alive
connection (the load generator of portal_auditors.py). Measured per dashboard:

- cold: the first request after a warehouse run completed (a new succeeded JobRun row) and the
  shared cache was cleared, one user alone, `--cold-samples` times; and the same moment hit by
  all `--users` at once (a burst);
- warm: `--users` concurrent users for `--seconds`, one run per `--think-ms` value (mean pause
  after a page, seeded; 0 = closed loop, a stress figure);
- direct: the warehouse SQL the page ran (captured from the engine while one page rendered, so
  it is the metric layer's compiled SQL with the governed masking), run on one read-only DuckDB
  connection, no Django, no log, `--repeat` times.

Goals: warm p95 < 150 ms; cold page <= 1.3 x the direct queries. Prints both side by side, the
load average before/after, and writes benchmarks/results/dashboards.json. The database of
--database-url is dropped and re-created; the server's cache is a file cache under the var dir
(shared by the workers, so it can be cleared from here) unless --cache-url names another.
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from governed_read import catalog_and_reader, p95  # noqa: E402
from portal_auditors import _summary, load, recreate_database, session_cookie  # noqa: E402
from warehouse_build import DBT, EVENTS_PER_TENANT_MONTH, generated  # noqa: E402

WARM_GOAL_MS, COLD_GOAL_RATIO = 150, 1.3
PROJECT = ROOT / "warehouse" / "dbt"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=12, help="months of source (the shared cache has 12)")
    parser.add_argument("--cache", default="/tmp/whcache", help="source and built warehouses, kept")  # noqa: S108
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit of the dbt build")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/custodian_dashboards_bench"
    )
    parser.add_argument("--cache-url", default="", help="the server's CACHE_URL (default: a file cache)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="warm load duration per dashboard and mode")
    parser.add_argument("--think-ms", type=float, nargs="+", default=[1000, 0])
    parser.add_argument("--cold-samples", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of the direct queries")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads a worker")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--only", nargs="*", default=[], help="dashboard slugs (default: all)")
    return parser.parse_args()


def project_digest() -> str:
    """Which dbt project built a warehouse: a changed model means a new build."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PROJECT.rglob("*") if p.is_file() and "target" not in p.parts):
        digest.update(f"{path.relative_to(PROJECT)}\n".encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def warehouse(options) -> tuple[Path, Path]:
    """The raw events (made once, shared with the other benchmarks) and this project's build on them."""
    from datetime import timedelta

    from warehouse.source.generator import DEFAULT_START
    from warehouse.source.simulation import month_start

    tenants = max(1, options.events // (EVENTS_PER_TENANT_MONTH * options.months))
    last_month = month_start(DEFAULT_START, options.months - 1)
    cutoff = last_month + timedelta(days=28 * (1 - 0.01 * options.months))  # as warehouse_build.py
    source = Path(options.cache) / f"{tenants}x{options.months}"
    options.source_events = generated(source, tenants, options.months, cutoff)["before"]
    built = source / f"dashboards-{project_digest()}"
    db, manifest = built / "warehouse.duckdb", built / "dbt" / "target" / "manifest.json"
    if not (built / "done").exists():
        shutil.rmtree(built, ignore_errors=True)
        started = time.perf_counter()
        print(f"building the warehouse with dbt into {built} ...", flush=True)
        args = [str(built / "dbt"), str(source / "before"), str(db), "build", options.memory_limit, "2", "1"]
        subprocess.run([sys.executable, "-c", DBT, *args], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)  # fmt: skip
        (built / "done").write_text(f"{time.perf_counter() - started:.1f}\n")
    print(f"{options.source_events:,} events ({tenants} tenants x {options.months} months), warehouse {db}")
    return db, manifest


def environment(options, db: Path, var_dir: Path) -> dict:
    cache_url = options.cache_url or f"filecache://{var_dir / 'cache'}"
    return {
        **os.environ,
        "DATABASE_URL": options.database_url + "?conn_max_age=60&conn_health_checks=true",
        "CACHE_URL": cache_url,
        "CUSTODIAN_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "WAREHOUSE_BACKEND": "duckdb",
        "WAREHOUSE_DUCKDB_PATH": str(db),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "WEB_CONCURRENCY": str(options.workers),
        "GUNICORN_THREADS": str(options.threads),
        "GUNICORN_BIND": f"127.0.0.1:{options.port}",
    }


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def personas() -> dict:
    """Dashboard slug -> the demo account of the first role that sees it (accounts.demo)."""
    from django.contrib.auth import get_user_model

    from accounts.demo import USERS, seed_accounts
    from reporting.dashboards import DASHBOARDS

    seed_accounts()
    by_role = {role: username for username, _, role, _ in USERS}
    users = get_user_model().objects.in_bulk(list(by_role.values()), field_name="username")
    return {page.slug: users[by_role[page.roles[0]]] for page in DASHBOARDS}


def captured_sql(slug: str, user) -> list[tuple[str, dict | None]]:
    """The warehouse statements one render of the page runs (cache cleared first)."""
    from django.core.cache import cache
    from django.test import Client

    from warehouse.engine.duckdb_backend import DuckDBEngine

    statements, original = [], DuckDBEngine.query

    def recording(self, sql, params=None):
        statements.append((sql, params))
        return original(self, sql, params)

    cache.clear()
    client = Client()
    client.force_login(user)
    DuckDBEngine.query = recording
    try:
        response = client.get(f"/admin/dashboards/{slug}/")
    finally:
        DuckDBEngine.query = original
    if response.status_code != 200:
        raise SystemExit(f"{slug}: the page answered {response.status_code} to {user.username}")
    return statements


def direct_ms(db: Path, statements, repeat: int) -> list[float]:
    """Milliseconds to run all the page's statements on one read-only connection, per run."""
    from warehouse.engine import EngineConfig, get_engine

    if not statements:
        return []
    with get_engine(EngineConfig(backend="duckdb", duckdb_path=str(db), read_only=True)) as engine:
        for sql, params in statements:  # warm the connection and the OS page cache once
            engine.query(sql, params)
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            for sql, params in statements:
                engine.query(sql, params)
            runs.append((time.perf_counter() - started) * 1000)
    return runs


def run_completed() -> None:
    """What a finished warehouse run leaves: a succeeded JobRun, and no cached result from before."""
    from django.core.cache import cache
    from django.utils import timezone

    from warehouse.models import JobRun

    now = timezone.now()
    JobRun.objects.create(job="daily", status=JobRun.Status.SUCCEEDED, started_at=now, finished_at=now)
    cache.clear()


def start_server(env: dict, port: int) -> subprocess.Popen:
    import http.client

    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "--access-logfile", "/dev/null", "--log-level", "warning"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)  # reads gunicorn.conf.py from ROOT
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def one_request(port: int, cookie: str, path: str) -> float:
    """Milliseconds of one page on a new connection; a page that is not 200 stops the benchmark."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return elapsed


def burst(port: int, cookies: list[str], path: str) -> dict:
    """Every user asks for the page at the same moment, once."""
    import http.client

    latencies, errors, gate = [], [], threading.Barrier(len(cookies))

    def one(cookie):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        gate.wait()
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=one, args=(c,)) for c in cookies]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _summary(latencies, errors, time.monotonic() - started)


def measure_page(options, slug: str, user, db: Path) -> dict:
    path = f"/admin/dashboards/{slug}/"
    statements = captured_sql(slug, user)
    direct = direct_ms(db, statements, options.repeat)
    cookies = [session_cookie(user, otp=False) for _ in range(options.users)]
    cold = []
    for _ in range(options.cold_samples):
        run_completed()
        cold.append(one_request(options.port, cookies[0], path))
    run_completed()
    cold_burst = burst(options.port, cookies, path)
    warm = {}
    for think in options.think_ms:
        one_request(options.port, cookies[0], path)  # cached again before the warm runs
        warm[think] = load(options.port, cookies, [path], options.seconds, think_ms=think, seed=17)
    figure = {
        "dashboard": slug, "persona": user.username, "statements": len(statements),
        "direct_median_ms": round(statistics.median(direct), 1) if direct else None,
        "direct_p95_ms": round(p95(direct), 1) if len(direct) > 1 else None,
        "cold_median_ms": round(statistics.median(cold), 1), "cold_max_ms": round(max(cold), 1),
        "cold_burst": cold_burst, "warm": {str(k): v for k, v in warm.items()},
    }  # fmt: skip
    figure["cold_over_direct"] = (
        round(figure["cold_median_ms"] / figure["direct_median_ms"], 2)
        if figure["direct_median_ms"]
        else None
    )
    print(f"  {slug}: {json.dumps(figure)}", flush=True)
    return figure


def main():
    options = parse_args()
    load_before = os.getloadavg()
    db, manifest = warehouse(options)
    var_dir = Path(tempfile.mkdtemp(prefix="dashboards-bench-"))
    env = environment(options, db, var_dir)
    recreate_database(options.database_url)
    setup_django(env)
    catalog_and_reader(manifest, db)  # the built marts in the catalog (as governed_read.py)
    users = personas()
    server = start_server(env, options.port)
    try:
        figures = [
            measure_page(options, slug, user, db)
            for slug, user in users.items()
            if not options.only or slug in options.only
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
    report(options, figures, load_before)


def report(options, figures: list[dict], load_before) -> None:
    modes = [str(t) for t in options.think_ms]
    print(
        f"\nDashboards, {options.users} users, gunicorn {options.workers} workers"
        f" x {options.threads} threads,"
        f" marts of {options.source_events:,} raw events (ms; warm goal p95 < {WARM_GOAL_MS},"
        f" cold goal <= {COLD_GOAL_RATIO} x direct)"
    )
    heads = ["dashboard", "sql", "direct p50", "cold p50", "cold/dir", "burst p95"]
    heads += [f"warm p95 think {m}" for m in modes]
    print("  " + "".join(f"{h:>20}" for h in heads))
    for f in figures:
        cells = [f["dashboard"], f["statements"], f["direct_median_ms"], f["cold_median_ms"],
                 f["cold_over_direct"], f["cold_burst"]["p95_ms"]]  # fmt: skip
        cells += [f"{f['warm'][m]['p95_ms']} ({f['warm'][m]['rps']}/s)" for m in modes]
        print("  " + "".join(f"{'n/a' if c is None else c:>20}" for c in cells))
    for f in figures:
        warm = ", ".join(
            f"think {m}: {'met' if f['warm'][m]['p95_ms'] < WARM_GOAL_MS else 'NOT met'}" for m in modes
        )
        ratio = f["cold_over_direct"]
        cold = "no warehouse SQL" if ratio is None else ("met" if ratio <= COLD_GOAL_RATIO else "NOT met")
        print(f"  {f['dashboard']}: warm goal {warm}; cold goal {cold}")
    load_after = os.getloadavg()
    print(f"  load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2-core machine, shared)")
    result = {
        "when": datetime.now().isoformat(timespec="seconds"), "events": options.source_events,
        "users": options.users, "seconds": options.seconds, "workers": options.workers,
        "threads": options.threads, "dbt_project": project_digest(), "cold_samples": options.cold_samples,
        "load_average_before": load_before, "load_average_after": load_after, "dashboards": figures,
    }  # fmt: skip
    out = ROOT / "benchmarks" / "results" / "dashboards.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
