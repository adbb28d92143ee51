"""The daily access-log digest: sealing, idempotence, the chain across days, and verification."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import AuditEntry
from warehouse.reads.digest import (
    GENESIS,
    DigestMismatch,
    DigestRefused,
    access_log_digest_seal,
    access_log_verify,
)
from warehouse.reads.models import AccessLog, AccessLogDigest
from warehouse.reads.tasks import access_log_seal

pytestmark = pytest.mark.django_db

MAR_1, MAR_2, MAR_3 = date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 3)


def log_read(user, at: datetime, **kwargs):
    fields = {"purpose": AccessLog.Purpose.DASHBOARD, "outcome": AccessLog.Outcome.ALLOWED,
              "datasets": ["marts.mart_usage"], "row_count": 10, **kwargs}  # fmt: skip
    return AccessLog.objects.create(user=user, at=at, **fields)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def tamper(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{log}", AccessLog._meta.db_table), params)


@pytest.fixture
def reads(executive, data_steward):
    return [
        log_read(executive, at(MAR_1, 9)),
        log_read(data_steward, at(MAR_1, 23), outcome=AccessLog.Outcome.DENIED, message="no policy"),
        log_read(executive, at(MAR_2, 0)),
    ]


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_sealing_a_day_also_seals_missed_days_before_it_in_a_chain(reads):
    written = access_log_digest_seal(MAR_2)

    assert [d.day for d in written] == [MAR_1, MAR_2]
    first, second = written
    assert (first.rows, first.first_id, first.last_id) == (2, reads[0].pk, reads[1].pk)
    assert (second.rows, second.first_id, second.last_id) == (1, reads[2].pk, reads[2].pk)
    assert first.previous_digest == GENESIS
    assert second.previous_digest == first.digest
    assert first.digest != second.digest


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_each_seal_writes_an_audit_trail_entry_carrying_the_digest(reads):
    access_log_digest_seal(MAR_2)

    entries = AuditEntry.objects.filter(object_repr__startswith="Access log").order_by("seq")
    data = [e.additional_data for e in entries]
    assert [d["access_log_day"] for d in data] == ["2027-03-01", "2027-03-02"]
    sealed = {d.day.isoformat(): d.digest for d in AccessLogDigest.objects.all()}
    assert [d["digest"] for d in data] == [sealed["2027-03-01"], sealed["2027-03-02"]]


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_sealing_again_changes_nothing(reads):
    access_log_digest_seal(MAR_2)
    digests = list(AccessLogDigest.objects.values())
    trail = AuditEntry.objects.count()

    assert access_log_digest_seal(MAR_2) == []
    assert access_log_digest_seal(MAR_1) == []
    assert list(AccessLogDigest.objects.values()) == digests
    assert AuditEntry.objects.count() == trail


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_resealing_a_changed_day_fails_loudly_and_changes_nothing(reads):
    access_log_digest_seal(MAR_2)
    tamper("UPDATE {log} SET row_count = 99999 WHERE id = %s", reads[2].pk)

    with pytest.raises(DigestMismatch, match="2027-03-02 no longer matches"):
        access_log_digest_seal(MAR_2)
    assert AccessLogDigest.objects.count() == 2


@time_machine.travel(at(MAR_2, 23), tick=False)
def test_a_day_not_over_yet_is_refused(reads):
    with pytest.raises(DigestRefused, match="not over yet"):
        access_log_digest_seal(MAR_2)
    assert not AccessLogDigest.objects.exists()


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_a_day_before_the_last_sealed_one_is_refused(executive):
    access_log_digest_seal(MAR_2)  # no reads at all: MAR_2 alone is sealed, with no rows
    assert AccessLogDigest.objects.get().rows == 0

    with pytest.raises(DigestRefused, match="chain only grows forward"):
        access_log_digest_seal(MAR_1)


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_the_beat_task_seals_yesterday_and_missed_days(reads):
    assert access_log_seal.delay().get() == ["2027-03-01", "2027-03-02"]
    assert access_log_seal.delay().get() == []


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_verify_passes_on_an_untouched_log(reads, capsys):
    access_log_digest_seal(MAR_2)

    report = access_log_verify()
    assert report.ok and report.checked == 2
    call_command("access_log_verify")
    assert "OK: 2 sealed days" in capsys.readouterr().out


@pytest.mark.parametrize(
    "sql, problem",
    [
        ("UPDATE {log} SET purpose = 'export' WHERE id = %s", "rows no longer hash"),
        ("DELETE FROM {log} WHERE id = %s", "1 rows now"),
    ],
    ids=["changed", "deleted"],
)
@time_machine.travel(at(MAR_3, 0), tick=False)
def test_verify_names_the_first_day_that_differs(reads, sql, problem):
    access_log_digest_seal(MAR_2)
    tamper(sql, reads[1].pk)

    report = access_log_verify()
    assert report.first_bad_day == MAR_1
    assert problem in report.problem
    with pytest.raises(CommandError, match="MISMATCH on 2027-03-01"):
        call_command("access_log_verify")


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_verify_finds_a_read_slipped_into_a_sealed_day(reads, executive):
    access_log_digest_seal(MAR_2)
    log_read(executive, at(MAR_2, 5))  # written as if on a sealed day

    assert access_log_verify().first_bad_day == MAR_2


@time_machine.travel(at(MAR_3, 0), tick=False)
def test_verify_finds_a_rewritten_digest(reads):
    access_log_digest_seal(MAR_2)
    AccessLogDigest.objects.filter(day=MAR_1).update(digest="f" * 64)

    report = access_log_verify()
    assert report.first_bad_day == MAR_1


def test_beat_seals_shortly_after_midnight_utc(settings):
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["warehouse-access-log-seal"]
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {10})
