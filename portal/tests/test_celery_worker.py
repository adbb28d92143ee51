"""A real worker, a real Redis: the task runs in the worker and its result comes back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.audit import acting_as
from accounts.models import AuditEntry as LogEntry
from accounts.models import User
from accounts.tasks import deactivate_dormant_users
from accounts.tests.factories import UserFactory

pytestmark = [
    pytest.mark.services("redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_worker_runs_the_task_and_returns_its_result_with_the_callers_actor(worker, compliance_officer):
    idle = UserFactory(username="idle")
    User.objects.filter(pk=idle.pk).update(last_login=timezone.now() - timedelta(days=365))
    with acting_as(compliance_officer):
        result = deactivate_dormant_users.delay(days=90)
    assert result.get(timeout=30) == 1
    assert result.status == "SUCCESS"
    idle.refresh_from_db()
    assert not idle.is_active
    entry = LogEntry.objects.get_for_object(idle).latest("timestamp")
    assert entry.actor == compliance_officer


def test_rerunning_the_task_is_harmless(worker):
    UserFactory(username="idle", last_login=timezone.now() - timedelta(days=365))
    assert deactivate_dormant_users.delay(days=90).get(timeout=30) == 1
    assert deactivate_dormant_users.delay(days=90).get(timeout=30) == 0
