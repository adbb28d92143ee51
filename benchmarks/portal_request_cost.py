"""Server CPU of one auditor request, in-process: where the portal's milliseconds go.

Complements portal_auditors.py (which measures the same pages under load through gunicorn):
here one Django test client requests the evidence list (its 20 pages in turn) and a single
file download over and over against PostgreSQL, and prints per request the Django process's
CPU, the PostgreSQL backend's CPU (from /proc) and the queries it ran. Batches of 20 requests;
the median batch is printed, as other work on the machine inflates some batches.

    .venv/bin/python benchmarks/portal_request_cost.py [--requests 300] [--profile]
        [--database-url postgres://postgres@127.0.0.1:5432/custodian_portal_cost] [--reuse]

The database is dropped and seeded (1,000 evidence items) unless --reuse; --profile prints
cProfile's top functions for the evidence list.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_auditors as bench

BATCH = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--evidence", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database of a last run")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/custodian_portal_cost")
    return parser.parse_args()


def setup(args):
    settings = argparse.Namespace(**{**vars(args), "auditors": 1, "conn_max_age": 60})
    env = bench.environment(settings, Path(tempfile.gettempdir()) / "portal-request-cost")
    env["ALLOWED_HOSTS"] = "testserver"
    if not args.reuse:
        bench.recreate_database(args.database_url)
    bench.setup_django(env)
    if not args.reuse:
        bench.seed(settings)
        bench.analyze(args.database_url)


def backend_cpu_seconds(connection) -> float:
    pid = connection.cursor().connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def queries_of(client, path) -> list[str]:
    from django.db import connection

    seen = []

    def note(execute, sql, params, many, context):
        seen.append(sql.split(" WHERE ")[0][:70] + (" …" if " WHERE " in sql else ""))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        client.get(path)
    return seen


def cost(client, paths, requests) -> dict:
    from django.db import connection

    django_ms, database_ms = [], []
    for batch in range(max(1, requests // BATCH)):
        cpu, db = time.process_time(), backend_cpu_seconds(connection)
        for n in range(BATCH):
            response = client.get(paths[(batch * BATCH + n) % len(paths)])
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code} from {paths[0]}")
            b"".join(getattr(response, "streaming_content", []))
        django_ms.append((time.process_time() - cpu) * 1000 / BATCH)
        database_ms.append((backend_cpu_seconds(connection) - db) * 1000 / BATCH)
    return {"django": statistics.median(django_ms), "postgres": statistics.median(database_ms)}


def main():
    args = parse_args()
    setup(args)
    from django.test import Client

    from accounts.models import User
    from governance.models import Evidence
    from portal.models import Engagement

    client = Client()
    name, value = bench.session_cookie(User.objects.get(username="bench-auditor-0"), otp=True).split("=", 1)
    client.cookies[name] = value
    engagement, first = Engagement.objects.get().pk, Evidence.objects.order_by("pk").first().pk
    pages = {
        "evidence list": [f"/portal/e/{engagement}/evidence/?page={p}" for p in range(1, 21)],
        "file download": [f"/portal/e/{engagement}/evidence/{first}/file/"],
    }
    print(f"load average before: {bench._loads(os.getloadavg())}")
    for label, paths in pages.items():
        for path in paths[:3]:
            client.get(path)  # warm: templates, content types, the connection
        queries = queries_of(client, paths[0])
        figures = cost(client, paths, args.requests)
        total = figures["django"] + figures["postgres"]
        print(f"\n{label}: {total:.1f} ms CPU a request = Django {figures['django']:.1f} + "
              f"PostgreSQL {figures['postgres']:.1f}; {len(queries)} queries:")  # fmt: skip
        for sql in queries:
            print(f"  {sql}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(pages["evidence list"][n % 20]) for n in range(100)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    print(f"\nload average after: {bench._loads(os.getloadavg())}")


if __name__ == "__main__":
    main()
