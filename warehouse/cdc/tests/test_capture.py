"""Set-up, snapshot and streaming against a real PostgreSQL with wal_level=logical."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from warehouse.cdc.models import CdcEvent, CdcSource
from warehouse.cdc.tests.conftest import execute
from warehouse.lake import Lake

pytestmark = [pytest.mark.services("postgres"), pytest.mark.django_db]


def setup_source(dsn, name="wo", tables=("public.users", "public.tenants"), **kwargs):
    args = ["--source", name, "--dsn", dsn, "--replica-identity-full", "--batch-seconds", "0.3"]
    for table in tables:
        args += ["--table", table]
    call_command("cdc_setup", *args, **kwargs)
    return CdcSource.objects.get(name=name)


def consume(name="wo"):
    call_command("cdc_consume", "--source", name, "--until-idle", "1.5", "--max-attempts", "1")


def rows(lake_dir, table):
    data = Lake(str(lake_dir)).read("raw", table)
    return sorted(data.to_pylist(), key=lambda r: (r["_lsn"], r["_op"])) if data.num_rows else []


def test_setup_snapshots_existing_rows_then_streams_the_rest(source_dsn, lake_dir):
    execute(source_dsn, "insert into tenants values (1, 'Acme', 'growth'), (2, 'Beta', 'starter')")
    source = setup_source(source_dsn)
    execute(source_dsn, "insert into tenants values (3, 'Gamma', 'starter')")
    consume()

    tenants = rows(lake_dir, "tenants")
    assert [(r["_op"], r["tenant_id"], r["name"]) for r in tenants] == [
        ("r", 1, "Acme"),
        ("r", 2, "Beta"),
        ("c", 3, "Gamma"),
    ]
    assert tenants[0]["_lsn"] == source.snapshot_lsn - 1 and tenants[2]["_lsn"] >= source.snapshot_lsn
    source.refresh_from_db()
    assert source.changes_total == 1 and source.confirmed_lsn > source.snapshot_lsn
    assert CdcEvent.objects.filter(source=source, kind=CdcEvent.Kind.SNAPSHOT).count() == 1


def test_inserts_updates_deletes_truncates_arrive_with_values_and_order(source_dsn, lake_dir):
    setup_source(source_dsn)
    execute(
        source_dsn,
        "insert into users values (10, 1, 'a@x.example', '2026-03-01 10:00:00+02')",
        "update users set email = 'b@x.example' where user_id = 10",
        "delete from users where user_id = 10",
        "insert into users values (11, 1, 'c@x.example', null)",
        "truncate users",
    )
    consume()

    changes = rows(lake_dir, "users")
    assert [(r["_op"], r["user_id"], r["email"]) for r in changes] == [
        ("c", 10, "a@x.example"),
        ("u", 10, "b@x.example"),
        ("d", 10, "b@x.example"),
        ("c", 11, "c@x.example"),
        ("t", None, None),
    ]
    insert, update, delete = changes[:3]
    assert insert["created_at"] == datetime(2026, 3, 1, 8, 0)  # stored as UTC
    assert insert["_before"] is None
    assert update["_before"]["email"] == "a@x.example"  # REPLICA IDENTITY FULL before-image
    assert delete["_before"] == {"user_id": 10, "tenant_id": 1, "email": "b@x.example",
                                 "created_at": datetime(2026, 3, 1, 8, 0)}  # fmt: skip
    assert len({r["_xid"] for r in changes}) == 5  # five autocommitted transactions
    assert all(r["_changed_at"] <= datetime.now(UTC).replace(tzinfo=None) for r in changes)


def test_multi_table_transaction_stays_together(source_dsn, lake_dir):
    setup_source(source_dsn)
    execute(
        source_dsn,
        "begin",
        "insert into tenants values (7, 'Seven', 'growth')",
        "insert into users values (70, 7, 'u70@x.example', now())",
        "update tenants set tier = 'enterprise' where tenant_id = 7",
        "commit",
    )
    consume()

    tenants, users = rows(lake_dir, "tenants"), rows(lake_dir, "users")
    together = tenants + users
    assert len(together) == 3 and len({r["_xid"] for r in together}) == 1
    assert len({r["_changed_at"] for r in together}) == 1  # the commit time, shared
    assert [r["_op"] for r in sorted(together, key=lambda r: r["_lsn"])] == ["c", "c", "u"]
    paths = Lake(str(lake_dir)).files("raw", "tenants") + Lake(str(lake_dir)).files("raw", "users")
    streamed = [p for p in paths if "-snap" not in p]
    assert (
        len({p.rsplit("/part-", 1)[1].rsplit("-v", 1)[0] for p in streamed}) == 1
    )  # one batch, one LSN range


def test_setup_is_idempotent(source_dsn, lake_dir):
    setup_source(source_dsn)
    setup_source(source_dsn)
    slots = execute(source_dsn, "select slot_name, plugin from pg_replication_slots", fetch=True)
    pubs = execute(source_dsn, "select pubname from pg_publication", fetch=True)
    assert slots == [("custodian_wo", "pgoutput")] and pubs == [("custodian_wo",)]
    assert CdcEvent.objects.filter(kind=CdcEvent.Kind.SNAPSHOT).count() == 1


def test_setup_refuses_wrong_wal_level_and_says_what_to_do(replica_cluster, lake_dir):
    execute(replica_cluster.dsn, "create table if not exists users (user_id bigint primary key)")
    with pytest.raises(CommandError, match=r"wal_level is 'replica'.*set wal_level = logical"):
        setup_source(replica_cluster.dsn, tables=["public.users"])
    assert execute(replica_cluster.dsn, "select count(*) from pg_publication", fetch=True) == [(0,)]
    assert not CdcSource.objects.get(name="wo").snapshot_lsn


def test_setup_refuses_missing_rights_and_identity(source_dsn, lake_dir):
    execute(
        source_dsn, "create role weak login", "create table nokey (v int)", "grant select on users to weak"
    )
    weak = source_dsn.replace("user=postgres", "user=weak")
    with pytest.raises(CommandError) as caught:
        setup_source(weak, tables=["public.users", "public.nokey", "public.missing"])
    message = str(caught.value)
    assert "ALTER ROLE weak REPLICATION" in message
    assert "public.users is owned by 'postgres'" in message
    assert "public.nokey has no replica identity" in message and "cannot read public.nokey" in message
    assert "Table public.missing does not exist" in message
    assert execute(source_dsn, "select count(*) from pg_replication_slots", fetch=True) == [(0,)]


def test_consumer_without_slot_says_to_run_setup(source_dsn, lake_dir):
    setup_source(source_dsn)
    execute(source_dsn, "select pg_drop_replication_slot('custodian_wo')")
    with pytest.raises(CommandError, match=r"does not exist at the source: run `manage\.py cdc_setup`"):
        consume()


def test_consumer_before_setup_is_refused(source_dsn, lake_dir):
    CdcSource.objects.create(name="wo", dsn=source_dsn, tables=["public.users"])
    with pytest.raises(CommandError, match="no initial snapshot"):
        consume()
