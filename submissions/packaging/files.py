"""Placing immutable document files into a package, verifying them on the way."""

import hashlib
import shutil
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024


class StoredFileChanged(Exception):
    pass


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


def place(version, dest: Path) -> str:
    """Copy the version's file to `dest` and return its MD5.

    A copy, not a hard link: identical documents share one stored file, and an edit to a package
    must never reach the store. The MD5 is computed from the bytes now in the package, so a
    stored file that changed since upload is caught here rather than by the agency.
    """
    source = Path(settings.MEDIA_ROOT) / version.file.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)  # an in-kernel copy on Linux; the MD5 then reads the page cache
    md5 = md5_of(dest)
    if md5 != version.md5:
        raise StoredFileChanged(
            f"The stored file of '{version}' no longer matches its upload "
            f"(MD5 {md5}, expected {version.md5})."
        )
    return md5


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
