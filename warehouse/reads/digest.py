"""The daily tamper-evident digest of the warehouse access log.

A day's digest is SHA-256 over a header (the day and the previous sealed day's digest) followed by
the canonical JSON of each of the day's `AccessLog` rows in id order, one per line. Each digest
carries its predecessor, so changing, adding or removing any logged read of a sealed day (the
ORM refuses, raw SQL does not) breaks that day and every later link; `access_log_verify` names
the first day that no longer matches. Every seal also goes into the audit trail, whose own chain
then protects the digests themselves.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.models import AuditEntry
from warehouse.reads.models import AccessLog, AccessLogDigest

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
FIELDS = tuple(f.attname for f in AccessLog._meta.concrete_fields)


class DigestMismatch(Exception):
    """A sealed day's rows no longer hash to its digest: the log was changed after sealing."""


class DigestRefused(ValueError):
    """The day cannot be sealed (not over yet, or the chain already runs past it)."""


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def canonical(row: dict) -> bytes:
    """As `accounts.chain.canonical`: sorted keys, no whitespace, UTF-8, UTC microsecond time."""
    content = dict(row)
    content["at"] = row["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


@dataclass
class DayHash:
    digest: str
    rows: int = 0
    first_id: int | None = None
    last_id: int | None = None


def day_hash(day: date, previous_digest: str, *, batch_size: int = 5000) -> DayHash:
    """Hash the day's rows as they are now, in id order, with constant memory."""
    hasher = hashlib.sha256(canonical_header(day, previous_digest))
    result = DayHash(digest="")
    start, end = _day_bounds(day)
    rows = AccessLog.objects.filter(at__gte=start, at__lt=end).order_by("id").values(*FIELDS)
    for row in rows.iterator(chunk_size=batch_size):
        hasher.update(canonical(row) + b"\n")
        result.rows += 1
        result.first_id = result.first_id or row["id"]
        result.last_id = row["id"]
    result.digest = hasher.hexdigest()
    return result


def canonical_header(day: date, previous_digest: str) -> bytes:
    return (
        json.dumps({"day": day.isoformat(), "previous_digest": previous_digest}, sort_keys=True).encode()
        + b"\n"
    )


def _check_sealed(digest: AccessLogDigest) -> None:
    now = day_hash(digest.day, digest.previous_digest)
    if now.digest != digest.digest:
        logger.error("Warehouse access log of %s no longer matches its sealed digest", digest.day)
        raise DigestMismatch(
            f"The access log of {digest.day} no longer matches its sealed digest: "
            f"{now.rows} rows hash to {now.digest[:16]}…, sealed {digest.rows} rows as {digest.digest[:16]}…"
        )


def _first_unsealed_day(until: date) -> date:
    last = AccessLogDigest.objects.order_by("-day").first()
    if last is not None:
        return last.day + timedelta(days=1)
    first_read = AccessLog.objects.order_by("at").values_list("at", flat=True).first()
    return min(first_read.astimezone(UTC).date(), until) if first_read else until


def _seal_one(day: date) -> AccessLogDigest:
    previous = AccessLogDigest.objects.filter(day__lt=day).order_by("-day").first()
    previous_digest = previous.digest if previous else GENESIS
    hashed = day_hash(day, previous_digest)
    digest = AccessLogDigest(
        day=day, rows=hashed.rows, first_id=hashed.first_id, last_id=hashed.last_id,
        previous_digest=previous_digest, digest=hashed.digest,
    )  # fmt: skip
    digest.full_clean()
    digest.save()
    audit_event_record(
        action=AuditEntry.Action.CREATE, obj=digest,
        data={"access_log_day": day.isoformat(), "rows": digest.rows, "first_id": digest.first_id,
              "last_id": digest.last_id, "previous_digest": previous_digest, "digest": digest.digest},
        reason="Daily seal of the warehouse access log",
    )  # fmt: skip
    return digest


def access_log_digest_seal(day: date) -> list[AccessLogDigest]:
    """Seal `day` and every unsealed day before it, in order; return the digests written.

    A day already sealed is checked instead (DigestMismatch if its rows changed) and nothing is
    written. Only finished days (UTC) can be sealed, and only after the last sealed day.
    """
    if day >= timezone.now().astimezone(UTC).date():
        raise DigestRefused(f"{day} is not over yet (UTC): only finished days can be sealed.")
    sealed = AccessLogDigest.objects.filter(day=day).first()
    if sealed is not None:
        _check_sealed(sealed)
        return []
    if AccessLogDigest.objects.filter(day__gt=day).exists():
        raise DigestRefused(f"{day} lies before the last sealed day: the chain only grows forward.")
    written = []
    with transaction.atomic():
        current = _first_unsealed_day(day)
        while current <= day:
            written.append(_seal_one(current))
            current += timedelta(days=1)
    return written


def access_log_seal_yesterday() -> list[AccessLogDigest]:
    """Beat's entry point: seal yesterday (UTC) and any day missed before it."""
    return access_log_digest_seal(timezone.now().astimezone(UTC).date() - timedelta(days=1))


@dataclass
class VerifyReport:
    checked: int = 0
    first_bad_day: date | None = None
    problem: str = ""
    days: list[date] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_bad_day is None

    def summary(self) -> str:
        if self.ok:
            last = f", last {self.days[-1]}" if self.days else ""
            return f"OK: {self.checked} sealed days match the access log{last}."
        return f"MISMATCH on {self.first_bad_day}: {self.problem}"


def access_log_verify() -> VerifyReport:
    """Recompute every sealed day in order; stop at the first that differs and say why."""
    report = VerifyReport()
    previous_digest = GENESIS
    for sealed in AccessLogDigest.objects.order_by("day").iterator():
        problem = _verify_day(sealed, previous_digest)
        if problem:
            report.first_bad_day, report.problem = sealed.day, problem
            return report
        report.checked += 1
        report.days.append(sealed.day)
        previous_digest = sealed.digest
    return report


def _verify_day(sealed: AccessLogDigest, previous_digest: str) -> str:
    if sealed.previous_digest != previous_digest:
        return "its previous digest does not match the day sealed before it (a digest changed or removed)"
    now = day_hash(sealed.day, previous_digest)
    if now.digest != sealed.digest:
        return (
            f"its rows no longer hash to the sealed digest ({now.rows} rows now, ids {now.first_id} to "
            f"{now.last_id}; sealed {sealed.rows} rows, ids {sealed.first_id} to {sealed.last_id})"
        )
    return ""
