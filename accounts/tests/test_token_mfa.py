"""Accounts that sign in with a second factor (auditors, customers) hold no working API token."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts import roles
from accounts.models import ApiToken
from accounts.models.tokens import hash_token, new_raw_token
from accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _stored_token(user) -> str:
    """A token as one issued before the refusal existed: written straight to the table."""
    raw = new_raw_token()
    ApiToken.objects.create(user=user, name="old", key_hash=hash_token(raw), prefix=raw[:12])
    return raw


@pytest.mark.parametrize("persona", ["auditor", "customer_viewer"])
def test_the_service_refuses_tokens_for_mfa_roles(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(ValueError, match="signs in with a second factor"):
        api_token_create(user=user, name="sync")
    assert not ApiToken.objects.exists()


def test_the_command_refuses_a_token_for_an_auditor(auditor, capsys):
    with pytest.raises(CommandError, match="an API token would bypass it"):
        call_command("create_api_token", auditor.username)
    assert capsys.readouterr().out == "" and not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["auditor", "customer_viewer"])
def test_an_existing_token_of_an_mfa_account_is_refused(client, persona, request):
    raw = _stored_token(request.getfixturevalue(persona))
    response = client.get("/api/accounts/me/", **_bearer(raw))
    assert response.status_code == 401
    assert "second factor" in response.json()["detail"]
    assert ApiToken.objects.get().last_used_at is None


def test_a_staff_token_stops_working_when_its_owner_becomes_an_auditor(client, data_steward):
    _, raw = api_token_create(user=data_steward, name="lineage")
    assert client.get("/api/accounts/me/", **_bearer(raw)).status_code == 200
    data_steward.groups.add(Group.objects.get(name=roles.AUDITOR))
    assert client.get("/api/accounts/me/", **_bearer(raw)).status_code == 401
