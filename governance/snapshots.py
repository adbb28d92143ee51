"""Monthly evidence snapshots: a folder an auditor verifies offline with sha256sum and openssl.

Layout (see docs/governance.md):
    <slug>-<YYYY-MM>/
      evidence/<control>/<id>-v<version>-<name>   the evidence files, copied and re-hashed
      index.json                                 controls, criteria, evidence metadata
      snapshot.json                              period, previous manifest hash (the chain), key
      keys/evidence-signing-pub.pem              the public key only; never a secret
      README-VERIFY.txt                          the verification commands
      manifest-sha256.txt                        `sha256sum` format, every file above, C-sorted
      manifest-sha256.txt.sig                    DER ECDSA-P256 signature of the manifest
"""

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import signing
from governance.models import Evidence, Framework, Snapshot
from governance.selectors import month_bounds, snapshot_evidence

MANIFEST = "manifest-sha256.txt"
SIGNATURE = MANIFEST + ".sig"
PUBLIC_KEY = "keys/evidence-signing-pub.pem"
CHUNK = 1024 * 1024
README = """Verify this snapshot with standard tools only (run inside this folder):

  sha256sum -c manifest-sha256.txt
  openssl dgst -sha256 -verify keys/evidence-signing-pub.pem \\
      -signature manifest-sha256.txt.sig manifest-sha256.txt
  openssl pkey -pubin -in keys/evidence-signing-pub.pem -outform DER | sha256sum
      (compare with the evidence-key fingerprint published out of band: {fingerprint})
{chain}"""
CHAIN = """  grep -o '"prev_manifest_sha256":"[0-9a-f]*"' snapshot.json
  sha256sum ../{prev_name}/manifest-sha256.txt   (must print the same hash)
"""
FIRST = "  This is the first snapshot of its chain: prev_manifest_sha256 is null.\n"


def snapshot_create(*, framework: Framework, month: date, out_dir: Path, actor) -> Snapshot:
    """Freeze the framework's evidence for `month` into a signed folder and record it.

    Written to a hidden temporary folder first and renamed into place only when complete, so
    a failure (no evidence, a stored file whose hash changed, a taken month) leaves nothing.
    """
    month = month.replace(day=1)
    # One builder per framework at a time: the row lock makes the "already frozen" check reliable.
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _refuse(framework, month)
        evidence = list(snapshot_evidence(framework, month))
        if not evidence:
            raise ValidationError(
                f"No accepted evidence for {framework.slug} in {month:%Y-%m}: nothing to freeze."
            )
        final = Path(out_dir) / f"{framework.slug}-{month:%Y-%m}"
        if final.exists():
            raise ValidationError(f"{final} already exists.")
        previous = Snapshot.objects.filter(framework=framework, month__lt=month).order_by("-month").first()
        work = Path(out_dir) / f".{final.name}.partial-{uuid.uuid4().hex[:8]}"
        placed = False
        try:
            built = _build(work, framework, month, evidence, previous)
            work.rename(final)
            placed = True
            _freeze(final)
            return _record(framework, month, final, previous, built, actor)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            if placed:  # only ever remove the folder this call put in place
                _unfreeze(final)
                shutil.rmtree(final, ignore_errors=True)
            raise


def _record(framework, month, final, previous, built, actor) -> Snapshot:
    snapshot = Snapshot(
        framework=framework, month=month, path=str(final), previous=previous,
        manifest_sha256=built.manifest_sha256, file_count=built.file_count,
        total_bytes=built.total_bytes, key_fingerprint=built.fingerprint, created_by=actor,
    )  # fmt: skip
    snapshot.full_clean()
    snapshot.save()
    return snapshot


def _refuse(framework, month):
    if not framework.slug:
        raise ValidationError(f"{framework} has no slug to name its snapshots by.")
    if month > timezone.localdate().replace(day=1):
        raise ValidationError(f"{month:%Y-%m} has not started yet.")
    if Snapshot.objects.filter(framework=framework, month=month).exists():
        raise ValidationError(
            f"A snapshot of {framework.slug} for {month:%Y-%m} already exists; they are immutable."
        )


@dataclass
class _Built:
    hashes: dict[str, str] = field(default_factory=dict)
    total_bytes: int = 0
    manifest_sha256: str = ""
    fingerprint: str = ""

    @property
    def file_count(self):
        return len(self.hashes)


