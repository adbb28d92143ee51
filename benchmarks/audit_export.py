"""Audit trail benchmark: streaming CSV extract vs PostgreSQL \\copy, and chain verification rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodian_audit \\
        .venv/bin/python benchmarks/audit_export.py --entries 1000000

Fills the trail of that database with N chained entries (bulk COPY, hashes computed in Python
exactly as the application does), then measures, each in its own process so that peak memory
(max RSS) is the step's own:
  1. the streaming extract (accounts.extracts.audit_extract_lines) of all N entries to a file;
  2. the baseline: psql `\\copy (SELECT … the same columns …) TO STDOUT CSV` into a file;
  3. chain verification (accounts.chain.chain_verify) of all N entries: entries per second.
Issue 7's goals: extract at most 3x the baseline's time, under 200 MB; verification rate reported.
The trail in that database is replaced: use a database of your own, never a real one.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "audit_export.json"
COPY_SQL = (
    "SELECT e.seq, e.timestamp, u.username, e.actor_email, e.action, "
    "ct.app_label || '.' || ct.model, e.object_pk, e.object_repr, e.changes, e.reason, "
    "e.remote_addr, e.additional_data, e.entry_hash FROM accounts_auditentry e "
    "LEFT JOIN accounts_user u ON u.id = e.actor_id "
    "JOIN django_content_type ct ON ct.id = e.content_type_id ORDER BY e.seq"
)
COLUMNS = (
    "seq, prev_hash, entry_hash, timestamp, action, content_type_id, object_pk, object_id, "
    "object_repr, serialized_data, changes_text, changes, actor_id, actor_email, cid, remote_addr, "
    "remote_port, additional_data, reason"
)


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _actors(n=20):
    from accounts.models import User

    users = []
    for i in range(n):
        user, _ = User.objects.get_or_create(
            username=f"bench{i}", defaults={"email": f"bench{i}@example.test", "first_name": "Bench"}
        )
        users.append(user)
    return users


def _rows(n, actors, ct_id):
    """Chained rows, generated and hashed the way chain_append does it."""
    from accounts.chain import CHAIN_FIELDS, entry_digest
    from accounts.models.trail import GENESIS_HASH

    rnd = random.Random(7)  # noqa: S311 (reproducible test data, not security)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        actor = actors[seq % len(actors)]
        ts = start + timedelta(milliseconds=seq * 25_000 + rnd.randint(0, 999))
        row = dict.fromkeys(CHAIN_FIELDS)
        row.update(
            seq=seq,
            prev_hash=prev,
            timestamp=ts,
            action=seq % 3,
            content_type_id=ct_id,
            object_pk=str(rnd.randint(1, 50_000)),
            object_repr=f'Record {seq} =formula? Société, "quoted"' if seq % 97 == 0 else f"Record {seq}",
            changes_text="",
            changes={"status": ["draft", "approved"], "title": [f"v{seq - 1}", f"v{seq}"]},
            actor_id=actor.pk,
            actor_email=actor.email,
            remote_addr=f"10.0.{seq % 250}.{seq % 200 + 1}",
            reason="Corrected per deviation DV-12" if seq % 5 == 0 else "",
        )
        row["object_id"] = int(row["object_pk"])
        row["entry_hash"] = entry_digest(row)
        prev = row["entry_hash"]
        yield row


def fill(n: int) -> float:
    """Replace the trail with n chained entries; returns seconds taken."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import AuditChainHead, Organization

    t0 = time.perf_counter()
    actors = _actors()
    ct_id = ContentType.objects.get_for_model(Organization).pk
    names = [c.strip() for c in COLUMNS.split(",")]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_auditentry RESTART IDENTITY")
        with cursor.cursor.copy(f"COPY accounts_auditentry ({COLUMNS}) FROM STDIN") as copy:
            for row in _rows(n, actors, ct_id):
                values = [row[name] for name in names]
                for i, name in enumerate(names):
                    if name in ("changes", "serialized_data", "additional_data") and values[i] is not None:
                        values[i] = json.dumps(values[i])
                copy.write_row(values)
                last = row
        AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": n, "last_hash": last["entry_hash"]})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_auditentry")  # as autovacuum would after a bulk load
    return time.perf_counter() - t0


