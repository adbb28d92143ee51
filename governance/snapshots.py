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

import json
import shutil
import uuid
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import Evidence, Framework, Snapshot
from governance.sealed import SealedFolder
from governance.selectors import month_bounds, snapshot_evidence

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
    newest = Snapshot.objects.filter(framework=framework).order_by("-month").first()
    if newest and month < newest.month:
        # Each month seals the hash of the one before it; inserting an older month would give the
        # newer one a predecessor whose manifest it never hashed, and its chain check would fail.
        raise ValidationError(
            f"{month:%Y-%m} is before {framework.slug}'s newest snapshot, {newest.month:%Y-%m}: "
            "snapshots form a chain in month order and sealed months cannot be re-linked. "
            "Freeze months oldest first."
        )


def _build(work: Path, framework, month, evidence, previous) -> SealedFolder:
    folder = SealedFolder(work)
    index_items = [_placed(folder, item) for item in evidence]
    folder.add_public_key()
    folder.write("index.json", _json(_index(framework, month, evidence, index_items)))
    folder.write("snapshot.json", _json(_header(framework, month, previous, folder.fingerprint)))
    chain = CHAIN.format(prev_name=f"{framework.slug}-{previous.month:%Y-%m}") if previous else FIRST
    folder.write("README-VERIFY.txt", README.format(fingerprint=folder.fingerprint, chain=chain).encode())
    folder.seal()
    return folder


def _placed(folder: SealedFolder, item: Evidence) -> dict:
    meta = _evidence_meta(item)
    relative = folder.copy_evidence(item)
    return {**meta, "path": relative} if relative else meta


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
