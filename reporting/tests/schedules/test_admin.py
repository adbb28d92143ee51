"""The schedules admin: list in words, validation up front, "Send now", read-only deliveries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from reporting.models import ReportDelivery, ReportSchedule
from reporting.tests.schedules.world import saved_report, weekly

LIST = "/admin/reporting/reportschedule/"
ADD = "/admin/reporting/reportschedule/add/"


def form_data(report, *people, **overrides) -> dict:
    data = {
        "name": "Board pack weekly", "owner": people[0].pk, "report": report.pk, "dashboard": "",
        "organization": "", "cadence": "weekly", "hour": "7", "weekday": "1", "day_of_month": "1",
        "recipient_users": [p.pk for p in people], "recipient_addresses": "", "active": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_list_shows_each_schedule_in_words_and_its_last_delivery(client, owner, customer_org, chloe):
    report = saved_report(owner, "arr")
    schedule = weekly(owner, report, recipients=[owner])
    weekly(
        owner, report, recipients=[chloe], organization=customer_org, name="Helix monthly", cadence="monthly"
    )
    ReportDelivery.objects.create(
        schedule=schedule, due_at=datetime(2026, 5, 4, 7, tzinfo=UTC), status="failed"
    )
    client.force_login(owner)
    customers_only = client.get(LIST, {"audience": "customer"}).content.decode()
    assert "Helix monthly" in customers_only and "Board pack weekly" not in customers_only
    failing = client.get(LIST, {"last_delivery": "failed"}).content.decode()
    assert "Board pack weekly" in failing and "Helix monthly" not in failing
    with time_machine.travel(datetime(2026, 5, 4, 8, tzinfo=UTC)):
        page = client.get(LIST).content.decode()
    assert "11 May 2026" in page and "01 Jun 2026" in page  # the next runs, weekly and monthly
    expected = [
        "Weekly · Mon 07:00",
        "Monthly · day 1, 07:00",
        "Weekly on Monday at 07:00 UTC",
        "Dana Steward",
    ]
    expected += ["Failed 04 May 2026", "Never sent", "Board pack (Helix Pharma)"]
    assert [text for text in expected if text not in page] == []


def test_the_list_costs_the_same_queries_for_many_schedules(client, owner, django_assert_max_num_queries):
    report = saved_report(owner, "arr")
    client.force_login(owner)
    weekly(owner, report, recipients=[owner], name="Only one")
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for n in range(15):
        weekly(owner, report, recipients=[owner], name=f"Schedule {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_the_form_refuses_a_recipient_outside_the_organisation_and_saves_nothing(client, owner, chloe):
    client.force_login(owner)
    response = client.post(ADD, form_data(saved_report(owner, "arr"), owner, chloe))
    assert response.status_code == 200
    assert (
        "Chloe Client: internal reports go only to staff of our own organisation" in response.content.decode()
    )
    assert not ReportSchedule.objects.exists() and not PeriodicTask.objects.exists()


def test_the_form_saves_through_the_service_with_its_beat_task(client, owner, colleague):
    client.force_login(owner)
    response = client.post(ADD, form_data(saved_report(owner, "arr"), owner, colleague, weekday="3"))
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert set(schedule.recipient_users.all()) == {owner, colleague}
    assert PeriodicTask.objects.get(pk=schedule.periodic_task_id).crontab.day_of_week == "3"


def test_send_now_mails_the_report_and_lists_the_delivery(
    client, owner, marts_world, smtp_server, django_capture_on_commit_callbacks
):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"action": "send_now", "_selected_action": [schedule.pk]}, follow=True)
    assert "Sending 1 schedule(s) now" in response.content.decode()
    assert len(smtp_server.messages) == 1
    delivery = ReportDelivery.objects.get()
    page = client.get(f"/admin/reporting/reportdelivery/{delivery.pk}/change/").content.decode()
    assert delivery.status == "sent" and delivery.pdf_sha256 in page and "dana@example.test" in page
    assert 'name="_save"' not in page


@pytest.mark.parametrize("persona", ["executive", "customer_viewer", "submission_manager"])
def test_people_without_the_permission_cannot_see_or_change_schedules(client, persona, request, owner):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code in (302, 403)
    client.post(f"{LIST}{schedule.pk}/change/", {"name": "Hijacked"})
    assert ReportSchedule.objects.get().name == "Board pack weekly"


def test_compliance_officers_manage_schedules_too(client, colleague, owner):
    weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    client.force_login(colleague)
    assert client.get(LIST).status_code == 200 and client.get(ADD).status_code == 200


def test_the_deliveries_list_costs_the_same_queries_for_many_deliveries(
    client, owner, django_assert_max_num_queries
):
    schedule = weekly(owner, saved_report(owner, "arr"), recipients=[owner])
    ReportDelivery.objects.create(
        schedule=schedule, due_at=datetime(2026, 1, 5, 7, tzinfo=UTC), status="sent"
    )
    client.force_login(owner)
    with django_assert_max_num_queries(20) as few:
        client.get("/admin/reporting/reportdelivery/")
    for day in range(1, 21):
        ReportDelivery.objects.create(
            schedule=schedule, due_at=datetime(2026, 2, day, 7, tzinfo=UTC), status="sent"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/reporting/reportdelivery/").status_code == 200
