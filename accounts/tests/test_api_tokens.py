from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_command_prints_a_token_that_authenticates_as_its_user(client, capsys, data_steward):
    call_command("create_api_token", "dana", "--name", "lineage")
    raw = capsys.readouterr().out.strip()
    response = client.get("/api/accounts/me/", **_bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "dana"
    assert response.json()["roles"] == ["Data steward"]


def test_only_the_hash_of_a_token_is_stored(data_steward):
    token, raw = api_token_create(user=data_steward, name="x")
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in {str(v) for v in stored.values()}
    assert raw.startswith(token.prefix)


def test_command_refuses_unknown_and_deactivated_users(data_steward):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_api_token", "ghost")
    data_steward.is_active = False
    data_steward.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_api_token", "dana")
    assert ApiToken.objects.count() == 0


def test_revoked_token_is_refused_at_once(client, data_steward, compliance_officer):
    token, raw = api_token_create(user=data_steward, name="x")
    assert client.get("/api/accounts/me/", **_bearer(raw)).status_code == 200
    api_token_revoke(token=token, actor=compliance_officer)
    response = client.get("/api/accounts/me/", **_bearer(raw))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_expired_token_is_refused(client, data_steward, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _, raw = api_token_create(user=data_steward, name="x", expires_at=timezone.now() + timedelta(days=1))
    time_machine.shift(timedelta(days=2))
    assert client.get("/api/accounts/me/", **_bearer(raw)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer cus_not-a-real-token", "bearer   "])
def test_malformed_or_unknown_bearer_headers_get_401(client, header):
    response = client.get("/api/accounts/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_use_is_recorded_as_last_used(client, data_steward):
    token, raw = api_token_create(user=data_steward, name="x")
    client.get("/api/accounts/me/", **_bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_admin_lists_tokens_and_revokes_them(client, data_steward):
    from accounts.tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    token, raw = api_token_create(user=data_steward, name="x")
    client.force_login(admin)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and raw not in listing
    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
