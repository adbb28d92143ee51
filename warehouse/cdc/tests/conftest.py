"""CDC fixtures: a throwaway PostgreSQL cluster (wal_level=logical) per session, a database per test."""

import os
import uuid

import psycopg2
import pytest

from warehouse.cdc.cluster import destroy, pg_bin, start_cluster

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _cluster(wal_level):
    if not pg_bin("initdb"):
        message = "PostgreSQL server binaries (initdb/pg_ctl) are missing; set PG_BIN_DIR"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return start_cluster(wal_level)


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = _cluster("logical")
    yield cluster
    destroy(cluster)


@pytest.fixture(scope="session")
def replica_cluster():
    """A cluster without logical decoding (wal_level=replica), to see set-up refuse it."""
    cluster = _cluster("replica")
    yield cluster
    destroy(cluster)


def execute(dsn: str, *statements, fetch: bool = False):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
            return cur.fetchall() if fetch else None
    finally:
        conn.close()


def fresh_database(cluster) -> str:
    name = f"src_{uuid.uuid4().hex[:10]}"
    execute(cluster.dsn, f"create database {name}")
    return cluster.dsn.replace("dbname=postgres", f"dbname={name}")


@pytest.fixture
def source_dsn(pg_cluster):
    """A new, empty database in the logical cluster with the demo tables of these tests."""
    dsn = fresh_database(pg_cluster)
    execute(
        dsn,
        "create table users (user_id bigint primary key, tenant_id bigint, email text,"
        " created_at timestamptz)",
        "create table tenants (tenant_id bigint primary key, name varchar(40), tier text)",
    )
    yield dsn
    # Slots are server-wide: drop this database's so the next test can use the same names.
    drop_slots(pg_cluster.dsn, dsn.rsplit("dbname=", 1)[1])


def drop_slots(admin_dsn: str, database: str) -> None:
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "select pg_terminate_backend(active_pid) from pg_replication_slots"
            " where database = %s and active_pid is not null",
            [database],
        )
        cur.execute(
            "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = %s",
            [database],
        )
    conn.close()


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.LAKE_URL = str(tmp_path / "lake")
    return tmp_path / "lake"
