"""A sealed folder: every file listed in a `sha256sum` manifest signed with the evidence key.

The one mechanism behind monthly snapshots and evidence packages, so that an auditor verifies
either with the same two commands (`sha256sum -c`, `openssl dgst -verify`).
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError

from accounts.sealed_downloads import SealedPackage
from governance import signing
from governance.models import Evidence

MANIFEST = "manifest-sha256.txt"
SIGNATURE = MANIFEST + ".sig"
PUBLIC_KEY = "keys/evidence-signing-pub.pem"
CHUNK = 1024 * 1024


def safe_name(name: str) -> str:
    # Keeps manifest lines free of spaces, backslashes and newlines, which sha256sum would escape.
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or "file"


class SealedFolder:
    """Collects files under `work`, hashing each as it is written; `seal()` signs the list."""

    def __init__(self, work: Path):
        self.work = work
        self.hashes: dict[str, str] = {}
        self.total_bytes = 0
        self.fingerprint = ""
        self.manifest_sha256 = ""
        work.mkdir(parents=True)

    @property
    def file_count(self) -> int:
        return len(self.hashes)

    def _target(self, relative: str) -> Path:
        target = self.work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, relative: str, data: bytes) -> None:
        self._target(relative).write_bytes(data)
        self.hashes[relative] = hashlib.sha256(data).hexdigest()
        self.total_bytes += len(data)

    def write_lines(self, relative: str, lines: Iterable[str]) -> None:
        """Stream text lines (UTF-8) into a file, hashing as they go: constant memory."""
        digest, size = hashlib.sha256(), 0
        with open(self._target(relative), "xb") as out:
            for line in lines:
                data = line.encode()
                digest.update(data)
                out.write(data)
                size += len(data)
        self.hashes[relative] = digest.hexdigest()
        self.total_bytes += size

    def copy(self, relative: str, source: Path, *, expected_sha256: str, what: str) -> None:
        """Copy a stored file, hashing while streaming; refuse one that changed since it was stored."""
        digest, size = hashlib.sha256(), 0
        try:
            with open(source, "rb") as src, open(self._target(relative), "xb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
        except FileNotFoundError as exc:
            raise ValidationError(f"{what}: stored file is missing.") from exc
        if digest.hexdigest() != expected_sha256:
            raise ValidationError(f"{what}: stored file no longer matches its recorded SHA-256.")
        self.hashes[relative] = expected_sha256
        self.total_bytes += size

    def copy_evidence(self, item: Evidence) -> str | None:
        """Place an evidence file at `evidence/<control>/<id>-v<version>-<name>`; None for links."""
        if not item.file:
            return None
        source = Path(item.file.path)
        name = safe_name(item.original_name or source.name)
        relative = f"evidence/{safe_name(item.control.ref)}/{item.pk}-v{item.version}-{name}"
        self.copy(relative, source, expected_sha256=item.sha256, what=f"Evidence {item.pk} ({item.title})")
        return relative

    def add_public_key(self) -> None:
        public_pem = signing.public_key_pem()
        self.fingerprint = signing.fingerprint(public_pem)
        self.write(PUBLIC_KEY, public_pem)

    def seal(self) -> str:
        """Write the manifest (C-sorted, as `sha256sum` prints) and its detached signature."""
        manifest = "".join(f"{self.hashes[p]}  {p}\n" for p in sorted(self.hashes, key=lambda p: p.encode()))
        (self.work / MANIFEST).write_text(manifest)
        (self.work / SIGNATURE).write_bytes(signing.sign(manifest.encode()))
        self.manifest_sha256 = hashlib.sha256(manifest.encode()).hexdigest()
        return self.manifest_sha256


def snapshot_sealed_package(snapshot) -> SealedPackage:
    """A snapshot as a download: its folder, checked against the manifest it was sealed with."""
    folder = Path(snapshot.path)
    return SealedPackage(
        obj=snapshot, manifest_sha256=snapshot.manifest_sha256, filename=f"{folder.name}.zip", folder=folder
    )
