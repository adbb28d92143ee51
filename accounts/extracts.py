"""Audit trail extracts for inspectors: filter, verify, log the export, stream CSV.

Constant memory: the cells are computed by the database (accounts.extract_cells); PostgreSQL
streams the CSV with COPY, other databases are read in windows of `seq`. Every cell that a
spreadsheet could take for a formula is neutralised.
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.utils import timezone

from accounts.audit import audit_event_record
from accounts.chain import ChainReport, chain_verify
from accounts.extract_cells import CELLS, FORMULA_START
from accounts.models import AuditChainHead, AuditEntry

ACTIONS = {label.replace(" ", "_"): code for code, label in AuditEntry.Action.choices}
COLUMNS = list(CELLS)
_FORMULA_START = frozenset(FORMULA_START)


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


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _cells_queryset(qs, upto: int):
    aliases = {f"cell_{name}": expr for name, expr in CELLS.items()}
    return qs.filter(seq__lte=upto).order_by("seq").annotate(**aliases).values_list(*aliases)


def _copy_chunks(cells) -> Iterator[str]:
    """PostgreSQL writes the CSV itself (COPY … TO STDOUT): we only pass its blocks on."""
    sql, params = cells.query.sql_with_params()
    decoder = codecs.getincrementaldecoder("utf-8")()  # a block may end inside a character
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with connections[cells.db].cursor() as cursor, cursor.cursor.copy(copy_sql, params) as copy:
        for block in copy:
            yield decoder.decode(bytes(block))
    yield decoder.decode(b"", final=True)


def _window_chunks(cells, writer, upto: int, size: int) -> Iterator[str]:
    # Windows of `seq`: each query reads one index range, whatever the filter or the planner.
    for start in range(0, upto, size):
        rows = cells.filter(seq__gt=start, seq__lte=start + size)
        yield "".join([writer.writerow(row) for row in rows])


def audit_extract_lines(
    qs, *, flt: AuditFilter, exporter: str, report: ChainReport, upto: int, batch_size=5000
) -> Iterator[str]:
    """The CSV, chunk by chunk: header lines, column names, then the matching entries up to `upto`.

    `upto` is the chain position when the export started: entries written later (this
    export's own entry among them) belong to the next extract.
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield "\ufeff"  # UTF-8 byte order mark: spreadsheet programs then read the accents right
    yield writer.writerow(["# Custodian audit trail extract"])
    yield writer.writerow(["# filter", csv_safe(flt.describe())])
    yield writer.writerow(["# exported_at_utc", timezone.now().astimezone(UTC).isoformat(timespec="seconds")])
    yield writer.writerow(["# exported_by", csv_safe(exporter)])
    yield writer.writerow(["# chain_verification", csv_safe(report.summary())])
    yield writer.writerow(["# entries_up_to_seq", str(upto)])
    yield writer.writerow(COLUMNS)
    cells = _cells_queryset(qs, upto)
    if connections[cells.db].vendor == "postgresql":
        yield from _copy_chunks(cells)
    else:
        yield from _window_chunks(cells, writer, upto, batch_size)


def audit_export(*, flt: AuditFilter, actor) -> Iterator[str]:
    """Validate the filter, verify the chain, record the export in the trail, return the lines.

    Raises ExtractFilterError before anything is logged when the filter is bad.
    """
    qs = audit_extract_queryset(flt)
    head, _ = AuditChainHead.objects.get_or_create(pk=1)
    report = chain_verify()
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
