"""Every change carries the person who made it, whichever door it came through."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.audit import acting_as, current_actor
from accounts.models import ApiToken, Organization, User
from accounts.models import AuditEntry as LogEntry
from accounts.services import api_token_create
from accounts.tasks import deactivate_dormant_users
from accounts.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _last_entry_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("-timestamp", "-pk").first()


def test_admin_edit_is_attributed_to_the_signed_in_user(client, root):
    org = OrganizationFactory(name="Helix", slug="helix")
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/organization/{org.pk}/change/",
        {
            "name": "Helix Pharma",
            "slug": "helix",
            "tier": "enterprise",
            "icp_segment": "pharma",
            "region": "na",
            "data_residency": "us",
        },
    )
    assert response.status_code == 302
    entry = _last_entry_for(org)
    assert entry.actor == root
    assert entry.changes_dict["tier"] == ["professional", "enterprise"]


def test_api_write_with_a_token_is_attributed_to_the_token_owner(client, root):
    org = OrganizationFactory(slug="helix")
    _, raw = api_token_create(user=root, name="script")
    response = client.patch(
        f"/api/accounts/organizations/{org.pk}/",
        {"tier": "enterprise"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    entry = _last_entry_for(org)
    assert entry.actor == root
    assert entry.changes_dict["tier"] == ["professional", "enterprise"]


def _dormant_user():
    user = UserFactory(username="idle")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=200))
    return user


def test_celery_task_changes_are_attributed_to_whoever_queued_it(compliance_officer):
    idle = _dormant_user()
    with acting_as(compliance_officer):
        result = deactivate_dormant_users.delay(days=90)
    assert result.get() == 1
    idle.refresh_from_db()
    assert not idle.is_active
    assert _last_entry_for(idle).actor == compliance_officer


def test_scheduled_task_without_a_caller_is_attributed_to_the_system_account():
    idle = _dormant_user()
    deactivate_dormant_users.delay(days=90)
    actor = _last_entry_for(idle).actor
    assert actor.username == "system"
    assert not actor.is_active and not actor.has_usable_password()


def test_management_command_changes_carry_the_actor_option(capsys, compliance_officer, data_steward):
    call_command("create_api_token", "dana", "--actor", "carla")
    assert _last_entry_for(ApiToken.objects.get()).actor == compliance_officer
    call_command("create_api_token", "dana")
    assert _last_entry_for(ApiToken.objects.latest("pk")).actor.username == "system"


def test_acting_as_restores_the_outer_actor(compliance_officer, data_steward):
    with acting_as(compliance_officer):
        with acting_as(data_steward):
            assert current_actor() == data_steward
        assert current_actor() == compliance_officer
    assert current_actor() is None


def test_bad_api_write_is_refused_and_changes_nothing(client, root):
    org = OrganizationFactory(slug="helix")
    _, raw = api_token_create(user=root, name="script")
    before = LogEntry.objects.count(), Organization.objects.count()
    response = client.patch(
        f"/api/accounts/organizations/{org.pk}/",
        {"tier": "platinum"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert "tier" in response.json()
    org.refresh_from_db()
    assert org.tier == "professional"
    assert (LogEntry.objects.count(), Organization.objects.count()) == before
