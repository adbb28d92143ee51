"""Build and checksum an eCTD sequence of N documents totalling S bytes, beside `md5sum`.

    .venv/bin/python benchmarks/submissions_build.py --documents 500 --total-mb 2048

Sets up a throw-away database and media folder under a temporary directory, uploads N PDF
documents (random content, so nothing is deduplicated), places them in one sequence, then times
`package_build` (copy into the package, MD5 of every leaf, backbones, validation, SHA-256
manifest) against `md5sum` over the same stored files. Peak memory: Python allocations during
the build (tracemalloc) and the process's peak RSS.
"""

import argparse
import io
import json
import os
import resource
import shutil
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--total-mb", type=int, default=2048)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="custodian-bench-"))
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
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from submissions.models import Application
    from submissions.services import (
        document_create,
        document_version_upload,
        leaf_add,
        package_build,
        sequence_create,
    )

    actor = get_user_model().objects.create(username="bench")
    app = Application.objects.create(application_type="nda", region="us", product="Bench", agency_number="1")
    seq = sequence_create(application=app, submission_type="original", actor=actor)
    each = args.total_mb * 1024 * 1024 // args.documents
    print(f"setting up {args.documents} documents of {each / 1e6:.1f} MB …", flush=True)
    stored = []
    for n in range(args.documents):
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
    total = sum(Path(p).stat().st_size for p in stored)

    started = time.perf_counter()
    subprocess.run(["md5sum", *stored], check=True, stdout=subprocess.DEVNULL)
    baseline = time.perf_counter() - started
    # A like-for-like floor: a package must be written, which md5sum alone never does.
    copies = work / "cp-baseline"
    copies.mkdir()
    started = time.perf_counter()
    subprocess.run(["cp", *stored, str(copies)], check=True)
    subprocess.run(
        ["md5sum", *(str(copies / Path(p).name) for p in stored)], check=True, stdout=subprocess.DEVNULL
    )
    copy_baseline = time.perf_counter() - started

    tracemalloc.start()
    started = time.perf_counter()
    build = package_build(sequence=seq, out_dir=work / "out", actor=actor)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    result = {
        "documents": args.documents,
        "total_bytes": total,
        "md5sum_seconds": round(baseline, 2),
        "build_seconds": round(elapsed, 2),
        "ratio": round(elapsed / baseline, 2),
        "cp_plus_md5sum_seconds": round(copy_baseline, 2),
        "ratio_to_cp_plus_md5sum": round(elapsed / copy_baseline, 2),
        "python_peak_mb": round(peak / 1e6, 1),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "validation_errors": build.error_count,
    }
    print(f"{'':10}{'md5sum (baseline)':>20}{'cp + md5sum':>14}{'package_build':>16}")
    print(f"{'seconds':10}{baseline:>20.2f}{copy_baseline:>14.2f}{elapsed:>16.2f}")
    print(
        f"ratio to md5sum {result['ratio']} (goal ≤ 1.3), "
        f"to cp + md5sum {result['ratio_to_cp_plus_md5sum']}; "
        f"{total / 1e9:.2f} GB in {args.documents} files"
    )
    print(
        f"peak Python memory during the build {result['python_peak_mb']} MB; "
        f"process peak RSS {result['process_peak_rss_mb']} MB"
    )
    out = ROOT / "benchmarks" / "results" / "submissions_build.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
