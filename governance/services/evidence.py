"""Evidence: streamed upload with hashing and limits, acceptance, versions, re-hashing."""

import hashlib
import logging
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from governance.models import Control, Evidence, EvidenceEvent

CHUNK = 1024 * 1024
# The stored name is "<32 hex>-<name>": 33 + 120 bytes stays below the 255-byte limit of a file
# name and, with the folders, below the `file` field's max_length.
STORED_NAME_BYTES = 120
STORED_SUFFIX_CHARS = 16
logger = logging.getLogger(__name__)


def evidence_file_check(*, name: str, size: int | None) -> None:
    """Refuse a file by type or declared size before a byte is stored."""
    extension = Path(name).suffix.lower().lstrip(".")
    allowed = settings.GOVERNANCE_EVIDENCE_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            f"File type .{extension or '?'} is not accepted; allowed: {', '.join(allowed)}."
        )
    if size is not None and size > settings.GOVERNANCE_EVIDENCE_MAX_BYTES:
        raise ValidationError(_too_large(size))


def _too_large(size: int) -> str:
    limit = settings.GOVERNANCE_EVIDENCE_MAX_BYTES
    return f"The file is {size:,} bytes; evidence files may be at most {limit:,} bytes."


def _store_streaming(uploaded, declared_sha256: str) -> tuple[str, str, int]:
    """Copy the upload under MEDIA_ROOT chunk by chunk, hashing as it goes.

    Returns (relative name, sha256, size). Nothing is left behind when a limit or the declared
    hash fails: the partial file is removed before the error is raised.
    """
    today = timezone.now()
    relative = f"evidence/{today:%Y/%m}/{uuid.uuid4().hex}-{stored_file_name(uploaded.name)}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with open(target, "xb") as out:
            for chunk in uploaded.chunks(CHUNK):
                size += len(chunk)
                if size > settings.GOVERNANCE_EVIDENCE_MAX_BYTES:
                    raise ValidationError(_too_large(size))
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        if declared_sha256 and declared_sha256.lower() != sha:
            raise ValidationError(f"The file's SHA-256 is {sha}, not the declared {declared_sha256.lower()}.")
    except BaseException:
        _remove_quietly(target)
        raise
    return relative, sha, size


def stored_file_name(name: str) -> str:
    """A safe file name of at most STORED_NAME_BYTES bytes (UTF-8) that keeps the extension.

    File systems refuse a name over 255 bytes (ENAMETOOLONG); the client's own name is kept whole
    in `original_name`.
    """
    try:
        safe = get_valid_filename(Path(name.replace("\x00", "")).name)
    except SuspiciousFileOperation:  # nothing usable left, e.g. "???"
        safe = ""
    stem, dot, extension = safe.rpartition(".")
    stem, suffix = (stem, f".{extension[:STORED_SUFFIX_CHARS]}") if dot else (safe, "")
    budget = STORED_NAME_BYTES - len(suffix.encode())
    return f"{stem.encode()[:budget].decode(errors='ignore') or 'upload'}{suffix}"