def child_extract(path: str) -> dict:
    from accounts.chain import ChainReport
    from accounts.extracts import AuditFilter, audit_extract_lines
    from accounts.models import AuditEntry

    t0 = time.perf_counter()
    head = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    report = ChainReport(checked=head, last_seq=head)  # verification is measured on its own
    lines = audit_extract_lines(
        AuditEntry.objects.all(), flt=AuditFilter(), exporter="benchmark", report=report, upto=head
    )
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)
    return {"seconds": time.perf_counter() - t0}


def child_verify() -> dict:
    from accounts.chain import chain_verify

    t0 = time.perf_counter()
    report = chain_verify()
    return {"seconds": time.perf_counter() - t0, "ok": report.ok, "checked": report.checked}


def _timed(cmd, stdout=None) -> tuple[float, float, str]:
    """Run cmd under /usr/bin/time; (wall seconds, peak RSS in MB, its stdout)."""
    with tempfile.NamedTemporaryFile("r") as stats:
        t0 = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", stats.name, *cmd],
            stdout=stdout or subprocess.PIPE,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - t0
        peak_mb = int(stats.read().strip().splitlines()[-1]) / 1024
    return seconds, peak_mb, done.stdout or ""


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000, help="N (the issue's figure: 1,000,000)")
    parser.add_argument("--child", choices=["extract", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help="Keep the trail already in the database.")
    args = parser.parse_args()
    _django()
    if args.child == "extract":
        print(json.dumps(child_extract(args.out)))
        return
    if args.child == "verify":
        print(json.dumps(child_verify()))
        return
    run(args)


def run(args):
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at PostgreSQL (the baseline is psql \\copy).")
    fill_s = None if args.reuse else fill(args.entries)
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "extract.csv"
        ext_wall, ext_mb, out = _timed([*me, "--child", "extract", "--out", str(ours)])
        ext_s = json.loads(out)["seconds"]
        base_file = Path(tmp) / "copy.csv"
        with base_file.open("w") as fh:
            dsn = os.environ["DATABASE_URL"]
            base_s, base_mb, _ = _timed(["psql", dsn, "-qc", f"\\copy ({COPY_SQL}) TO STDOUT CSV"], stdout=fh)
        _, ver_mb, out = _timed([*me, "--child", "verify"])
        verify = json.loads(out)
        sizes = {"extract_mb": ours.stat().st_size / 2**20, "copy_mb": base_file.stat().st_size / 2**20}
    result = {
        "entries": args.entries,
        "fill_seconds": fill_s,
        "extract_seconds": round(ext_s, 2),
        "extract_process_seconds": round(ext_wall, 2),
        "extract_peak_rss_mb": round(ext_mb, 1),
        "copy_seconds": round(base_s, 2),
        "copy_peak_rss_mb": round(base_mb, 1),
        "ratio_extract_to_copy": round(ext_s / base_s, 2),
        "verify_seconds": round(verify["seconds"], 2),
        "verify_ok": verify["ok"],
        "verify_entries_per_second": round(verify["checked"] / verify["seconds"]),
        "verify_peak_rss_mb": round(ver_mb, 1),
        **{k: round(v, 1) for k, v in sizes.items()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    report(result)


def report(r):
    print(f"Audit trail benchmark, {r['entries']:,} entries (trail filled in {r['fill_seconds'] or 0:.0f} s)")
    ext, ext_mb = r["extract_seconds"], r["extract_peak_rss_mb"]
    print(f"  streaming CSV extract : {ext:8.2f} s  peak RSS {ext_mb:6.1f} MB (goal: under 200 MB)")
    print(f"  psql \\copy baseline   : {r['copy_seconds']:8.2f} s  peak RSS {r['copy_peak_rss_mb']:6.1f} MB")
    print(f"  ratio extract / copy  : {r['ratio_extract_to_copy']:8.2f}x (goal: at most 3x)")
    rate, secs, ok = r["verify_entries_per_second"], r["verify_seconds"], r["verify_ok"]
    mb = r["verify_peak_rss_mb"]
    print(f"  chain verification    : {rate:,} entries/s ({secs:.1f} s, ok={ok}, peak RSS {mb} MB)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(r, indent=2) + "\n")
    print(f"  written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
