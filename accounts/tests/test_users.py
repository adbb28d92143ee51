import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.models.identity import UserDeletionForbidden
from accounts.services import api_token_create, user_deactivate
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_users_cannot_be_deleted(compliance_officer):
    with pytest.raises(UserDeletionForbidden):
        compliance_officer.delete()
    assert User.objects.filter(pk=compliance_officer.pk).exists()


def test_username_of_a_deactivated_user_cannot_be_reused_in_any_case(compliance_officer):
    user_deactivate(user=compliance_officer, actor=compliance_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="CARLA")
    assert User.objects.filter(username__iexact="carla").count() == 1


def test_two_accounts_cannot_share_an_email_address(compliance_officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="someone-else", email="CARLA@example.test")


def test_deactivation_keeps_the_user_and_revokes_their_tokens(compliance_officer):
    token, _ = api_token_create(user=compliance_officer, name="ci")
    user_deactivate(user=compliance_officer, actor=compliance_officer)
    compliance_officer.refresh_from_db()
    token.refresh_from_db()
    assert not compliance_officer.is_active
    assert compliance_officer.deactivated_at is not None
    assert token.revoked_at is not None and token.revoked_by == compliance_officer


@pytest.mark.parametrize(
    "password",
    ["short-1A", "alllowercaseletters", "123456789012345", "password12345", "carla-carla-carla"],
)
def test_weak_passwords_are_rejected(compliance_officer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=compliance_officer)


def test_a_long_mixed_password_is_accepted(compliance_officer):
    validate_password("Quiet-Harbor-Lantern-9", user=compliance_officer)


def test_admin_deactivate_action_changes_state_and_offers_no_delete(admin_client):
    target = UserFactory(username="leaver")
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [target.pk]},
        follow=True,
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert not target.is_active
    assert admin_client.get(f"/admin/accounts/user/{target.pk}/delete/").status_code == 403


def test_user_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    UserFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/admin/accounts/user/")
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get("/admin/accounts/user/").status_code == 200
