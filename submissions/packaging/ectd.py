"""Build an eCTD v3.2.2 sequence folder from a sequence's leaves."""

import hashlib
import shutil
import uuid
from pathlib import Path

from django.conf import settings

from submissions.packaging import backbone, files
from submissions.packaging.layout import REGIONAL_FILE, in_regional_backbone, leaf_path

# MD5s that ICH publishes for the official util files (regulatory.md §1.4).
PUBLISHED_UTIL_MD5 = {
    "dtd/ich-ectd-3-2.dtd": "1d6f631cc6b6357f0f4fe378e5f79a27",
    "style/ectd-2-0.xsl": "3a07a202455e954a2eb203c5bb443f77",
}

# The FDA regional DTD, in the user's util folder. us-regional.xml names it by URL (FDA M1 v2.x), so
# it is not copied into the package; validation reads it from there.
FDA_REGIONAL_DTD = "dtd/us-regional-v3-3.dtd"


class BuildError(Exception):
    pass


def _copy_util(dest: Path) -> None:
    """Copy the user's official util files; missing ones are reported by validation, not here."""
    source = settings.SUBMISSIONS_ECTD_UTIL_DIR
    if not source:
        return
    for relative in PUBLISHED_UTIL_MD5:
        path = Path(source) / relative
        if path.is_file():
            target = dest / "util" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def build(sequence, leaves, sequence_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Write the folder at `sequence_dir` (which must not exist). Returns (md5s, sha256s) by path."""
    staging = sequence_dir.parent / f".{sequence_dir.name}.building-{uuid.uuid4().hex[:8]}"
    md5s, sha256s, checksums = {}, {}, {}
    try:
        # place_all refuses two leaves writing the same path (for NeeS too)
        placed = [(path, leaf) for leaf in leaves if (path := leaf_path(leaf))]
        jobs = [files.Placement.of(leaf.version, staging / path) for path, leaf in placed]
        for (path, leaf), md5 in zip(placed, files.place_all(jobs), strict=True):
            md5s[path] = checksums[leaf.leaf_id] = md5
            sha256s[path] = leaf.version.sha256
        if sequence.application.region == "us":
            regional = backbone.us_regional_xml(
                sequence, [x for x in leaves if in_regional_backbone(x)], checksums
            )
            files.write(staging / REGIONAL_FILE, regional)
            md5s[REGIONAL_FILE] = checksums[REGIONAL_FILE] = _md5(regional)
        index = backbone.index_xml(sequence, leaves, checksums)
        files.write(staging / "index.xml", index)
        files.write(staging / "index-md5.txt", _md5(index).encode())
        _copy_util(staging)
        staging.rename(sequence_dir)
    except files.PlacementError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(str(exc)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return md5s, sha256s
