"""Checks and idempotent set-up of a source: publication, replica identity, pgoutput slot.

Plain psycopg2 (no Django): `check` lists what is missing in words an operator can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg2
from psycopg2 import sql


class SetupError(RuntimeError):
    """The source cannot be captured as it is; the message says what to change."""


class NotSetUp(SetupError):
    """Set-up is missing or broken (no slot, no snapshot): waiting will not help, so no retry."""


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing_full_identity: list[str] = field(default_factory=list)


def lsn_to_int(text: str) -> int:
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def int_to_lsn(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def connect(dsn: str, **kwargs):
    try:
        return psycopg2.connect(dsn, **kwargs)
    except psycopg2.OperationalError as exc:
        raise SetupError(f"Cannot connect to the source ({dsn}): {str(exc).strip()}") from exc


def check(conn, tables: list[str], *, want_full_identity: bool = True) -> CheckResult:
    """What stops capture (problems) or weakens it (warnings)."""
    result = CheckResult()
    with conn.cursor() as cur:
        cur.execute("show wal_level")
        level = cur.fetchone()[0]
        if level != "logical":
            result.problems.append(
                f"wal_level is '{level}', logical decoding needs 'logical': set "
                "wal_level = logical in postgresql.conf and restart the server."
            )
        cur.execute(
            "select current_user, rolreplication, rolsuper from pg_roles where rolname = current_user"
        )
        user, replication, superuser = cur.fetchone()
        if not (replication or superuser):
            result.problems.append(
                f"Role '{user}' may not stream changes: ALTER ROLE {user} REPLICATION "
                "(and allow it a replication connection in pg_hba.conf)."
            )
        if not tables:
            result.problems.append("No tables are configured for this source.")
        for table in tables:
            _check_table(cur, table, user, superuser, want_full_identity, result)
    return result


def _check_table(cur, table, user, superuser, want_full, result: CheckResult) -> None:
    cur.execute("select to_regclass(%s)", [table])
    if cur.fetchone()[0] is None:
        result.problems.append(f"Table {table} does not exist at the source.")
        return
    cur.execute(
        """select c.relreplident, pg_get_userbyid(c.relowner),
                  exists(select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary),
                  has_table_privilege(c.oid, 'SELECT')
           from pg_class c where c.oid = to_regclass(%s)""",
        [table],
    )
    identity, owner, has_pk, can_select = cur.fetchone()
    if not can_select:
        result.problems.append(
            f"Role '{user}' cannot read {table} (needed for the snapshot): GRANT SELECT ON {table}."
        )
    if owner != user and not superuser:
        result.problems.append(
            f"{table} is owned by '{owner}': only its owner or a superuser can add it to a "
            "publication (CREATE PUBLICATION)."
        )
    if identity == "n" or (identity == "d" and not has_pk):
        result.problems.append(
            f"{table} has no replica identity (REPLICA IDENTITY NOTHING or no primary key): "
            f"updates and deletes cannot be captured; ALTER TABLE {table} REPLICA IDENTITY FULL."
        )
    elif identity != "f" and want_full:
        result.missing_full_identity.append(table)
        result.warnings.append(
            f"{table}: before-images carry only the key; ALTER TABLE {table} REPLICA "
            "IDENTITY FULL for whole before-images (cdc_setup --replica-identity-full)."
        )


def set_full_identity(conn, tables: list[str]) -> None:
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(sql.SQL("alter table {} replica identity full").format(_qualified(table)))
    conn.commit()


def ensure_publication(conn, name: str, tables: list[str]) -> str:
    """Create the publication, or make its table list the configured one; returns what was done."""
    targets = sql.SQL(", ").join(_qualified(t) for t in tables)
    with conn.cursor() as cur:
        cur.execute("select 1 from pg_publication where pubname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("create publication {} for table {}").format(sql.Identifier(name), targets))
            action = "created"
        else:
            cur.execute(
                "select schemaname || '.' || tablename from pg_publication_tables where pubname = %s", [name]
            )
            current = sorted(r[0] for r in cur.fetchall())
            if current == sorted(_normal(t) for t in tables):
                return "unchanged"
            cur.execute(sql.SQL("alter publication {} set table {}").format(sql.Identifier(name), targets))
            action = "updated"
    conn.commit()
    return action


def slot_info(conn, slot: str) -> dict | None:
    with conn.cursor() as cur:
        cur.execute(
            """select plugin, confirmed_flush_lsn::text, restart_lsn::text, active, database,
                      database = current_database()
               from pg_replication_slots where slot_name = %s""",
            [slot],
        )
        row = cur.fetchone()
    if row is None:
        return None
    if not row[5]:
        raise NotSetUp(
            f"Slot name '{slot}' is taken by database '{row[4]}' of this server; "
            "slots are server-wide: give this source another name."
        )
    return {"plugin": row[0], "confirmed_flush_lsn": row[1], "restart_lsn": row[2], "active": row[3]}


def drop_slot(conn, slot: str) -> None:
    with conn.cursor() as cur:
        cur.execute("select pg_drop_replication_slot(%s)", [slot])
    conn.commit()


def lag(conn, slot: str) -> tuple[int, int] | None:
    """(bytes not yet confirmed, bytes of WAL the slot retains) — None when the slot is missing."""
    with conn.cursor() as cur:
        cur.execute(
            """select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,
                      pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint
               from pg_replication_slots where slot_name = %s""",
            [slot],
        )
        row = cur.fetchone()
    conn.rollback()
    return (max(row[0], 0), max(row[1], 0)) if row else None


def _normal(table: str) -> str:
    return table if "." in table else f"public.{table}"


def _qualified(table: str) -> sql.Composable:
    schema, name = _normal(table).split(".", 1)
    return sql.Identifier(schema, name)
