"""Agency questions: response clocks, reminders under frozen time, the due dashboard."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from submissions.models import Correspondence, CorrespondenceReminder
from submissions.services import SubmissionError, correspondence_link, correspondence_transition
from submissions.tasks import send_correspondence_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_item(nda, submission_manager):
    return Correspondence.objects.create(
        application=nda,
        kind="fda_ir",
        subject="CMC information request",
        received_on=date(2026, 11, 2),
        due_on=date(2026, 11, 20),
        owner=submission_manager,
    )


def _run_on(time_machine, day):
    time_machine.move_to(datetime(*day, 6, 30, tzinfo=UTC), tick=False)
    return send_correspondence_reminders.delay().get()


def test_reminders_fire_a_week_before_the_day_before_and_once_overdue(request_item, time_machine):
    assert _run_on(time_machine, (2026, 11, 12)) == 0
    assert _run_on(time_machine, (2026, 11, 13)) == 1
    assert mail.outbox[-1].subject == "[Custodian] Due in 7 days: CMC information request"
    assert mail.outbox[-1].to == [request_item.owner.email]
    assert _run_on(time_machine, (2026, 11, 14)) == 0  # the same stage is not repeated
    assert _run_on(time_machine, (2026, 11, 19)) == 1
    assert mail.outbox[-1].subject.startswith("[Custodian] Due tomorrow")
    assert _run_on(time_machine, (2026, 11, 20)) == 0
    assert _run_on(time_machine, (2026, 11, 21)) == 1
    assert mail.outbox[-1].subject.startswith("[Custodian] Overdue")
    assert _run_on(time_machine, (2026, 11, 25)) == 0
    assert list(request_item.reminders.values_list("kind", flat=True).order_by("pk")) == [
        "due_7d",
        "due_1d",
        "overdue",
    ]


def test_answered_items_get_no_reminders(request_item, submission_manager, time_machine):
    for status in ("review", "signed", "sent"):
        correspondence_transition(
            item=request_item, to=status, actor=submission_manager, today=date(2026, 11, 10)
        )
    assert _run_on(time_machine, (2026, 11, 25)) == 0
    assert not CorrespondenceReminder.objects.exists() and mail.outbox == []


def test_responses_move_through_their_states_in_order(request_item, submission_manager):
    with pytest.raises(SubmissionError, match="cannot become 'Response sent'"):
        correspondence_transition(item=request_item, to="sent", actor=submission_manager)
    request_item.refresh_from_db()
    assert request_item.status == "draft" and request_item.responded_on is None


def test_due_date_before_receipt_is_refused_by_the_database(nda, submission_manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        Correspondence.objects.create(
            application=nda,
            kind="fda_483",
            subject="x",
            received_on=date(2026, 5, 2),
            due_on=date(2026, 5, 1),
            owner=submission_manager,
        )


def test_a_response_links_the_records_it_relies_on_once(request_item, submission_manager, first_sequence):
    correspondence_link(
        item=request_item, target=first_sequence, note="amendment answering Q1", actor=submission_manager
    )
    with pytest.raises(SubmissionError, match="already linked"):
        correspondence_link(item=request_item, target=first_sequence, actor=submission_manager)
    assert request_item.links.get().target == first_sequence


def test_dashboard_lists_overdue_due_this_week_and_answered(client, nda, submission_manager, time_machine):
    time_machine.move_to(datetime(2026, 11, 27, 9, tzinfo=UTC), tick=False)
    make = lambda subject, due, **kw: Correspondence.objects.create(  # noqa: E731
        application=nda,
        kind="fda_ir",
        subject=subject,
        received_on=date(2026, 10, 1),
        due_on=due,
        owner=submission_manager,
        **kw,
    )
    make("Late answer", date(2026, 11, 20))
    make("Soon answer", date(2026, 12, 2))
    make("Far answer", date(2027, 2, 1))
    make("Done answer", date(2026, 11, 25), status="sent", responded_on=date(2026, 11, 24))
    client.force_login(submission_manager)
    response = client.get("/admin/submissions/correspondence/dashboard/")
    assert response.status_code == 200
    assert [c.subject for c in response.context["overdue"]] == ["Late answer"]
    assert [c.subject for c in response.context["this_week"]] == ["Soon answer"]
    assert [c.subject for c in response.context["answered"]] == ["Done answer"]
    listing = client.get("/admin/submissions/correspondence/?due=overdue")
    assert 'href="/admin/submissions/correspondence/dashboard/"' in listing.content.decode()
    assert [c.subject for c in listing.context["cl"].result_list] == ["Late answer"]
    assert "overdue by 7 day(s)" in listing.content.decode()


def test_dashboard_empty_states_and_permission(client, executive, submission_manager):
    client.force_login(submission_manager)
    page = client.get("/admin/submissions/correspondence/dashboard/").content.decode()
    assert "Nothing is overdue." in page and "Nothing falls due this week." in page
    client.force_login(executive)
    assert client.get("/admin/submissions/correspondence/dashboard/").status_code == 403
