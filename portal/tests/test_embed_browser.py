"""In Chromium: a page on an allowed origin shows the embedded dashboard in its iframe; a page on
any other origin gets it blocked by the browser (CSP frame-ancestors). Both host pages are served
by local http servers on 127.0.0.1, so plain-http loopback origins are allowed here."""

import functools
import os
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from portal.models import EmbedOrigin
from portal.tests.test_browser import LAUNCH

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.services("browser"),
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def host_page(folder: Path, embed_url: str):
    """An intranet page at http://127.0.0.1:PORT/ that frames `embed_url`; yields its origin."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        '<!doctype html><title>Intranet</title><link rel="icon" href="data:,"><h1>Our intranet</h1>'
        f'<iframe id="embed" src="{embed_url}" width="1200" height="900" title="Dashboard"></iframe>'
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser_page(live_server, embed_world):
    """Chromium through Playwright, opened after the data exists (see test_browser.portal_page)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, **LAUNCH)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
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


def test_an_allowed_origin_shows_the_embed_and_another_is_blocked(
    live_server, embed_world, browser_page, tmp_path, settings
):
    settings.EMBED_ALLOW_HTTP_LOOPBACK = True
    embed_url = live_server.url + embed_world.url(embed_world.helix_link)
    artefacts = Path(settings.VAR_DIR) / "test-artifacts" / "embed-browser"
    artefacts.mkdir(parents=True, exist_ok=True)
    page, refusals = browser_page, []
    page.on("console", lambda message: refusals.append(message.text) if message.type == "error" else None)
    with (
        host_page(tmp_path / "allowed", embed_url) as allowed,
        host_page(tmp_path / "other", embed_url) as other,
    ):
        origin = EmbedOrigin(organization=embed_world.helix, origin=allowed)
        origin.full_clean()
        origin.save()

        page.goto(allowed + "/")
        frame = page.frame_locator("#embed")
        assert "Work-order performance" in frame.locator("h1").inner_text()
        assert "Helix Pharma" in frame.locator("h1").inner_text()
        page.screenshot(path=str(artefacts / "allowed-origin.png"), full_page=True)
        assert not refusals

        page.goto(other + "/")
        page.wait_for_load_state("load")
        embedded = page.frame(url=lambda url: "/embed/" in url)
        assert embedded is None or "Work-order performance" not in (embedded.content() or "")
        assert any("frame-ancestors" in text for text in refusals), refusals
        page.screenshot(path=str(artefacts / "other-origin.png"), full_page=True)
