"""Time-limited object grants: guardian permissions that count only while a grant lists them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from guardian.models import UserObjectPermission

from accounts.grants import access_grant_create, access_grant_objects_add, access_grant_revoke, granted
from accounts.models import AccessGrant, Organization
from accounts.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def scope():
    return OrganizationFactory(slug="scope")


def _grant(user, scope, actor, start=T0, days=3):
    end = start + timedelta(days=days)
    return access_grant_create(user=user, scope=scope, valid_from=start, valid_until=end, actor=actor)


def test_a_grant_opens_its_objects_only_inside_its_window(auditor, compliance_officer, scope):
    target, other = OrganizationFactory(slug="target"), OrganizationFactory(slug="other")
    grant = _grant(auditor, scope, compliance_officer)
    access_grant_objects_add(grant=grant, objects=[target])
    for moment, expected in [(T0 - timedelta(seconds=1), []), (T0, [target]),
                             (T0 + timedelta(days=3) - timedelta(seconds=1), [target]),
                             (T0 + timedelta(days=3), [])]:  # fmt: skip
        with time_machine.travel(moment, tick=False):
            assert list(granted(Organization.objects.all(), auditor)) == expected
    assert other not in granted(Organization.objects.all(), auditor)


def test_revoking_drops_only_permissions_no_other_live_grant_needs(auditor, compliance_officer, scope):
    shared, only_first = OrganizationFactory(slug="shared"), OrganizationFactory(slug="only-first")
    first = _grant(auditor, scope, compliance_officer)
    second = _grant(auditor, OrganizationFactory(slug="scope-2"), compliance_officer)
    access_grant_objects_add(grant=first, objects=[shared, only_first])
    access_grant_objects_add(grant=second, objects=[shared])
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        access_grant_revoke(grant=first, actor=compliance_officer)
        assert list(granted(Organization.objects.all(), auditor)) == [shared]
    remaining = set(UserObjectPermission.objects.filter(user=auditor).values_list("object_pk", flat=True))
    assert remaining == {str(shared.pk)}


def test_staff_and_inverted_windows_are_refused_and_nothing_is_written(compliance_officer, auditor, scope):
    with pytest.raises(ValidationError):
        _grant(compliance_officer, scope, compliance_officer)
    with pytest.raises(ValidationError):
        access_grant_create(
            user=auditor, scope=scope, valid_from=T0, valid_until=T0, actor=compliance_officer
        )
    assert not AccessGrant.objects.exists() and not UserObjectPermission.objects.exists()


def test_a_revoked_grant_cannot_be_widened(auditor, compliance_officer, scope):
    grant = _grant(auditor, scope, compliance_officer)
    access_grant_revoke(grant=grant, actor=compliance_officer)
    with pytest.raises(ValidationError):
        access_grant_objects_add(grant=grant, objects=[scope])
    assert not UserObjectPermission.objects.filter(user=auditor).exists()


def test_deactivated_users_see_nothing_even_with_a_live_grant(auditor, compliance_officer, scope):
    grant = _grant(auditor, scope, compliance_officer, start=datetime.now(UTC) - timedelta(hours=1))
    access_grant_objects_add(grant=grant, objects=[scope])
    assert list(granted(Organization.objects.all(), auditor)) == [scope]
    auditor.is_active = False
    assert not granted(Organization.objects.all(), auditor).exists()
