"""Benchmark: a monthly evidence snapshot of N files totalling S bytes vs `sha256sum` over them.

Issue 6 baseline: snapshot time / sha256sum time at most 1.3 for 1,000 files and 1 GB, with
memory bounded (files are streamed, never read whole). The default size runs in about a minute
here; `--files 1000 --megabytes 1024` is the full size.

    .venv/bin/python benchmarks/governance_snapshot.py [--files N] [--megabytes S] [--repeat R]

Runs against a throw-away var dir (SQLite, media, key); writes benchmarks/results/governance_snapshot.json.
"""

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 1024 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--megabytes", type=int, default=200, help="total size (MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side; the best counts")
    return parser.parse_args()


def setup_django(var_dir: Path):
    os.environ["CUSTODIAN_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_evidence(count: int, total_bytes: int):
    """Write `count` files of equal size under MEDIA_ROOT, recording each as accepted evidence."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from governance.models import Control, Criterion, Evidence, Framework

    owner = get_user_model().objects.create(username="bench-owner")
    framework = Framework.objects.create(urn="urn:bench:fw", slug="bench", name="Bench", version="1")
    criterion = Criterion.objects.create(framework=framework, urn="urn:bench:fw:C1", ref="C1", title="c")
    control = Control.objects.create(ref="B-1", name="Bench control", owner=owner, frequency="monthly")
    control.mappings.create(criterion=criterion)
    folder = Path(settings.MEDIA_ROOT) / "evidence" / "bench"
    folder.mkdir(parents=True)
    size, block = total_bytes // count, os.urandom(BLOCK)
    rows, paths = [], []
    for n in range(count):
        path = folder / f"file-{n:05}.pdf"
        digest = hashlib.sha256()
        with open(path, "wb") as out:
            remaining, first = size, f"{n:08}".encode()  # distinct content per file
            while remaining:
                chunk = (
                    (first + block)[: min(BLOCK, remaining)]
                    if remaining == size
                    else block[: min(BLOCK, remaining)]
                )
                out.write(chunk)
                digest.update(chunk)
                remaining -= len(chunk)
        paths.append(path)
        rows.append(
            Evidence(
                control=control,
                kind="file",
                title=f"e{n}",
                file=f"evidence/bench/{path.name}",
                original_name=path.name,
                sha256=digest.hexdigest(),
                size=size,
                effective_from=date(2026, 10, 1),
                effective_to=date(2026, 10, 31),
                valid_until=date(2026, 10, 31),
                collected_by=owner,
                status="accepted",
            )
        )
    Evidence.objects.bulk_create(rows)
    return framework, owner, paths, size * count


def time_sha256sum(paths) -> float:
    listing = "\0".join(str(p) for p in paths).encode()
    start = time.perf_counter()
    command = [shutil.which("xargs"), "-0", "sha256sum"]
    subprocess.run(command, input=listing, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def time_snapshot(framework, owner, out_root: Path, run: int) -> tuple[float, object]:
    from governance.models import Snapshot
    from governance.snapshots import snapshot_create

    Snapshot.objects.all().delete()  # each timed run freezes the same month afresh
    out = out_root / f"run-{run}"
    out.mkdir(parents=True)
    start = time.perf_counter()
    snapshot = snapshot_create(framework=framework, month=date(2026, 10, 1), out_dir=out, actor=owner)
    elapsed = time.perf_counter() - start
    for path in Path(snapshot.path).rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    shutil.rmtree(out)
    return elapsed, snapshot


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as tmp:
        setup_django(Path(tmp))
        framework, owner, paths, total = make_evidence(args.files, args.megabytes * BLOCK)
        time_sha256sum(paths)  # warm the page cache for both sides alike
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        snap_times, base_times = [], []
        for run in range(args.repeat):
            base_times.append(time_sha256sum(paths))
            elapsed, snapshot = time_snapshot(framework, owner, Path(tmp) / "snapshots", run)
            snap_times.append(elapsed)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best_snap, best_base = min(snap_times), min(base_times)
    result = {
        "benchmark": "governance_snapshot",
        "files": args.files,
        "bytes": total,
        "snapshot_seconds": round(best_snap, 3),
        "sha256sum_seconds": round(best_base, 3),
        "ratio": round(best_snap / best_base, 3),
        "baseline_ratio_max": 1.3,
        "snapshot_MBps": round(total / BLOCK / best_snap, 1),
        "peak_rss_growth_MiB": round((rss_after - rss_before) / 1024, 1),
        "peak_rss_MiB": round(rss_after / 1024, 1),
        "snapshot_files": snapshot.file_count,
        "runs": {
            "snapshot": [round(t, 3) for t in snap_times],
            "sha256sum": [round(t, 3) for t in base_times],
        },
    }
    print(
        f"snapshot of {args.files} files, {total / BLOCK:.0f} MiB: {best_snap:.2f} s "
        f"({result['snapshot_MBps']} MiB/s); sha256sum over the same files: {best_base:.2f} s"
    )
    print(f"ratio {result['ratio']} (issue baseline: at most 1.3)")
    print(
        f"peak RSS {result['peak_rss_MiB']} MiB, growth during snapshots {result['peak_rss_growth_MiB']} MiB "
        f"(files {total / args.files / BLOCK:.2f} MiB each, total {total / BLOCK:.0f} MiB: streamed)"
    )
    out = ROOT / "benchmarks" / "results" / "governance_snapshot.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
