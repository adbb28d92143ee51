"""Placing immutable document files into a package, checksumming them on the way."""

import hashlib
import shutil
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024
# Two documents at a time: the copy and hashlib (on large buffers) release the GIL, so one
# document's MD5 runs while the other is copied, or both hash on two cores. Memory stays at
# WORKERS x CHUNK whatever the package size.
WORKERS = 2
_buffers = threading.local()


class PlacementError(Exception):
    pass


class StoredFileChanged(PlacementError):
    pass


@dataclass(frozen=True)
class Placement:
    """One stored file to copy into a package, with the MD5 its upload recorded."""

    source: Path
    dest: Path
    expected_md5: str
    label: str

    @classmethod
    def of(cls, version, dest: Path) -> "Placement":
        return cls(Path(settings.MEDIA_ROOT) / version.file.name, dest, version.md5, str(version))


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_with_md5(source: Path, dest: Path) -> str:
    """Copy `source` to `dest` in the kernel, then hash the copy: the bytes the package holds.

    Measured on ext4: the in-kernel copy (sendfile) costs about a quarter of the CPU of passing
    the same bytes through a Python buffer to write(), which outweighs reading the copy once
    more from the page cache to hash it.
    """
    shutil.copyfile(source, dest)
    buffer = getattr(_buffers, "chunk", None)
    if buffer is None:
        buffer = _buffers.chunk = bytearray(CHUNK)
    view, digest = memoryview(buffer), hashlib.md5(usedforsecurity=False)
    with open(dest, "rb", buffering=0) as copy:
        while size := copy.readinto(buffer):
            digest.update(view[:size])
    return digest.hexdigest()


def _place(placement: Placement) -> str:
    md5 = _copy_with_md5(placement.source, placement.dest)
    if md5 != placement.expected_md5:
        raise StoredFileChanged(
            f"The stored file of '{placement.label}' no longer matches its upload "
            f"(MD5 {md5}, expected {placement.expected_md5})."
        )
    return md5


def place_all(placements: list[Placement]) -> list[str]:
    """Copy each stored file into the package and return the MD5s, in order.

    Copies, not hard links: identical documents share one stored file, and an edit to a package
    must never reach the store. Each MD5 is computed from the copy, so a stored file that changed
    since upload stops the build rather than reaching the agency.
    """
    twice = sorted(dest for dest, n in Counter(p.dest for p in placements).items() if n > 1)
    if twice:
        documents = ", ".join(f"'{p.label}'" for p in placements if p.dest == twice[0])
        raise PlacementError(f"Two leaves would both write {twice[0].name} ({documents}).")
    for folder in {p.dest.parent for p in placements}:
        folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="package-place") as pool:
        futures = [pool.submit(_place, p) for p in placements]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()  # the pool's exit then waits for the running ones only
            raise


def write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


def manifest(folder: Path, known_sha256: dict[str, str]) -> str:
    """sha256sum-format lines for every file below `folder`, paths relative to it, sorted."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        lines.append(f"{known_sha256.get(relative) or sha256_of(path)}  {relative}")
    return "\n".join(lines) + "\n"
