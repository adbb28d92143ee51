"""Saving a schedule: its beat task in step, and recipients outside the organisation refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from accounts import roles
from accounts.tests.factories import UserFactory
from reporting.models import ReportDelivery, ReportSchedule
from reporting.schedules.cadence import cadence_words, next_slot, slot_at
from reporting.schedules.services import schedule_delete, schedule_save
from reporting.tests.schedules.world import saved_report, weekly


def crontab_of(schedule) -> tuple:
    c = PeriodicTask.objects.get(pk=schedule.periodic_task_id).crontab
    return (c.minute, c.hour, c.day_of_week, c.day_of_month, c.month_of_year, str(c.timezone))


def refused_messages(excinfo) -> list[str]:
    return excinfo.value.message_dict["recipients"]


def test_a_weekly_schedule_gets_an_enabled_utc_crontab_task_for_itself(owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner], hour=6, weekday=5)
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert (task.task, json.loads(task.kwargs), task.enabled) == (
        "reporting.tasks.deliver_schedule", {"schedule_id": schedule.pk}, True,
    )  # fmt: skip
    assert crontab_of(schedule) == ("0", "6", "5", "*", "*", "UTC")
    assert cadence_words(schedule) == "Weekly on Friday at 06:00 UTC"


def test_changing_the_cadence_moves_the_task_and_deactivating_disables_it(owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    schedule_save(actor=owner, schedule=schedule, recipient_users=[owner], cadence="monthly", day_of_month=15)
    assert crontab_of(schedule) == ("0", "7", "*", "15", "*", "UTC")
    schedule_save(actor=owner, schedule=schedule, recipient_users=[owner], cadence="daily", active=False)
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert crontab_of(schedule)[:4] == ("0", "7", "*", "*") and task.enabled is False
    assert PeriodicTask.objects.filter(task="reporting.tasks.deliver_schedule").count() == 1


def test_deleting_a_schedule_removes_its_task_but_one_with_deliveries_is_kept(owner):
    first = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    second = weekly(owner, first.report, recipients=[owner], name="Kept")
    ReportDelivery.objects.create(schedule=second, due_at=datetime(2026, 5, 4, 7, tzinfo=UTC), status="sent")
    schedule_delete(schedule=first, actor=owner)
    assert not PeriodicTask.objects.filter(name=f"reporting-schedule-{first.pk}").exists()
    with pytest.raises(ValidationError, match="deactivate the schedule instead"):
        schedule_delete(schedule=second, actor=owner)
    assert ReportSchedule.objects.filter(pk=second.pk).exists() and PeriodicTask.objects.count() == 1


def test_a_customer_schedule_refuses_people_of_another_organisation_and_saves_nothing(
    owner, chloe, stranger, customer_org
):
    with pytest.raises(ValidationError) as excinfo:
        weekly(owner, saved_report(owner, "arr"), recipients=[chloe, stranger], organization=customer_org)
    assert refused_messages(excinfo) == ["Sid Stranger: not a member of Helix Pharma"]
    assert not ReportSchedule.objects.exists() and not PeriodicTask.objects.exists()


def test_an_internal_schedule_refuses_customers_and_non_staff_addresses(owner, chloe):
    addresses = "chloe@example.test\nnobody@elsewhere.test\nnot-an-address"
    with pytest.raises(ValidationError) as excinfo:
        weekly(owner, saved_report(owner, "arr"), recipients=[owner], recipient_addresses=addresses)
    assert refused_messages(excinfo) == [
        "not-an-address: not an e-mail address",
        "chloe@example.test: internal reports go only to staff of our own organisation",
        "nobody@elsewhere.test: not the e-mail address of any user of this organisation",
    ]
    assert not ReportSchedule.objects.exists()


def test_a_schedule_without_any_recipient_is_refused(owner, internal_org):
    empty_role = Group.objects.get(name=roles.EXECUTIVE)  # nobody holds it here
    with pytest.raises(ValidationError) as excinfo:
        schedule_save(
            actor=owner,
            name="Nobody",
            owner=owner,
            report=saved_report(owner, "arr"),
            recipient_roles=[empty_role],
        )
    assert "Nobody would receive this schedule" in refused_messages(excinfo)[0]


def test_a_role_reaches_only_its_active_members_of_the_organisation(owner, customer_org, chloe, stranger):
    UserFactory(username="gone", role=roles.CUSTOMER_VIEWER, organization=customer_org, is_active=False)
    viewers = Group.objects.get(name=roles.CUSTOMER_VIEWER)
    schedule = schedule_save(
        actor=owner, name="Helix monthly", owner=owner, report=saved_report(owner, "arr"),
        organization=customer_org, cadence="monthly", recipient_roles=[viewers],
    )  # fmt: skip
    from reporting.schedules.delivery import schedule_recipients

    found = schedule_recipients(schedule)
    assert (found.addresses, found.refused) == (["chloe@example.test"], [])


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"dashboard": "executive"}, "dashboard", "not both"),
        ({"dashboard": "compliance", "report": "none"}, "dashboard", "cannot be scheduled"),
        ({"hour": 24}, "hour", "0 to 23"),
        ({"cadence": "monthly", "day_of_month": 31}, "day_of_month", "1 to 28"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(owner, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        report = None if fields.pop("report", "") == "none" else saved_report(owner, "arr")
        weekly(owner, report, recipients=[owner], **fields)
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not ReportSchedule.objects.exists() and not PeriodicTask.objects.exists()


def test_a_schedule_of_a_customer_owned_by_a_non_staff_user_is_refused(chloe, customer_org):
    with pytest.raises(ValidationError) as excinfo:
        weekly(chloe, saved_report(chloe, "arr"), recipients=[chloe], organization=customer_org)
    assert "active member of staff" in excinfo.value.message_dict["owner"][0]


MONTHLY_1, MONTHLY_28 = {"cadence": "monthly", "day_of_month": 1}, {"cadence": "monthly", "day_of_month": 28}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "now", "slot", "following"),
    [
        ({"cadence": "daily"}, utc(2026, 5, 4, 6, 59), utc(2026, 5, 3, 7), utc(2026, 5, 4, 7)),
        ({"cadence": "weekly", "weekday": 0}, utc(2026, 5, 9, 23), utc(2026, 5, 3, 7), utc(2026, 5, 10, 7)),
        ({"cadence": "weekly", "weekday": 1}, utc(2026, 5, 4, 7), utc(2026, 5, 4, 7), utc(2026, 5, 11, 7)),
        (
            {"cadence": "monthly", "day_of_month": 28},
            utc(2026, 3, 1),
            utc(2026, 2, 28, 7),
            utc(2026, 3, 28, 7),
        ),
        (
            {"cadence": "monthly", "day_of_month": 1},
            utc(2026, 12, 31, 8),
            utc(2026, 12, 1, 7),
            utc(2027, 1, 1, 7),
        ),
    ],
)
def test_slots_are_the_latest_scheduled_time_and_the_next(fields, now, slot, following):
    schedule = ReportSchedule(hour=7, **fields)
    assert (slot_at(schedule, now), next_slot(schedule, now)) == (slot, following)
