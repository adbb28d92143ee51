"""Downloads of sealed packages: every file checked against its SHA-256 manifest on the way out.

Governance snapshots, eCTD/NeeS builds and submission evidence packages are all folders (or a
zip of one) whose files a `sha256sum`-format manifest lists, with the manifest's own SHA-256
recorded in the database when it was sealed. One download path serves them all:

1. the manifest must still hash to the recorded value (else the list itself was edited);
2. each file is hashed while it is written into the zip, and the zip is refused on the first
   file that is missing, differs from its manifest line, or is not listed at all;
3. only a zip in which every file matched is sent, and the EXPORT event is written then.

The zip is built into a temporary file (in memory up to 16 MiB) rather than streamed straight
to the client: a mismatch found half-way through a streamed response could only cut the zip
short, not tell the user why. Sources are read once; memory stays at one chunk.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from accounts.audit import audit_event_record
from accounts.models import AuditEntry

CHUNK = 1024 * 1024
SPOOL_BYTES = 16 * 1024 * 1024
logger = logging.getLogger(__name__)


class SealedPackageError(Exception):
    """The package no longer matches its manifest, or is not where it was written."""


@dataclass(frozen=True)
class SealedPackage:
    """What to send: `folder` (zipped under `root`) or an existing `zip_path`, and its manifest.

    `manifest` is the text whose SHA-256 was recorded; when empty it is read from `manifest_name`
    inside the folder or zip. `unlisted` names files allowed beside the manifest without a line
    in it (the manifest itself and its detached signature).
    """

    obj: object
    manifest_sha256: str
    filename: str
    folder: Path | None = None
    zip_path: Path | None = None
    root: str = ""
    manifest: str = ""
    manifest_name: str = "manifest-sha256.txt"
    unlisted: tuple[str, ...] = field(default=("manifest-sha256.txt", "manifest-sha256.txt.sig"))
    beside: dict[str, str] = field(default_factory=dict)  # extra text files at the zip's top level


def manifest_parse(text: str) -> dict[str, str]:
    """`sha256sum` lines (`<hex>  <path>`) as {path: hex}; a line of another shape is refused."""
    listed = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if (
            not sep
            or len(digest) != 64
            or not name
            or PurePosixPath(name).is_absolute()
            or ".." in name.split("/")
        ):
            raise SealedPackageError(f"Manifest line {number} is not a sha256sum line: {line[:80]!r}.")
        listed[name] = digest.lower()
    return listed


def sealed_package_download(*, package: SealedPackage, actor):
    """The verified zip, open at its start, and the audit entry recording who took it.

    Raises SealedPackageError, naming the first file that does not match, before anything is sent.
    """
    if package.zip_path is not None:
        handle, files = _zip_checked(package)
    else:
        handle, files = _folder_zipped(package)
    audit_event_record(
        action=AuditEntry.Action.EXPORT,
        obj=package.obj,
        actor=actor,
        data={
            "filename": package.filename,
            "manifest_sha256": package.manifest_sha256,
            "files_verified": files,
            "via": "admin download",
        },
    )
    return handle


def _manifest_checked(package: SealedPackage, text: str) -> dict[str, str]:
    if hashlib.sha256(text.encode()).hexdigest() != package.manifest_sha256:
        raise SealedPackageError(
            f"{package.obj}: the manifest no longer hashes to the SHA-256 recorded when it was sealed."
        )
    return manifest_parse(text)


def _refuse(package: SealedPackage, problem: str):
    logger.warning("Download of %s refused: %s", package.obj, problem)
    raise SealedPackageError(f"{package.obj}: {problem} The package was not sent; rebuild or restore it.")


def _folder_zipped(package: SealedPackage) -> tuple[object, int]:
    folder = package.folder
    if folder is None or not folder.is_dir():
        raise SealedPackageError(f"{package.obj}: the sealed folder is no longer at {folder}.")
    text = package.manifest
    if not text:
        manifest_path = folder / package.manifest_name
        if not manifest_path.is_file():
            raise SealedPackageError(f"{package.obj}: {package.manifest_name} is missing from {folder}.")
        text = manifest_path.read_text()
    listed = _manifest_checked(package, text)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    extra = sorted(present - set(listed) - set(package.unlisted))
    if extra:
        _refuse(package, f"{extra[0]} is in the folder but not in the manifest.")
    root = package.root or folder.name
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, expected in listed.items():
                _add_checked(package, archive, folder / name, f"{root}/{name}", expected)
            for name in package.unlisted:
                if (folder / name).is_file():
                    archive.write(folder / name, f"{root}/{name}")
            for arcname, text in package.beside.items():
                archive.writestr(arcname, text)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, len(listed)


def _add_checked(package, archive: zipfile.ZipFile, source: Path, arcname: str, expected: str) -> None:
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, archive.open(arcname, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    except FileNotFoundError:
        _refuse(package, f"{source.name} is listed in the manifest but missing.")
    if digest.hexdigest() != expected:
        _refuse(package, f"{arcname} does not match its manifest line (SHA-256 {digest.hexdigest()}).")


def _zip_checked(package: SealedPackage) -> tuple[object, int]:
    """Check a zip written at sealing member by member, then serve that same open file."""
    try:
        handle = open(package.zip_path, "rb")  # noqa: SIM115 - returned to the response, which closes it
    except FileNotFoundError as exc:
        raise SealedPackageError(f"{package.obj}: the zip is no longer at {package.zip_path}.") from exc
    try:
        files = _zip_members_checked(package, handle)
    except (SealedPackageError, zipfile.BadZipFile) as exc:
        handle.close()
        if isinstance(exc, zipfile.BadZipFile):
            _refuse(package, f"the zip is damaged ({exc}).")
        raise
    handle.seek(0)
    return handle, files


def _zip_members_checked(package: SealedPackage, handle) -> int:
    with zipfile.ZipFile(handle) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        manifests = [n for n in names if n.split("/", 1)[-1] == package.manifest_name]
        if len(manifests) != 1:
            _refuse(package, f"the zip holds {len(manifests)} {package.manifest_name} files, not one.")
        prefix = manifests[0][: -len(package.manifest_name)]
        listed = _manifest_checked(package, archive.read(manifests[0]).decode())
        inside = {n[len(prefix) :] for n in names if n.startswith(prefix)}
        extra = sorted(
            (inside - set(listed) - set(package.unlisted)) | {n for n in names if not n.startswith(prefix)}
        )
        if extra:
            _refuse(package, f"{extra[0]} is in the zip but not in the manifest.")
        for name, expected in listed.items():
            if name not in inside:
                _refuse(package, f"{name} is listed in the manifest but missing from the zip.")
            digest = hashlib.sha256()
            with archive.open(prefix + name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                _refuse(
                    package,
                    f"{prefix}{name} does not match its manifest line (SHA-256 {digest.hexdigest()}).",
                )
    return len(listed)
