"""Benchmark: N concurrent auditors on the portal's evidence list (1,000 items) and downloads.

Issue 8 goal: p95 under 200 ms with 50 concurrent auditors against gunicorn + PostgreSQL on
loopback. Printed beside the same figures for a compliance officer on the admin's evidence
list and evidence page (the admin has no download view: its reference is the change page).

    .venv/bin/python benchmarks/portal_auditors.py [--auditors 50] [--evidence 1000] [--seconds 20]
        [--workers 4] [--database-url postgres://postgres@127.0.0.1:5432/custodian_portal_bench]

The database named in --database-url is dropped and re-created. Every portal request also writes
its access-log row, as in production. Writes benchmarks/results/portal_auditors.json.
"""

import argparse
import http.client
import json
import os
import statistics
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
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
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


def load(port: int, cookies: list[str], paths: list[str], seconds: float) -> dict:
    """One thread per cookie, each looping over `paths` on a keep-alive connection."""
    latencies, errors, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def client(cookie):
        conn, mine, i = http.client.HTTPConnection("127.0.0.1", port, timeout=30), [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", paths[i % len(paths)], headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors.append(response.status)
            i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in cookies]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return _summary(latencies, errors, elapsed)


def _summary(latencies, errors, elapsed) -> dict:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if ordered else 0.0
    return {
        "requests": len(ordered),
        "errors": len(errors),
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
        "p95_ms": round(p95, 1),
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
            [f"/portal/e/{e}/evidence/?page={p}" for p in range(1, 11)],
        ),
        (
            "portal file download (auditor)",
            auditor_cookies,
            [f"/portal/e/{e}/evidence/{i}/file/" for i in evidence_ids],
        ),
        (
            "admin evidence list (officer)",
            officer_cookies,
            [f"/admin/governance/evidence/?p={p}" for p in range(1, 11)],
        ),
        ("admin evidence page (officer)", officer_cookies, [f"/admin/governance/evidence/{first}/change/"]),
    ]


def main():
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = environment(args, var_dir)
    recreate_database(args.database_url)
    setup_django(env)
    world = seed(args)
    server = start_server(args, env)
    results = {}
    try:
        for name, cookies, paths in scenarios(world, args):
            load(args.port, cookies[:5], paths, min(3.0, args.seconds))  # warm-up
            # One client alone shows the server's own cost; N at once adds the queueing.
            single = load(args.port, cookies[:1], paths, min(5.0, args.seconds))
            results[name] = {
                **load(args.port, cookies, paths, args.seconds),
                "single_p95_ms": single["p95_ms"],
            }
    finally:
        server.terminate()
        server.wait(10)
    report(args, results)


def report(args, results):
    print(
        f"{args.auditors} concurrent clients, {args.evidence} evidence items, gunicorn -w {args.workers}, "
        f"PostgreSQL, {args.seconds:.0f} s per scenario; goal: auditor p95 < {GOAL_P95_MS} ms"
    )
    print(f"{'scenario':<34}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'1-client p95':>14}")
    for name, r in results.items():
        print(
            f"{name:<34}{r['rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['errors']:>8}{r['single_p95_ms']:>14}"
        )
    out = ROOT / "benchmarks" / "results" / "portal_auditors.json"
    payload = {
        "args": {k: v for k, v in vars(args).items() if k != "database_url"},
        "goal_p95_ms": GOAL_P95_MS,
        "cpu_count": os.cpu_count(),
        "results": results,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
