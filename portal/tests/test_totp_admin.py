"""The TOTP device admin: unknown devices are a 404, and no one reads an auditor's secret."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from portal.mfa import portal_totp_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def device(auditor, root):
    return portal_totp_create(user=auditor, actor=root)


@pytest.mark.parametrize("view", ["config", "qrcode"])
@pytest.mark.parametrize("pk", ["12345", "9" * 30])
def test_an_unknown_device_is_not_found_even_when_secrets_are_shown(client, root, settings, view, pk):
    settings.OTP_ADMIN_HIDE_SENSITIVE_DATA = False
    assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/").status_code == 404


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_key_and_qr_code_of_a_device_are_refused_to_a_superuser(client, device, view):
    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/")
    assert response.status_code == 403
    assert device.key not in response.content.decode(errors="replace")


def test_the_device_pages_do_not_show_the_key(client, device):
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert change.status_code == listing.status_code == 200
    assert device.user.get_full_name() in listing.text and "/config/" not in listing.text
    assert device.key not in change.text and "/config/" not in change.text
    assert TOTPDevice.objects.get(pk=device.pk).key == device.key
