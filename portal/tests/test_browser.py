"""A real browser (Playwright driving Debian's Chromium) signs in with password and TOTP, opens
the engagement, downloads the snapshot package and checks it with `sha256sum -c`.

Screenshots of the main pages are kept under var/test-artifacts/portal-browser/ (CI artefacts).
"""

import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp as totp_now
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services("browser")]


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread, so Django would refuse
    the ORM calls of the test's own set-up and teardown (the live server has its own thread).
    Module-scoped so that it also covers the database flush after the test; then restored.
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def artefacts():
    folder = Path(settings.VAR_DIR) / "test-artifacts" / "portal-browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp_now(device.bin_key, step=device.step, t0=device.t0):06d}"


def test_auditor_signs_in_with_totp_and_downloads_a_verifiable_snapshot(
    world, live_server, page, tmp_path, artefacts
):
    a, user = world["a"], world["users"]["live"]
    page.goto(f"{live_server.url}/portal/")
    page.screenshot(path=artefacts / "01-sign-in.png", full_page=True)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Authenticator code").fill(_code(user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=a.engagement.name).click()
    assert page.locator("#time-left").is_visible()
    page.screenshot(path=artefacts / "02-engagement.png", full_page=True)
    page.get_by_role("link", name="Evidence", exact=True).click()
    assert page.get_by_text("soc2 review 0").is_visible()
    page.screenshot(path=artefacts / "03-evidence.png", full_page=True)
    page.get_by_role("link", name="Snapshots and controls").click()
    page.get_by_role("link", name="2026-10").click()
    page.screenshot(path=artefacts / "04-snapshot.png", full_page=True)
    with page.expect_download() as info:
        page.locator("#download-package").click()
    download = info.value
    assert download.suggested_filename.startswith(f"soc2-2026-10--{user.username}--")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    zipfile.ZipFile(target).extractall(tmp_path / "out")
    result = subprocess.run(
        ["sha256sum", "-c", "manifest-sha256.txt"], cwd=tmp_path / "out" / "soc2-2026-10",
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "evidence/SOC2-AC/" in result.stdout and "FAILED" not in result.stdout