def _build(work: Path, framework, month, evidence, previous) -> _Built:
    built = _Built()
    work.mkdir(parents=True)
    index_items = [_copy_evidence(work, item, built) for item in evidence]
    public_pem = signing.public_key_pem()
    built.fingerprint = signing.fingerprint(public_pem)
    _write(work, PUBLIC_KEY, public_pem, built)
    _write(work, "index.json", _json(_index(framework, month, evidence, index_items)), built)
    _write(work, "snapshot.json", _json(_header(framework, month, previous, built.fingerprint)), built)
    chain = CHAIN.format(prev_name=f"{framework.slug}-{previous.month:%Y-%m}") if previous else FIRST
    _write(
        work, "README-VERIFY.txt", README.format(fingerprint=built.fingerprint, chain=chain).encode(), built
    )
    manifest = "".join(f"{built.hashes[p]}  {p}\n" for p in sorted(built.hashes, key=lambda p: p.encode()))
    (work / MANIFEST).write_text(manifest)
    (work / SIGNATURE).write_bytes(signing.sign(manifest.encode()))
    built.manifest_sha256 = hashlib.sha256(manifest.encode()).hexdigest()
    return built


def _copy_evidence(work: Path, item: Evidence, built: _Built) -> dict:
    """Copy one stored file into the snapshot, hashing while streaming; refuse a changed file."""
    meta = _evidence_meta(item)
    if not item.file:
        return meta
    source = Path(item.file.path)
    filename = _safe(item.original_name or source.name)
    relative = f"evidence/{_safe(item.control.ref)}/{item.pk}-v{item.version}-{filename}"
    target = work / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(target, "xb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    except FileNotFoundError as exc:
        raise ValidationError(f"Evidence {item.pk} ({item.title}): stored file is missing.") from exc
    if digest.hexdigest() != item.sha256:
        raise ValidationError(
            f"Evidence {item.pk} ({item.title}): stored file no longer matches its recorded SHA-256."
        )
    built.hashes[relative] = item.sha256
    built.total_bytes += item.size
    return {**meta, "path": relative}


def _safe(name: str) -> str:
    # Keeps manifest lines free of spaces, backslashes and newlines, which sha256sum would escape.
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or "file"


def _write(work: Path, relative: str, data: bytes, built: _Built) -> None:
    target = work / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    built.hashes[relative] = hashlib.sha256(data).hexdigest()
    built.total_bytes += len(data)


def _json(data) -> bytes:
    # Compact separators keep `"prev_manifest_sha256":"…"` greppable as the README shows.
    return (json.dumps(data, sort_keys=True, separators=(",", ":"), default=str) + "\n").encode()


def _evidence_meta(item: Evidence) -> dict:
    return {
        "id": item.pk, "version": item.version, "title": item.title, "kind": item.kind,
        "control": item.control.ref, "sha256": item.sha256, "size": item.size, "url": item.url,
        "effective_from": item.effective_from, "effective_to": item.effective_to,
        "valid_until": item.valid_until, "collected_by": item.collected_by.username,
        "accepted_by": item.accepted_by.username if item.accepted_by else None,
        "accepted_at": item.accepted_at,
    }  # fmt: skip


def _index(framework, month, evidence, items) -> dict:
    controls = {item.control for item in evidence}
    return {
        "framework": {"urn": framework.urn, "name": framework.name, "version": framework.version},
        "period": f"{month:%Y-%m}",
        "controls": [
            {
                "ref": c.ref,
                "name": c.name,
                "frequency": c.frequency,
                "automation": c.automation,
                "owner": c.owner.username,
                "criteria": sorted(
                    m.criterion.ref for m in c.mappings.all() if m.criterion.framework_id == framework.pk
                ),
            }
            for c in sorted(controls, key=lambda c: c.ref)
        ],
        "evidence": items,
    }


def _header(framework, month, previous, fingerprint) -> dict:
    start, end = month_bounds(month)
    return {
        "framework_urn": framework.urn,
        "period": f"{month:%Y-%m}",
        "period_start": start,
        "period_end": end,
        "generated_at": timezone.now().isoformat(),
        "producer": "custodian governance snapshot v1",
        "prev_period": f"{previous.month:%Y-%m}" if previous else None,
        "prev_manifest_sha256": previous.manifest_sha256 if previous else None,
        "key_fingerprint_sha256": fingerprint,
    }


def _freeze(folder: Path) -> None:
    """Files read-only: a snapshot is never edited in place (storage adds WORM in production)."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


def _unfreeze(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
