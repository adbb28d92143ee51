"""The demo's schedules: a weekly board pack and a monthly customer schedule, seeded once."""

from django_celery_beat.models import PeriodicTask

from accounts.demo import seed_accounts
from reporting.models import ReportSchedule
from reporting.schedules.cadence import cadence_words
from reporting.schedules.demo import seed_schedules


def test_the_demo_seeds_a_weekly_board_pack_and_a_monthly_customer_schedule_once(db):
    seed_accounts()
    assert seed_schedules() == "2 schedule(s)"
    assert seed_schedules() == "2 schedule(s)"
    board, helix = ReportSchedule.objects.order_by("name")
    assert (board.name, cadence_words(board), board.organization) == (
        "Board pack weekly", "Weekly on Monday at 07:00 UTC", None,
    )  # fmt: skip
    assert (helix.organization.name, cadence_words(helix)) == (
        "Helix Pharma",
        "Monthly on day 2 at 07:00 UTC",
    )
    assert [u.username for u in helix.recipient_users.all()] == ["customer"]
    assert PeriodicTask.objects.filter(task="reporting.tasks.deliver_schedule", enabled=True).count() == 2
