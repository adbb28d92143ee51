"""Benchmark: N concurrent auditors on the portal's evidence list (1,000 items) and downloads.

Issue 8 goal: p95 under 200 ms with 50 concurrent auditors against gunicorn + PostgreSQL on
loopback. Printed beside the same figures for a compliance officer on the admin's evidence
list and evidence page (the admin has no download view: its reference is the change page).

    .venv/bin/python benchmarks/portal_auditors.py [--auditors 50] [--evidence 1000] [--seconds 20]
        [--think-ms 1000 0] [--seed 8] [--workers 4]
        [--database-url postgres://postgres@127.0.0.1:5432/custodian_portal_bench]

Each simulated user is a signed-in session on its own keep-alive connection (one thread each,
http.client: the load generator stays light, and its CPU per request is reported). Each
`--think-ms` value is one mode: with a mean above 0, a user pauses an exponentially distributed,
seeded think time after every page (simulated auditors, as Locust or JMeter model them); 0
never pauses (closed-loop stress). The database named in --database-url is dropped and
re-created. Every portal request also writes its access-log row, as in production. Writes
benchmarks/results/portal_auditors.json with the load average before and after.
"""

import argparse
import http.client
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auditors", type=int, default=50)
    parser.add_argument("--evidence", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20, help="load duration per scenario")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--think-ms", type=float, nargs="+", default=[1000, 0],
        help="mean think time between a user's requests, one run per value; 0 = never pause",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=8, help="seed of the think times")
    parser.add_argument(
        "--conn-max-age", type=int, default=60,
        help="the server's persistent database connections (seconds; 0 = one connection per request)",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/custodian_portal_bench")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path[1:]}"')
        conn.execute(f'CREATE DATABASE "{parsed.path[1:]}"')


def environment(args, var_dir: Path) -> dict:
    # Persistent connections, as a production deployment sets them (conn_max_age in DATABASE_URL):
    # without them every request opens a PostgreSQL connection, a process fork on the server.
    options = f"?conn_max_age={args.conn_max_age}&conn_health_checks=true" if args.conn_max_age else ""
    return {
        **os.environ,
        "DATABASE_URL": args.database_url + options,
        "CUSTODIAN_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
    }


def setup_django(env: dict):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(args) -> dict:
    """1,000 accepted evidence files in one engagement; N auditors with grants and sessions."""
    from datetime import date, timedelta

    from django.utils import timezone

    from accounts import roles
    from accounts.tests.factories import UserFactory
    from governance.models import Evidence
    from governance.tests.factories import ControlFactory, FrameworkFactory
    from portal.services import engagement_auditor_add, engagement_create, engagement_objects_add

    officer = UserFactory(username="bench-officer", role=roles.COMPLIANCE_OFFICER)
    framework = FrameworkFactory(slug="bench", urn="urn:bench")
    control = ControlFactory(owner=officer, ref="BN-01")
    evidence = [_evidence(control, officer, n) for n in range(args.evidence)]
    engagement = engagement_create(
        name="Bench",
        firm="Bench LLP",
        framework=framework,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        actor=officer,
    )
    engagement_objects_add(engagement=engagement, objects=Evidence.objects.all(), actor=officer)
    now = timezone.now()
    auditors = []
    for n in range(args.auditors):
        user = UserFactory(username=f"bench-auditor-{n}", role=roles.AUDITOR, organization=None)
        engagement_auditor_add(
            engagement=engagement,
            user=user,
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=1),
            actor=officer,
        )
        auditors.append(user)
    return {"officer": officer, "auditors": auditors, "engagement": engagement, "evidence": evidence}


def _evidence(control, officer, n):
    import hashlib
    from datetime import date

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from governance.models import Evidence

    content = f"user,decision\nuser{n},keep\n".encode() * 64
    item = Evidence(
        control=control,
        kind="file",
        title=f"Review {n:04}",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        original_name=f"review-{n}.csv",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 3, 31),
        valid_until=date(2026, 6, 30),
        collected_by=officer,
        status="accepted",
        accepted_by=officer,
        accepted_at=timezone.now(),
    )
    item.file.save(f"bench/review-{n}.csv", ContentFile(content), save=False)
    item.save()
    return item


