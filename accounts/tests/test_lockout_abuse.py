"""An attacker's failed sign-ins must not lock a real user out (admin and auditor portal)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, USER, PROXY = "203.0.113.66", "198.51.100.7", "10.0.0.2"


def _admin_login(client, username, password, ip, **headers):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_with_made_up_usernames_do_not_lock_a_user_on_the_same_address(client, compliance_officer):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        _admin_login(client, f"made-up-{n}", "guess", ATTACKER)
    response = _admin_login(client, "carla", PASSWORD, ATTACKER)
    assert response.status_code == 302 and _signed_in(client)


def test_an_attackers_failures_for_a_username_do_not_lock_its_owner_elsewhere(client, compliance_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _admin_login(client, "carla", "guess", ATTACKER)
    assert _admin_login(client, "carla", PASSWORD, ATTACKER).status_code == 429
    response = _admin_login(client, "carla", PASSWORD, USER)
    assert response.status_code == 302 and _signed_in(client)


def test_the_locked_pair_signs_in_again_after_the_cool_off(client, compliance_officer):
    with time_machine.travel("2026-12-01 09:00Z", tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _admin_login(client, "carla", "guess", ATTACKER)
        assert _admin_login(client, "carla", PASSWORD, ATTACKER).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        response = _admin_login(client, "carla", PASSWORD, ATTACKER)
        assert response.status_code == 302 and _signed_in(client)


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(client, compliance_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "carla", "guess", ATTACKER, HTTP_X_FORWARDED_FOR=USER)
    failures = AccessEvent.objects.filter(kind="login_failed")
    assert set(failures.values_list("ip_address", flat=True)) == {ATTACKER}
    assert _admin_login(client, "carla", PASSWORD, ATTACKER).status_code == 429
    assert _admin_login(client, "carla", PASSWORD, USER).status_code == 302


@override_settings(TRUSTED_PROXY_IPS=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(client, compliance_officer):
    # The attacker writes the user's address first; the proxy appends the one it really saw.
    spoofed = f"{USER}, {ATTACKER}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "carla", "guess", PROXY, HTTP_X_FORWARDED_FOR=spoofed)
    failures = AccessEvent.objects.filter(kind="login_failed")
    assert set(failures.values_list("ip_address", flat=True)) == {ATTACKER}
    assert _admin_login(client, "carla", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    response = _admin_login(client, "carla", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=USER)
    assert response.status_code == 302 and _signed_in(client)


@override_settings(LOGIN_IP_FAILURE_LIMIT=8)
def test_an_address_over_its_failure_limit_is_refused_without_locking_any_account(
    client, compliance_officer, data_steward
):
    for n in range(8):
        _admin_login(client, "carla" if n % 2 else f"made-up-{n}", "guess", ATTACKER)
    refused = _admin_login(client, "dana", PASSWORD, ATTACKER)
    assert refused.status_code == 429 and refused["Retry-After"] == str(settings.LOGIN_IP_WINDOW_SECONDS)
    assert b"Too many sign-in attempts" in refused.content and not _signed_in(client)
    assert not AccessEvent.objects.filter(kind__in=["login", "locked_out"]).exists()
    assert _admin_login(client, "dana", PASSWORD, USER).status_code == 302
    client.post("/admin/logout/")
    assert _admin_login(client, "carla", PASSWORD, USER).status_code == 302


@override_settings(LOGIN_IP_FAILURE_LIMIT=8)
def test_the_address_limit_ends_with_its_window(client, compliance_officer):
    with time_machine.travel("2026-12-01 09:00Z", tick=False) as clock:
        for n in range(8):
            _admin_login(client, f"made-up-{n}", "guess", ATTACKER)
        assert _admin_login(client, "carla", PASSWORD, ATTACKER).status_code == 429
        clock.shift(timedelta(seconds=settings.LOGIN_IP_WINDOW_SECONDS + 1))
        assert _admin_login(client, "carla", PASSWORD, ATTACKER).status_code == 302


def _portal_login(client, user, password, ip, code=None):
    device = TOTPDevice.objects.get(user=user)
    code = code or f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    return client.post(
        "/portal/", {"username": user.username, "password": password, "token": code}, REMOTE_ADDR=ip
    )


def test_portal_failures_from_one_address_do_not_lock_the_auditor_elsewhere(client, auditor):
    TOTPDevice.objects.create(user=auditor, name="portal", confirmed=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _portal_login(client, auditor, "guess", ATTACKER)
    assert _portal_login(client, auditor, PASSWORD, ATTACKER).status_code == 429
    response = _portal_login(client, auditor, PASSWORD, USER)
    assert response.status_code == 302 and _signed_in(client)


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_portal_sign_in_is_refused_from_an_address_over_its_limit(client, auditor):
    TOTPDevice.objects.create(user=auditor, name="portal", confirmed=True)
    for n in range(6):
        made_up = {"username": f"made-up-{n}", "password": "x", "token": "123456"}
        client.post("/portal/", made_up, REMOTE_ADDR=ATTACKER)
    refused = _portal_login(client, auditor, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and b"Too many sign-in attempts" in refused.content
    assert not AccessEvent.objects.filter(kind="locked_out").exists()
    assert _portal_login(client, auditor, PASSWORD, USER).status_code == 302


def test_a_malformed_trusted_proxy_setting_fails_the_system_check():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    bad = override_settings(TRUSTED_PROXY_IPS=["10.0.0.0/24", "proxy.internal"])
    with bad, pytest.raises(SystemCheckError, match=r"accounts.E001.*'proxy.internal'"):
        call_command("check")
    call_command("check")
