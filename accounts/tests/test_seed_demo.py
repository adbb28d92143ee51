import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.demo import demo_password
from accounts.models import AuditEntry as LogEntry
from accounts.models import Organization, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_and_prints_their_passwords(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ["compliance", "steward", "submissions", "auditor", "executive", "customer"]:
        user = User.objects.get(username=username)
        assert user.check_password(demo_password(username))
        assert f"{username:<12} {demo_password(username)}" in out
        assert user.groups.count() == 1
    assert User.objects.get(username="compliance").is_staff
    assert not User.objects.get(username="auditor").is_staff
    assert Organization.objects.filter(is_internal=True).count() == 1


def test_running_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    snapshot = list(User.objects.order_by("pk").values()), list(Organization.objects.order_by("pk").values())
    entries = LogEntry.objects.count()
    call_command("seed_demo")
    assert (
        list(User.objects.order_by("pk").values()),
        list(Organization.objects.order_by("pk").values()),
    ) == (snapshot)
    assert LogEntry.objects.count() == entries


@override_settings(PRODUCTION=True)
def test_seed_demo_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.filter(username="compliance").exists()
