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

# Committed data for the live server; serialized rollback restores the roles after the flush.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.services("browser"),
]
LAUNCH = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
}


@pytest.fixture
def portal_page(live_server, world):
    """A page in Debian's Chromium through Playwright, opened after the test data exists and
    closed before the database is flushed.

    Playwright's sync API keeps an asyncio loop open in this thread. While it is open, Django
    refuses ORM calls here (unless DJANGO_ALLOW_ASYNC_UNSAFE) and hands out a different
    connection object (per context), so the flush after the test would not know it must
    restore the serialized data. Hence function scope, the ordering above, and closing the
    in-loop connection before leaving. (pytest-playwright's session-wide fixtures kept the loop
    open for the rest of the run and broke later database tests.)
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test body reads a TOTP device
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, **LAUNCH)
            context = browser.new_context(accept_downloads=True)
            # Generous: CI shares two cores with the rest of the suite, and a slow page is not a bug.
            context.set_default_timeout(120_000)
            yield context.new_page()
            context.close()
            browser.close()
            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
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
    live_server, world, portal_page, tmp_path, artefacts
):
    page = portal_page
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
