"""Build and checksum an eCTD sequence of N documents totalling S bytes, beside `md5sum`.

    .venv/bin/python benchmarks/submissions_build.py --documents 500 --total-mb 2048 --repeats 5

Sets up a throw-away database and media folder under a temporary directory, uploads N PDF
documents (random content, so nothing is deduplicated) and places them in one sequence. Then, for
each repeat, on the same warm page cache and each after a `sync` (so no run pays for the previous
one's writeback), it times in turn:

- `md5sum` over the stored files: the issue's baseline;
- `cp` of the stored files + `md5sum` of the copies: context, since a package has to be written
  and `md5sum` writes nothing;
- `package_build`: copy into the package with the MD5 of every leaf, backbones, validation,
  SHA-256 manifest, the database record. The copy + MD5 part is also timed on its own.

Each output is deleted before the next run. Medians (and bests) over the repeats are printed side
by side with the load average, with the median of each round's build / md5sum ratio (two runs
seconds apart share the load of a busy machine). Peak memory is measured on one more, untimed
build: Python allocations (tracemalloc) and the process's resident-set high-water mark, reset
just before it.
"""

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pdf(size: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("data.bin", os.urandom(size))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _cpu_seconds() -> float:
    """User + system time of this process (all threads) and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run) -> tuple[float, float]:
    """(wall, CPU) seconds of `run`, started after a sync."""
    subprocess.run(["sync"], check=True)
    cpu, started = _cpu_seconds(), time.perf_counter()
    run()
    return time.perf_counter() - started, _cpu_seconds() - cpu


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: resets VmHWM
        return True
    except OSError:
        return False


def _peak_rss_mb(reset: bool) -> float:
    if reset:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(work: Path, documents: int, total_mb: int):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        CUSTODIAN_VAR_DIR=str(work),
        MEDIA_ROOT=str(work / "media"),
        DATABASE_URL=f"sqlite:///{work}/bench.sqlite3",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("SUBMISSIONS_ECTD_UTIL_DIR", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from submissions.models import Application
    from submissions.services import document_create, document_version_upload, leaf_add, sequence_create

    call_command("migrate", verbosity=0)
    actor = get_user_model().objects.create(username="bench")
    app = Application.objects.create(application_type="nda", region="us", product="Bench", agency_number="1")
    seq = sequence_create(application=app, submission_type="original", actor=actor)
    each = total_mb * 1024 * 1024 // documents
    print(f"setting up {documents} documents of {each / 1e6:.1f} MB …", flush=True)
    stored = []
    for n in range(documents):
        document = document_create(application=app, title=f"Study report {n}", actor=actor)
        version = document_version_upload(
            document=document, source=io.BytesIO(_pdf(each)), file_name=f"report-{n:04d}.pdf", actor=actor
        )
        leaf_add(
            sequence=seq,
            section="5.3.5.1",
            title=f"Study report {n}",
            version=version,
            attributes={"indication": f"indication-{n // 100}"},
            actor=actor,
        )
        stored.append(str(work / "media" / version.file.name))
    return seq, actor, stored


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--total-mb", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, help="documents placed at a time (default: the build's own)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="custodian-bench-"))
    seq, actor, stored = _setup(work, args.documents, args.total_mb)
    from submissions.packaging import files
    from submissions.services import package_build

    placing = []
    place_all = files.place_all

    def timed_place_all(placements):
        cpu, started = _cpu_seconds(), time.perf_counter()
        try:
            return place_all(placements)
        finally:
            placing.append((time.perf_counter() - started, _cpu_seconds() - cpu))

    files.place_all = timed_place_all
    if args.workers:
        files.WORKERS = args.workers
    total = sum(Path(p).stat().st_size for p in stored)
    copies = work / "cp-baseline"

    def md5sum():
        subprocess.run(["md5sum", *stored], check=True, stdout=subprocess.DEVNULL)

    def cp_md5sum():
        copies.mkdir()
        subprocess.run(["cp", *stored, str(copies)], check=True)
        names = [str(copies / Path(p).name) for p in stored]
        subprocess.run(["md5sum", *names], check=True, stdout=subprocess.DEVNULL)

    out = work / "out"
    errors = set()

    def build():
        errors.add(package_build(sequence=seq, out_dir=out, actor=actor).error_count)

    load_before = os.getloadavg()
    times = {"md5sum": [], "cp_md5sum": [], "build": []}
    cpu_times = {name: [] for name in times}
    for round_ in range(args.repeats):
        for name, run in (("md5sum", md5sum), ("cp_md5sum", cp_md5sum), ("build", build)):
            wall, cpu = _timed(run)
            times[name].append(wall)
            cpu_times[name].append(cpu)
            shutil.rmtree(copies, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
        print(
            f"round {round_ + 1}: md5sum {times['md5sum'][-1]:.2f} s, "
            f"cp + md5sum {times['cp_md5sum'][-1]:.2f} s, "
            f"build {times['build'][-1]:.2f} s, CPU {cpu_times['build'][-1]:.2f} s "
            f"(copy + MD5 {placing[-1][0]:.2f} s, CPU {placing[-1][1]:.2f} s)",
            flush=True,
        )
    load_after = os.getloadavg()
    # Memory on one more, untimed build: tracemalloc slows every Python allocation down.
    rss_reset = _reset_peak_rss()
    tracemalloc.start()
    build()
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    peak_rss = _peak_rss_mb(rss_reset)

    median = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    result = {
        "documents": args.documents,
        "total_bytes": total,
        "repeats": args.repeats,
        "method": "each run after sync, warm page cache, runs interleaved; medians (bests) over repeats",
        "md5sum_seconds": round(median["md5sum"], 2),
        "cp_plus_md5sum_seconds": round(median["cp_md5sum"], 2),
        "build_seconds": round(median["build"], 2),
        "build_copy_and_md5_seconds": round(
            statistics.median(wall for wall, _ in placing[: args.repeats]), 2
        ),
        "build_copy_and_md5_cpu_seconds": round(
            statistics.median(cpu for _, cpu in placing[: args.repeats]), 2
        ),
        "ratio": round(median["build"] / median["md5sum"], 2),
        # Each round's build over the md5sum run just before it (both under the same load).
        "ratio_per_round_median": round(
            statistics.median(b / m for b, m in zip(times["build"], times["md5sum"], strict=True)), 2
        ),
        "ratio_to_cp_plus_md5sum": round(median["build"] / median["cp_md5sum"], 2),
        "best_seconds": {k: round(v, 2) for k, v in best.items()},
        "best_ratio": round(best["build"] / best["md5sum"], 2),
        "all_seconds": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "placement_workers": files.WORKERS,
        "chunk_bytes": files.CHUNK,
        # CPU seconds (user + system): what the ratio tends to when other work keeps every core busy.
        "cpu_seconds_median": {k: round(statistics.median(v), 2) for k, v in cpu_times.items()},
        "cpu_ratio": round(statistics.median(cpu_times["build"]) / statistics.median(cpu_times["md5sum"]), 2),
        "python_peak_mb": round(python_peak / 1e6, 1),
        "build_peak_rss_mb": round(peak_rss, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "validation_errors": sorted(errors),
    }
    print(f"{'':16}{'md5sum (baseline)':>20}{'cp + md5sum':>14}{'package_build':>16}")
    for label, figures in (("median wall s", median), ("best wall s", best)):
        print(f"{label:16}{figures['md5sum']:>20.2f}{figures['cp_md5sum']:>14.2f}{figures['build']:>16.2f}")
    print(
        f"ratio to md5sum {result['ratio']} of medians, {result['ratio_per_round_median']} median per round, "
        f"{result['best_ratio']} of bests (goal ≤ 1.3); "
        f"to cp + md5sum {result['ratio_to_cp_plus_md5sum']}; {total / 1e9:.2f} GB in {args.documents} files"
    )
    cpu = result["cpu_seconds_median"]
    print(
        f"{'median CPU s':16}{cpu['md5sum']:>20.2f}{cpu['cp_md5sum']:>14.2f}{cpu['build']:>16.2f}"
        f"   (CPU ratio {result['cpu_ratio']})"
    )
    print(
        f"peak Python memory during the builds {result['python_peak_mb']} MB; "
        f"build peak RSS {result['build_peak_rss_mb']} MB; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)"
    )
    out = ROOT / "benchmarks" / "results" / "submissions_build.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
