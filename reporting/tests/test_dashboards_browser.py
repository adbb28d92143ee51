"""Every dashboard, as each persona who sees it, in a real Chromium at 1,400 px: the persona signs
in through the admin's sign-in form, opens each of its dashboards (`dashboards_for`, so the list
follows `DASHBOARDS`), and the page loads with no console error and nothing wider than the window.

Screenshots are kept under var/test-artifacts/dashboards/ (CI artefacts).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import PASSWORD
from portal.tests.test_browser import LAUNCH
from reporting.dashboards import DASHBOARDS, dashboards_for

WIDTH = 1400
PERSONAS = ("executive", "compliance_officer", "data_steward", "submission_manager")
# Elements reaching past the right edge of the window, or wider than it.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > window.innerWidth || r.right > window.innerWidth + 1; })
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().width)}px`)"""


def _page_error(message) -> bool:
    return message.type == "error"  # the favicon included: pages link theirs (portal/static)


@pytest.fixture
def browser_page(live_server, marts_world):
    """A Chromium page at 1,400 px, opened after the data exists and closed before the flush
    (see test_browser.portal_page for why the in-loop connection is closed)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, **LAUNCH)
            context = browser.new_context(viewport={"width": WIDTH, "height": 900})
            context.set_default_timeout(120_000)  # CI shares two cores; slow is not a bug here
            yield context.new_page()
            context.close()
            browser.close()
            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.mark.django_db
def test_the_personas_together_see_every_dashboard(request):
    seen = {page.slug for name in PERSONAS for page in dashboards_for(request.getfixturevalue(name))}
    assert seen == {page.slug for page in DASHBOARDS}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("browser")
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_dashboard_renders_cleanly_in_chromium(persona, request, live_server, browser_page):
    user = request.getfixturevalue(persona)
    folder = Path(settings.VAR_DIR) / "test-artifacts" / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    errors = []
    browser_page.on("console", lambda message: _page_error(message) and errors.append(message.text))
    browser_page.on("pageerror", lambda error: errors.append(str(error)))

    browser_page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    browser_page.fill("#id_username", user.username)
    browser_page.fill("#id_password", PASSWORD)
    browser_page.click("input[type=submit]")
    browser_page.wait_for_url(lambda url: "/admin/login/" not in url)

    problems = {}
    for page in dashboards_for(user):
        response = browser_page.goto(f"{live_server.url}/admin/dashboards/{page.slug}/")
        browser_page.wait_for_load_state("networkidle")
        browser_page.screenshot(path=folder / f"{persona}-{page.slug}.png", full_page=True)
        page_width = browser_page.evaluate("document.documentElement.scrollWidth")
        found = {
            "status": response.status if response.status != 200 else None,
            "title": None if page.title in browser_page.title() else browser_page.title(),
            "console": list(errors) or None,
            "page wider than the window": page_width if page_width > WIDTH else None,
            "elements wider than the window": browser_page.evaluate(TOO_WIDE) or None,
        }
        errors.clear()
        if any(found.values()):
            problems[page.slug] = {k: v for k, v in found.items() if v}
    assert problems == {}
