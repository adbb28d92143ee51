"""The hash chain over the audit trail: canonical form, sealing a new entry, verification.

Each entry's hash is SHA-256 over a canonical JSON serialisation of its content, which includes
its position `seq` and the hash of the entry before it. Changing, deleting or reordering any
entry therefore breaks the link at that entry, and `chain_verify` names the first one.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import UTC

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS

from accounts.models.trail import GENESIS_HASH, AuditChainHead, AuditEntry

# The fields the hash covers, in the order `values_list` reads them during verification.
CHAIN_FIELDS = (
    "id",
    "seq",
    "prev_hash",
    "entry_hash",
    "timestamp",
    "action",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "changes_text",
    "changes",
    "actor_id",
    "actor_email",
    "cid",
    "remote_addr",
    "remote_port",
    "additional_data",
    "reason",
)
_JSON_FIELDS = ("serialized_data", "changes", "additional_data")


def _json_roundtrip(value):
    """What a JSON column gives back after saving: hash that, not the Python object before it."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _content_type_label(content_type_id) -> str:
    # The natural key, not the id, so a dump and reload into another database still verifies.
    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}"


def canonical(row: dict) -> bytes:
    """The bytes that are hashed: sorted keys, no whitespace, UTF-8, UTC microsecond time."""
    content = {name: row[name] for name in CHAIN_FIELDS if name not in ("id", "entry_hash")}
    content["timestamp"] = row["timestamp"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content["content_type_id"] = _content_type_label(row["content_type_id"])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_digest(row: dict) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def chain_append(entry: AuditEntry, using=None) -> None:
    """Give `entry` the next position and its hash, holding the chain head until commit."""
    using = using or DEFAULT_DB_ALIAS
    head, _ = AuditChainHead.objects.using(using).select_for_update().get_or_create(pk=1)
    for name in _JSON_FIELDS:
        setattr(entry, name, _json_roundtrip(getattr(entry, name)))
    entry.object_pk = str(entry.object_pk)  # auditlog passes the raw pk; the column is text
    if entry.remote_addr:
        entry.remote_addr = str(ipaddress.ip_address(entry.remote_addr))
    # Milliseconds, as Django's JSON serialisation keeps them: a dumped and reloaded entry (a
    # backup, a test fixture) then carries exactly the time that was hashed. `seq` orders.
    ts = entry.timestamp.astimezone(UTC)
    entry.timestamp = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
    entry.seq = head.seq + 1
    entry.prev_hash = head.last_hash
    entry.entry_hash = entry_digest({name: getattr(entry, name) for name in CHAIN_FIELDS})
    head.seq, head.last_hash = entry.seq, entry.entry_hash
    head.save(using=using, update_fields=["seq", "last_hash"])


@dataclass
class ChainReport:
    """The outcome of a verification: how many entries were checked and the first broken link."""

    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problem

    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.checked} entries, chain intact up to #{self.last_seq} ({self.last_hash[:16]}…)"
        return f"BROKEN at entry #{self.broken_seq} (id {self.broken_id}): {self.problem}"

    def _break(self, seq, entry_id, problem):
        self.broken_seq, self.broken_id, self.problem = seq, entry_id, problem


def _check_row(report: ChainReport, row: dict) -> bool:
    expected_seq = report.last_seq + 1
    if row["seq"] != expected_seq:
        report._break(
            expected_seq,
            row["id"],
            f"entry #{expected_seq} is missing: the next entry found is #{row['seq']} "
            "(deleted or renumbered)",
        )
    elif row["prev_hash"] != report.last_hash:
        report._break(row["seq"], row["id"], "its previous-hash does not match the entry before it")
    elif entry_digest(row) != row["entry_hash"]:
        report._break(row["seq"], row["id"], "its content does not match its hash (changed)")
    else:
        report.checked += 1
        report.last_seq, report.last_hash = row["seq"], row["entry_hash"]
        return True
    return False


def chain_verify(*, batch_size: int = 5000, using=None) -> ChainReport:
    """Recompute the whole chain in `seq` order with constant memory; stop at the first break."""
    using = using or DEFAULT_DB_ALIAS
    report = ChainReport()
    entries = AuditEntry.objects.using(using).order_by("seq")
    while True:
        rows = list(entries.filter(seq__gt=report.last_seq).values(*CHAIN_FIELDS)[:batch_size])
        for row in rows:
            if not _check_row(report, row):
                return report
        if len(rows) < batch_size:
            break
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq, head.last_hash) != (report.last_seq, report.last_hash):
        report._break(
            report.last_seq + 1,
            None,
            f"the chain head records entry #{head.seq} but the trail ends at #{report.last_seq} "
            "(newest entries deleted)",
        )
    return report