def session_cookie(user, *, otp: bool) -> str:
    """A signed-in session as the sign-in form leaves it (for auditors: TOTP verified)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if otp:
        store["otp_device_id"] = TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        ).persistent_id
        store["portal_seen"] = time.time() + 3600  # idle timer far ahead: the run is the session
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def start_server(args, env) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, cookies: list[str], paths: list[str], seconds: float, *, think_ms: float = 0, seed=0):
    """One thread per cookie (a signed-in auditor), each on its own keep-alive connection.

    think_ms > 0: each auditor pauses an exponentially distributed time (mean think_ms, seeded)
    after every page and once before the first, so arrivals are staggered as with people
    reading a page. think_ms == 0: a closed loop that never pauses (a stress figure).
    """
    latencies, errors, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def client(index, cookie):
        rng = random.Random(seed * 1000 + index)  # noqa: S311 (think times, not secrets)
        conn, mine, i = http.client.HTTPConnection("127.0.0.1", port, timeout=60), [], index

        def think():
            if think_ms:
                time.sleep(min(rng.expovariate(1000 / think_ms), max(0.0, stop - time.monotonic())))

        think()
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", paths[i % len(paths)], headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors.append(response.status)
            i += 1
            think()
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n, c)) for n, c in enumerate(cookies)]
    cpu, started = time.process_time(), time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    return {**_summary(latencies, errors, elapsed), "loadgen_cpu_ms_per_request": _per(cpu, latencies)}


def _per(cpu_seconds: float, requests) -> float:
    return round(cpu_seconds * 1000 / len(requests), 2) if requests else 0.0


def _summary(latencies, errors, elapsed) -> dict:
    ordered = sorted(latencies)

    def rank(q):  # nearest-rank percentile
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 1) if ordered else 0.0

    return {
        "requests": len(ordered),
        "errors": len(errors),
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": rank(0.50),
        "p95_ms": rank(0.95),
        "max_ms": rank(1.0),
    }


def scenarios(world, args):
    e = world["engagement"].pk
    first = world["evidence"][0].pk
    evidence_ids = [item.pk for item in world["evidence"][: args.auditors]]
    auditor_cookies = [session_cookie(u, otp=True) for u in world["auditors"]]
    officer_cookies = [session_cookie(world["officer"], otp=False)] * len(auditor_cookies)
    return [
        (
            "portal evidence list (auditor)",
            auditor_cookies,
            [f"/portal/e/{e}/evidence/?page={p}" for p in range(1, 21)],  # 50 a page
        ),
        (
            "portal file download (auditor)",
            auditor_cookies,
            [f"/portal/e/{e}/evidence/{i}/file/" for i in evidence_ids],
        ),
        (
            "admin evidence list (officer)",
            officer_cookies,
            [f"/admin/governance/evidence/?p={p}" for p in range(1, 11)],  # 100 a page
        ),
        ("admin evidence page (officer)", officer_cookies, [f"/admin/governance/evidence/{first}/change/"]),
    ]


def mode_name(think_ms: float) -> str:
    return f"think {think_ms:g} ms" if think_ms else "no pause"


MODE_MEANING = {
    True: "each simulated user is a signed-in session that requests a page, then pauses an "
    "exponentially distributed think time (seeded) before the next, Locust/JMeter style",
    False: "closed loop: each simulated user sends its next request as soon as the last one "
    "answered, never pausing (a stress figure: offered load is whatever the server can take)",
}


class ServerCPU:
    """CPU seconds used by the gunicorn workers and the PostgreSQL backends of the bench database
    (from /proc): per request, the cost of a page whatever else the machine is doing."""

    def __init__(self, server: subprocess.Popen, database_url: str):
        self.server, self.database_url = server, database_url

    def pids(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            backends = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        return [pid for (pid,) in backends] + self._children(self.server.pid)

    @staticmethod
    def _children(parent: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _stat(entry.name)[1:2] == [str(parent)]:
                found.append(int(entry.name))
        return found

    @staticmethod
    def seconds(pids) -> dict[int, float]:
        tick = os.sysconf("SC_CLK_TCK")
        return {pid: (int(f[11]) + int(f[12])) / tick for pid in pids if (f := _stat(pid))}

    def measure(self, run, *args, **kwargs):
        """`run(*args, **kwargs)`'s figures, with the server's CPU ms per request added."""
        before = self.seconds(self.pids())
        figures = run(*args, **kwargs)
        after = self.seconds(self.pids() + list(before))
        used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
        return {**figures, "server_cpu_ms_per_request": _per(used, range(figures["requests"]))}


def _stat(pid) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, …); [] if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def main():
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = environment(args, var_dir)
    load_before = os.getloadavg()
    recreate_database(args.database_url)
    setup_django(env)
    world = seed(args)
    analyze(args.database_url)
    from django.db import connections

    connections.close_all()  # the seeding connection is not the server's
    server = start_server(args, env)
    cpu = ServerCPU(server, args.database_url)
    results = {mode_name(t): {} for t in args.think_ms}
    try:
        for name, cookies, paths in scenarios(world, args):
            load(args.port, cookies[:5], paths, min(3.0, args.seconds))  # warm-up
            # One client alone shows the server's own cost; N at once adds the queueing.
            single = load(args.port, cookies[:1], paths, min(5.0, args.seconds))
            for think_ms in args.think_ms:
                figures = cpu.measure(
                    load, args.port, cookies, paths, args.seconds, think_ms=think_ms, seed=args.seed
                )
                results[mode_name(think_ms)][name] = {
                    **figures,
                    "single_p95_ms": single["p95_ms"],
                    "load_1min_after": os.getloadavg()[0],
                }
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(var_dir, ignore_errors=True)  # 1,000 evidence files
    report(args, results, load_before)


def analyze(url: str) -> None:
    """Fresh planner statistics for the seeded tables, as autovacuum keeps them in production."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def report(args, results, load_before):
    print(
        f"{args.auditors} simulated users, {args.evidence} evidence items, gunicorn -w {args.workers} "
        f"(database connections kept {args.conn_max_age} s), "
        f"PostgreSQL, {args.seconds:.0f} s per scenario and mode, {os.cpu_count()} CPUs; "
        f"goal: auditor p95 < {GOAL_P95_MS} ms"
    )
    print("load average before the run (other work on the machine): " + _loads(load_before))
    for think_ms in args.think_ms:
        mode = mode_name(think_ms)
        print(f"\n{mode}: {MODE_MEANING[bool(think_ms)]}")
        print(
            f"{'scenario':<34}{'req/s':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>7}"
            f"{'1-client p95':>13}{'server CPU ms/req':>18}{'load':>6}  goal"
        )
        for name, r in results[mode].items():
            verdict = ("met" if r["p95_ms"] < GOAL_P95_MS else "NOT met") if "auditor" in name else "ref"
            print(
                f"{name:<34}{r['rps']:>7}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['max_ms']:>9}{r['errors']:>7}"
                f"{r['single_p95_ms']:>13}{r['server_cpu_ms_per_request']:>18}"
                f"{r['load_1min_after']:>6.1f}  {verdict}"
            )
    load_after = os.getloadavg()
    print("\nload average after the run: " + _loads(load_after))
    out = ROOT / "benchmarks" / "results" / "portal_auditors.json"
    payload = {
        "args": {k: v for k, v in vars(args).items() if k != "database_url"},
        "goal_p95_ms": GOAL_P95_MS,
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "modes": {
            mode_name(t): {"think_ms": t, "meaning": MODE_MEANING[bool(t)], "results": results[mode_name(t)]}
            for t in args.think_ms
        },
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


def _loads(averages) -> str:
    return " / ".join(f"{x:.2f}" for x in averages) + " (1 / 5 / 15 min)"


if __name__ == "__main__":
    main()
