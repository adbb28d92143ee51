"""Audit trail extracts for inspectors: filter, verify, log the export, stream CSV.

Constant memory: rows are read in `seq` order in keyset batches and written line by line, so
an extract of millions of entries never sits in memory. Every cell that a spreadsheet could
take for a formula is neutralised.
"""

import csv
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import TextField
from django.db.models.functions import Cast
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
    "timestamp_text",
    "actor_id",
    "actor_email",
    "action",
    "content_type_id",
    "object_pk",
    "object_repr",
    "changes_json",
    "reason",
    "remote_addr",
    "additional_data_json",
    "entry_hash",
]
_FORMULA_START = frozenset("=+-@\t\r")
# Plain strings once, not lazy translations resolved on every row.
_ACTION_LABELS = {code: str(label) for code, label in AuditEntry.Action.choices}


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
    return "'" + text if text and text[0] in _FORMULA_START else text


def _json_cell(text) -> str:
    # JSON read as the database's text: no decode and re-encode per row.
    return "" if text in (None, "{}", "[]", "null") else text


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _utc_ms(text: str) -> str:
    """'2026-03-02 23:59:00.12+00' (PostgreSQL, session in UTC) or '2026-03-02 23:59:00.120000'
    (SQLite, stored in UTC) as '2026-03-02T23:59:00.120Z'. Reading the time as text and
    reshaping it costs a fraction of parsing a datetime per row and formatting it again."""
    end = 20
    if text[19:20] == ".":
        while end < len(text) and text[end].isdigit():
            end += 1
    return f"{text[:10]}T{text[11:19]}.{(text[20:end] + '000')[:3]}Z"


def _cells(row, usernames: dict, types: dict) -> list[str]:
    seq, ts, actor_id, email, action, ct_id, pk, repr_, changes, reason, addr, extra, digest = row
    if ct_id not in types:
        ct = ContentType.objects.get_for_id(ct_id)
        types[ct_id] = f"{ct.app_label}.{ct.model}"
    return [
        str(seq),
        _utc_ms(ts),
        csv_safe(usernames.get(actor_id)),
        csv_safe(email),
        _ACTION_LABELS.get(action, str(action)),
        types[ct_id],
        csv_safe(pk),
        csv_safe(repr_),
        csv_safe(_json_cell(changes)),
        csv_safe(reason),
        csv_safe(addr),
        csv_safe(_json_cell(extra)),
        digest,
    ]


def _learn_usernames(usernames: dict, batch) -> None:
    """Usernames by actor id, fetched once per new actor instead of joined on every row."""
    missing = {row[2] for row in batch if row[2] is not None} - usernames.keys()
    if missing:
        usernames.update(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))


def audit_extract_lines(
    qs, *, flt: AuditFilter, exporter: str, report: ChainReport, upto: int, batch_size=5000
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
    qs = (
        qs.filter(seq__lte=upto)
        .order_by("seq")
        .annotate(
            timestamp_text=Cast("timestamp", TextField()),
            changes_json=Cast("changes", TextField()),
            additional_data_json=Cast("additional_data", TextField()),
        )
        .values_list(*_FIELDS)
    )
    usernames: dict = {}
    types: dict = {}
    # Windows of `seq`, not LIMIT/OFFSET or "next N after": each query reads at most one
    # window of the index, whatever the filter and whatever the planner believes.
    start = 0
    while start < upto:
        end = min(start + batch_size, upto)
        batch = list(qs.filter(seq__gt=start, seq__lte=end))
        _learn_usernames(usernames, batch)
        # One chunk per window: a few MB at most, and far fewer writes to the socket or file.
        yield "".join([writer.writerow(_cells(row, usernames, types)) for row in batch])
        start = end


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
