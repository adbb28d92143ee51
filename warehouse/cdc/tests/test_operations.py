"""Operations: polling task, lag measurement and alert, the admin pages."""

import pytest

from warehouse.cdc.models import CdcEvent, CdcSchemaVersion, CdcSource
from warehouse.cdc.poller import poll_once
from warehouse.cdc.services import CdcStore
from warehouse.cdc.tasks import cdc_monitor, cdc_poll
from warehouse.cdc.tests.conftest import execute
from warehouse.cdc.tests.test_capture import consume, rows, setup_source
from warehouse.lake import Lake

ADMIN_LISTS = ["cdcsource", "cdcschemaversion", "cdcevent"]


def slot_confirmed(dsn):
    return int(execute(dsn, "select confirmed_flush_lsn - '0/0' from pg_replication_slots", fetch=True)[0][0])


@pytest.mark.services("postgres")
@pytest.mark.django_db
def test_polling_task_captures_once_and_advances_the_slot_after_publishing(source_dsn, lake_dir):
    source = setup_source(source_dsn)
    CdcSource.objects.filter(pk=source.pk).update(mode=CdcSource.Mode.POLL)
    execute(
        source_dsn,
        "insert into users values (1, 1, 'a@x.example', now())",
        "update users set email = 'b@x.example' where user_id = 1",
    )

    assert cdc_poll(source.pk) == 2
    assert cdc_poll(source.pk) == 0  # nothing new: no duplicates
    execute(source_dsn, "delete from users where user_id = 1")
    assert cdc_poll(source.pk) == 1

    assert [(r["_op"], r["email"]) for r in rows(lake_dir, "users")] == [
        ("c", "a@x.example"),
        ("u", "b@x.example"),
        ("d", "b@x.example"),
    ]
    source.refresh_from_db()
    assert slot_confirmed(source_dsn) == source.confirmed_lsn and source.changes_total == 3


@pytest.mark.services("postgres")
@pytest.mark.django_db
def test_monitor_alerts_once_when_the_slot_holds_too_much_wal_and_clears_after(source_dsn, lake_dir):
    source = setup_source(source_dsn)
    CdcSource.objects.filter(pk=source.pk).update(lag_alert_bytes=64 * 1024)
    execute(source_dsn, "insert into users select g, 1, 'u' || g, now() from generate_series(1, 5000) g")

    cdc_monitor()
    cdc_monitor()
    source.refresh_from_db()
    assert source.alerting and source.lag_bytes > 64 * 1024 and source.retained_bytes >= source.lag_bytes
    alerts = CdcEvent.objects.filter(source=source, kind=CdcEvent.Kind.ALERT)
    assert alerts.count() == 1 and "slot retains" in alerts.get().message

    consume()
    execute(source_dsn, "checkpoint")  # lets the server move the slot's restart point on
    CdcSource.objects.filter(pk=source.pk).update(lag_alert_bytes=1024**3)
    cdc_monitor()
    source.refresh_from_db()
    assert not source.alerting and source.lag_bytes < 64 * 1024


@pytest.mark.services("postgres")
@pytest.mark.django_db
def test_monitor_records_an_error_when_the_slot_is_gone(source_dsn, lake_dir):
    source = setup_source(source_dsn)
    execute(source_dsn, "select pg_drop_replication_slot('custodian_wo')")
    cdc_monitor()
    source.refresh_from_db()
    assert source.errors_total == 1 and "missing at the source" in source.last_error


def make_sources(n):
    for i in range(n):
        source = CdcSource.objects.create(
            name=f"s{i}_{CdcSource.objects.count()}",
            dsn="host=x",
            tables=["t"],
            snapshot_lsn=1,
            confirmed_lsn=2**32 + 5,
        )
        CdcSchemaVersion.objects.create(
            source=source,
            table="t",
            source_table="public.t",
            version=1,
            columns=[{"name": "id", "type": "bigint"}],
            first_lsn=1,
        )
        CdcEvent.objects.create(source=source, kind=CdcEvent.Kind.SETUP, message="set up")


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_admin_lists_queries_stay_constant_as_rows_grow(
    client, data_steward, django_assert_max_num_queries, model
):
    client.force_login(data_steward)
    make_sources(2)
    url = f"/admin/warehouse/{model}/"
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    make_sources(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_source_page_shows_health_columns(client, compliance_officer):
    make_sources(1)
    CdcSource.objects.update(lag_bytes=5 * 1024**2, alerting=True, throughput=12345)
    client.force_login(compliance_officer)
    page = client.get("/admin/warehouse/cdcsource/").content.decode()
    for text in ("Confirmed LSN", "1/5", "5.0 MB", "ALERT", "12,345", "Heartbeat"):
        assert text in page


def test_steward_changes_batch_size_through_the_admin_and_officer_may_not(
    client, data_steward, compliance_officer
):
    make_sources(1)
    source = CdcSource.objects.get()
    form = {
        "dsn": source.dsn,
        "tables": '["public.t"]',
        "mode": "stream",
        "batch_rows": "777",
        "batch_seconds": "2.5",
        "lag_alert_bytes": "1000",
        "lag_alert_seconds": "60",
    }
    client.force_login(compliance_officer)
    assert client.post(f"/admin/warehouse/cdcsource/{source.pk}/change/", form).status_code == 403
    assert CdcSource.objects.get().batch_rows == 50_000
    client.force_login(data_steward)
    response = client.post(f"/admin/warehouse/cdcsource/{source.pk}/change/", form)
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.batch_rows, source.batch_seconds, source.tables) == (777, 2.5, ["public.t"])


def test_outsider_reaches_no_cdc_page(client, outsider):
    make_sources(1)
    client.force_login(outsider)
    for model in ADMIN_LISTS:
        assert client.get(f"/admin/warehouse/{model}/").status_code in (302, 403)


class Crash(Exception):
    pass


class FailingStore(CdcStore):
    def published(self, end_lsn, counts, seconds):
        raise Crash  # files are in the lake, the checkpoint is not


@pytest.mark.services("postgres")
@pytest.mark.django_db
def test_polling_interrupted_after_writing_leaves_the_slot_and_replays_without_duplicates(
    source_dsn, lake_dir
):
    source = setup_source(source_dsn)
    execute(source_dsn, "insert into users select g, 1, 'u' || g, now() from generate_series(1, 3) g")
    before = slot_confirmed(source_dsn)
    with pytest.raises(Crash):
        poll_once(dsn=source.dsn, source=source.name, slot=source.slot, publication=source.publication,
                  lake=Lake(str(lake_dir)), store=FailingStore(source))  # fmt: skip
    assert slot_confirmed(source_dsn) == before and len(rows(lake_dir, "users")) == 3

    assert cdc_poll(source.pk) == 3
    assert sorted(r["user_id"] for r in rows(lake_dir, "users")) == [1, 2, 3]
    assert CdcEvent.objects.filter(source=source, kind=CdcEvent.Kind.RECOVERED).count() == 1
