"""Sign-in at /portal/: password and TOTP, lockout as for staff, no hint which factor failed."""

import pytest
from django.test import override_settings
from django_otp.oath import totp as totp_now
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code(user, offset=0):
    device = TOTPDevice.objects.get(user=user)
    return f"{(totp_now(device.bin_key, step=device.step, t0=device.t0) + offset) % 1_000_000:06d}"


def sign_in(client, user, token, password=PASSWORD, next_url=""):
    data = {"username": user.username, "password": password, "token": token, "next": next_url}
    return client.post("/portal/", data)


def test_password_and_totp_sign_in_and_open_the_engagement(client, world):
    user, engagement = world["users"]["live"], world["a"].engagement
    response = sign_in(client, user, code(user), next_url=f"/portal/e/{engagement.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/portal/e/{engagement.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert AccessEvent.objects.filter(kind="login", user=user).count() == 1


def test_the_engagement_list_shows_only_live_engagements(client, world):
    user = world["users"]["live"]
    sign_in(client, user, code(user))
    page = client.get("/portal/").content.decode()
    assert world["a"].engagement.name in page and world["b"].engagement.name not in page


def test_expired_auditor_signs_in_but_sees_an_empty_state(client, world):
    user = world["users"]["expired"]
    sign_in(client, user, code(user))
    page = client.get("/portal/").content.decode()
    assert "You have no engagement open right now" in page and world["a"].engagement.name not in page


def test_wrong_code_is_refused_without_saying_which_factor_failed(client, world):
    user = world["users"]["live"]
    response = sign_in(client, user, code(user, offset=1))
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert b"username, password or authenticator code is not right" in response.content
    assert AccessEvent.objects.filter(kind="login_failed", username=user.username).count() == 1


def test_staff_cannot_use_the_portal_sign_in(client, world):
    officer = world["officer"]
    TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    response = sign_in(client, officer, code(officer))
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_next_outside_the_portal_is_ignored(client, world):
    user = world["users"]["live"]
    response = sign_in(client, user, code(user), next_url="https://evil.example/")
    assert response["Location"] == "/portal/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_account_even_for_the_right_password_and_code(client, world):
    user = world["users"]["live"]
    for _ in range(3):
        sign_in(client, user, code(user, offset=1))
    response = sign_in(client, user, code(user))
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(kind="locked_out", username=user.username).exists()


def test_sign_out_ends_the_session(client, world):
    user = world["users"]["live"]
    sign_in(client, user, code(user))
    assert client.post("/portal/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
