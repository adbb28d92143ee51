"""Audit trail extracts for inspectors: filter, verify, log the export, stream CSV.

Constant memory: rows are read in `seq` order in keyset batches and written line by line, so
an extract of millions of entries never sits in memory. Every cell that a spreadsheet could
take for a formula is neutralised.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.chain import ChainReport, chain_verify
from accounts.models import AuditChainHead, AuditEntry

ACTIONS = {label.replace(" ", "_"): code for code, label in AuditEntry.Action.choices}
COLUMNS = [
    "seq",
    "timestamp_utc",
    "actor",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "object",
    "changes",
    "reason",
    "remote_addr",
    "details",
    "entry_hash",
]
_FIELDS = [
    "seq",
    "timestamp",
    "actor__username",
    "actor_email",
    "action",
    "content_type_id",
    "object_pk",
    "object_repr",
    "changes",
    "reason",
    "remote_addr",
    "additional_data",
    "entry_hash",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ACTION_LABELS = dict(AuditEntry.Action.choices)


class ExtractFilterError(ValueError):
    """A filter value that names nothing: unknown user, action or object type, or bad dates."""


@dataclass(frozen=True)
class AuditFilter:
    """What an inspector asked for. Dates are inclusive, in UTC."""

    date_from: date | None = None
    date_to: date | None = None
    user: str = ""
    action: str = ""
    object_type: str = ""

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in asdict(self).items() if v]
        return "; ".join(parts) or "none (whole trail)"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_extract_queryset(flt: AuditFilter):
    """The filtered entries, validated: a name that matches nothing is an error, not an empty file."""
    qs = AuditEntry.objects.all()
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ExtractFilterError("The start date lies after the end date.")
    if flt.date_from:
        qs = qs.filter(timestamp__gte=_day_start(flt.date_from))
    if flt.date_to:
        qs = qs.filter(timestamp__lt=_day_start(flt.date_to + timedelta(days=1)))
    if flt.user:
        user = get_user_model().objects.filter(username__iexact=flt.user).first()
        if user is None:
            raise ExtractFilterError(f"No user named {flt.user!r}.")
        qs = qs.filter(actor=user)
    if flt.action:
        if flt.action not in ACTIONS:
            raise ExtractFilterError(f"Unknown action {flt.action!r}: use one of {', '.join(ACTIONS)}.")
        qs = qs.filter(action=ACTIONS[flt.action])
    if flt.object_type:
        app_label, _, model = flt.object_type.lower().partition(".")
        ct = ContentType.objects.filter(app_label=app_label, model=model).first()
        if ct is None:
            raise ExtractFilterError(f"Unknown object type {flt.object_type!r} (use app_label.model).")
        qs = qs.filter(content_type=ct)
    return qs


def csv_safe(value) -> str:
    """Text for one cell; a leading = + - @ (or tab/CR) gets a ' so no spreadsheet runs it."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _json_cell(value) -> str:
    return "" if value in (None, {}, []) else json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _cells(row) -> list[str]:
    seq, ts, username, email, action, ct_id, pk, repr_, changes, reason, addr, extra, digest = row
    ct = ContentType.objects.get_for_id(ct_id)
    return [
        str(seq),
        ts.astimezone(UTC).isoformat(timespec="milliseconds"),
        csv_safe(username),
        csv_safe(email),
        _ACTION_LABELS.get(action, str(action)),
        f"{ct.app_label}.{ct.model}",
        csv_safe(pk),
        csv_safe(repr_),
        csv_safe(_json_cell(changes)),
        csv_safe(reason),
        csv_safe(addr),
        csv_safe(_json_cell(extra)),
        digest,
    ]


def audit_extract_lines(
    qs, *, flt: AuditFilter, exporter: str, report: ChainReport, upto: int, batch_size=2000
) -> Iterator[str]:
    """The CSV, line by line: header lines, column names, then the matching entries up to `upto`.

    `upto` is the chain position when the export started: entries written later (this
    export's own entry among them) belong to the next extract.
    """
    writer = csv.writer(_Line())
    exported_at = timezone.now()
    yield "\ufeff"  # UTF-8 byte order mark: spreadsheet programs then read the accents right
    yield writer.writerow(["# Custodian audit trail extract"])
    yield writer.writerow(["# filter", csv_safe(flt.describe())])
    yield writer.writerow(["# exported_at_utc", exported_at.astimezone(UTC).isoformat(timespec="seconds")])
    yield writer.writerow(["# exported_by", csv_safe(exporter)])
    yield writer.writerow(["# chain_verification", csv_safe(report.summary())])
    yield writer.writerow(["# entries_up_to_seq", str(upto)])
    yield writer.writerow(COLUMNS)
    qs = qs.filter(seq__lte=upto).order_by("seq").values_list(*_FIELDS)
    last = 0
    while True:
        batch = list(qs.filter(seq__gt=last)[:batch_size])
        for row in batch:
            yield writer.writerow(_cells(row))
        if len(batch) < batch_size:
            return
        last = batch[-1][0]


def audit_export(*, flt: AuditFilter, actor, verify=chain_verify) -> Iterator[str]:
    """Validate the filter, verify the chain, record the export in the trail, return the lines.

    Raises ExtractFilterError before anything is logged when the filter is bad.
    """
    qs = audit_extract_queryset(flt)
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    report = verify()
    audit_event_record(
        action=AuditEntry.Action.EXPORT,
        obj=head,
        actor=actor,
        data={"format": "csv", "filter": asdict(flt) | _iso_dates(flt), "chain_ok": report.ok},
    )
    exporter = f"{actor.get_username()} ({actor.get_full_name() or actor.get_username()})"
    return audit_extract_lines(qs, flt=flt, exporter=exporter, report=report, upto=head.seq)


def _iso_dates(flt: AuditFilter) -> dict:
    return {k: v.isoformat() for k, v in (("date_from", flt.date_from), ("date_to", flt.date_to)) if v}
