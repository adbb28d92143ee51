"""Create the slot and export each table as of the slot's consistent point.

The slot is created over a replication connection with an exported snapshot; while that
connection stays open, an ordinary REPEATABLE READ transaction adopts the snapshot and reads
every table. Streaming then starts at the consistent point: nothing is lost or doubled between
the snapshot and the stream.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from psycopg2 import sql
from psycopg2.extras import LogicalReplicationConnection

from warehouse.cdc import batch, decoder
from warehouse.cdc.source_setup import _normal, connect, lsn_to_int
from warehouse.lake import Lake

CHUNK = 50_000


def relation_of(cur, table: str) -> decoder.Relation:
    """The table's columns as a relation message would describe them."""
    cur.execute(
        """select c.oid, n.nspname, c.relname, c.relreplident from pg_class c
           join pg_namespace n on n.oid = c.relnamespace where c.oid = to_regclass(%s)""",
        [table],
    )
    oid, namespace, name, identity = cur.fetchone()
    cur.execute(
        """select a.attname, a.atttypid, a.atttypmod,
                  coalesce(a.attnum = any(i.indkey), false)
           from pg_attribute a
           left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
           where a.attrelid = %s and a.attnum > 0 and not a.attisdropped order by a.attnum""",
        [oid],
    )
    columns = tuple(decoder.Column(n, t, m, k) for n, t, m, k in cur.fetchall())
    return decoder.Relation(oid, namespace, name, identity, columns)


def create_slot_and_snapshot(
    dsn: str, *, slot: str, tables: list[str], lake: Lake, source: str, schemas: batch.SchemaRegistry
) -> tuple[int, Counter]:
    """Create the pgoutput slot and write every table's rows (op `r`) to the lake; (LSN, rows per table)."""
    delete_snapshot_files(lake, source)  # files of a previous, interrupted attempt
    repl = connect(dsn, connection_factory=LogicalReplicationConnection)
    try:
        with repl.cursor() as rcur:
            rcur.execute(f"CREATE_REPLICATION_SLOT {slot} LOGICAL pgoutput EXPORT_SNAPSHOT")
            _name, consistent_point, snapshot_name, _plugin = rcur.fetchone()
        lsn = lsn_to_int(consistent_point)
        counts = _export(dsn, snapshot_name, tables, lake, source, lsn, schemas)
    finally:
        repl.close()
    return lsn, counts


def _export(dsn, snapshot_name, tables, lake, source, lsn, schemas) -> Counter:
    conn = connect(dsn)
    counts = Counter()
    taken_at = datetime.now(UTC).replace(tzinfo=None)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute("set transaction snapshot %s", [snapshot_name])
            relations = [relation_of(cur, _normal(t)) for t in tables]
        for rel in relations:
            table = batch.lake_table(rel)
            version = schemas.version_for(table, rel, lsn)
            counts[table] = _export_table(conn, rel, lake, source, lsn, version, taken_at)
        conn.commit()
    finally:
        conn.close()
    return counts


def _export_table(conn, rel, lake, source, lsn, version, taken_at) -> int:
    columns = sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c.name)) for c in rel.columns)
    total, chunk_no = 0, 0
    with conn.cursor(name=f"snapshot_{rel.oid}") as cur:
        cur.itersize = CHUNK
        cur.execute(sql.SQL("select {} from {}").format(columns, sql.Identifier(rel.namespace, rel.name)))
        while rows := cur.fetchmany(CHUNK):
            n = len(rows)
            # The first streamed change may sit exactly at the consistent point: snapshot rows
            # come just before it, so "newest change wins" never ties with them.
            group = batch._Group(rel, version, extra=[("r", lsn - 1, taken_at, None, row) for row in rows])
            name = f"cdc-{source}-snap{lsn:016x}-{chunk_no:05d}-v{version}"
            lake.write("raw", batch.lake_table(rel), batch.build_table(group), batch=name)
            total, chunk_no = total + n, chunk_no + 1
    return total


def delete_snapshot_files(lake: Lake, source: str) -> list[str]:
    marker, removed = f"/part-cdc-{source}-snap", []
    for table in lake.tables("raw"):
        for path in lake.files("raw", table):
            if marker in path:
                lake.fs.delete_file(path)
                removed.append(path)
    return removed
