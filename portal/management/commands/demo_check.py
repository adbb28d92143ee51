"""Smoke-test the demo: start the server, sign in as a demo user, load the admin, stop."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_password

DEMO_USER = "compliance"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Start the portal on a free port, sign in as a demo user, check the admin, and stop."

    def handle(self, *args, **options):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 # nosec B603 # our manage.py, fixed arguments
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=settings.BASE_DIR,
        )
        try:
            self._wait_until_up(base, server)
            self._check(base)
        finally:
            server.terminate()
            server.wait(timeout=20)
        self.stdout.write(self.style.SUCCESS("demo check passed"))

    def _wait_until_up(self, base, server, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"The server exited with code {server.returncode}.")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 # nosec B310 # a loopback http URL we built
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise CommandError(f"The server did not answer on {base} within {seconds} s.")

    def _check(self, base):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login_page = self._get(opener, base + "/admin/login/?next=/admin/")
        self._expect("the login page", login_page, "Custodian")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
        if token is None:
            raise CommandError("The login page has no CSRF token.")
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": DEMO_USER,
            "password": demo_password(DEMO_USER),
        }
        index = self._get(
            opener, base + "/admin/login/?next=/admin/", data=urllib.parse.urlencode(form).encode()
        )
        self._expect("the admin index", index, "Data catalog")
        self._expect("the admin index", index, "Access and accountability")  # grouped by work
        self._expect("the admin index", index, "Your work")  # the role's home is linked
        css = self._get(opener, base + "/static/admin/css/base.css")
        self._expect("the admin style sheet", css, "body")
        self.stdout.write(f"  login page, admin index as {DEMO_USER!r} and static files: OK")

    @staticmethod
    def _get(opener, url, data=None) -> str:
        try:
            with opener.open(url, data=data, timeout=20) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            raise CommandError(f"{url} answered {exc.code}.") from exc

    @staticmethod
    def _expect(what, body, text):
        if text not in body:
            raise CommandError(f"{what} does not show {text!r}: did seed_demo run?")