def _remove_quietly(path: Path) -> None:
    """Remove a partial file without hiding the error that made us remove it."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        logger.exception("Could not remove the partial evidence file %s", path)


def evidence_upload(
    *,
    control: Control,
    title: str,
    effective_from: date,
    effective_to: date,
    actor,
    uploaded=None,
    url: str = "",
    kind: str | None = None,
    validity_days: int = 0,
    declared_sha256: str = "",
    supersedes: Evidence | None = None,
) -> Evidence:
    """Record a draft evidence item: a file (stored with its SHA-256), a link or an export."""
    kind = kind or (Evidence.Kind.FILE if uploaded is not None else Evidence.Kind.LINK)
    evidence = Evidence(
        control=control, kind=kind, title=title, url=url, effective_from=effective_from,
        effective_to=effective_to, validity_days=validity_days, collected_by=actor,
        supersedes=supersedes, version=(supersedes.version + 1) if supersedes else 1,
    )  # fmt: skip
    # The dates and the duration are checked against their bounds before they are added up.
    evidence.clean_fields(exclude=["valid_until", "file", "sha256"])
    evidence.valid_until = effective_to + timedelta(days=validity_days)
    _validate_period(evidence)
    stored = None
    if uploaded is not None:
        evidence_file_check(name=uploaded.name, size=getattr(uploaded, "size", None))
        stored, evidence.sha256, evidence.size = _store_streaming(uploaded, declared_sha256)
        evidence.file.name, evidence.original_name = stored, Path(uploaded.name).name[:255]
    try:
        with transaction.atomic():
            evidence.full_clean()
            evidence.save()
            EvidenceEvent.objects.create(evidence=evidence, kind=EvidenceEvent.Kind.UPLOADED, actor=actor)
    except BaseException:
        if stored:
            _remove_quietly(Path(settings.MEDIA_ROOT) / stored)
        raise
    return evidence


def _validate_period(evidence: Evidence) -> None:
    start, end = evidence.effective_from, evidence.effective_to
    if start and end and end < start:
        raise ValidationError(f"The evidence period ends ({end}) before it starts ({start}).")


def evidence_accept(*, evidence: Evidence, actor) -> Evidence:
    """Accept a draft: from now on it is immutable. Accepting a version supersedes its predecessor."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.status != Evidence.Status.DRAFT:
            raise ValidationError(
                f"Only a draft can be accepted; this one is {evidence.get_status_display()}."
            )
        evidence.status, evidence.accepted_by, evidence.accepted_at = (
            Evidence.Status.ACCEPTED,
            actor,
            timezone.now(),
        )
        evidence.save(update_fields=["status", "accepted_by", "accepted_at"])
        EvidenceEvent.objects.create(evidence=evidence, kind=EvidenceEvent.Kind.ACCEPTED, actor=actor)
        if evidence.supersedes_id:
            _supersede(evidence.supersedes_id, evidence, actor)
    return evidence


def _supersede(old_id: int, new: Evidence, actor) -> None:
    old = Evidence.objects.select_for_update().get(pk=old_id)
    old.status = Evidence.Status.SUPERSEDED
    old.save(update_fields=["status"])
    EvidenceEvent.objects.create(
        evidence=old, kind=EvidenceEvent.Kind.SUPERSEDED, actor=actor, detail=f"by version {new.version}"
    )


def evidence_correct(*, evidence: Evidence, actor, **changes) -> Evidence:
    """A correction of accepted evidence: a new draft version that supersedes it once accepted."""
    if evidence.status != Evidence.Status.ACCEPTED:
        raise ValidationError("Only accepted evidence is corrected by a new version; edit the draft instead.")
    if Evidence.objects.filter(supersedes=evidence).exists():
        raise ValidationError(f"{evidence} already has a newer version.")
    fields = {
        "control": evidence.control, "title": evidence.title, "url": evidence.url, "kind": evidence.kind,
        "effective_from": evidence.effective_from, "effective_to": evidence.effective_to,
        "validity_days": evidence.validity_days,
    }  # fmt: skip
    fields.update(changes)
    return evidence_upload(**fields, actor=actor, supersedes=evidence)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_rehash(*, evidence_id: int, actor) -> str:
    """Re-hash one stored file and record the outcome; safe to run again at any time."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
        if not evidence.sha256 or not evidence.file:
            return evidence.integrity
        path = Path(settings.MEDIA_ROOT) / evidence.file.name
        if not path.exists():
            outcome, kind, detail = Evidence.Integrity.MISSING, EvidenceEvent.Kind.MISSING, str(path.name)
        else:
            found = file_sha256(path)
            ok = found == evidence.sha256
            outcome = Evidence.Integrity.OK if ok else Evidence.Integrity.MISMATCH
            kind = EvidenceEvent.Kind.INTEGRITY_OK if ok else EvidenceEvent.Kind.MISMATCH
            detail = "" if ok else f"expected {evidence.sha256}, found {found}"
        # Only a change of state is an event: a daily run over healthy files adds no rows.
        if outcome != evidence.integrity:
            EvidenceEvent.objects.create(evidence=evidence, kind=kind, actor=actor, detail=detail)
        Evidence.objects.filter(pk=evidence.pk).update(integrity=outcome, integrity_checked_at=timezone.now())
    return outcome
