"""Smoke-test the demo: start it (web, worker, beat), sign in, load the admin, run a job, stop."""

import http.cookiejar
import json
import re
import signal
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
JOB_USER = "steward"  # the data steward may start warehouse jobs
JOB_MODEL = "stg_tenants"  # one small model: the job takes seconds once the worker picks it up
JOB_WAIT_SECONDS = 300  # the worker may first finish a job that beat started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = (
        "Start the demo (demo_serve: web, worker and beat) on a free port, sign in as a demo user, "
        "check the admin, run a warehouse job through the worker, and stop."
    )

    def handle(self, *args, **options):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 # nosec B603 # our manage.py, fixed arguments
            [sys.executable, "manage.py", "demo_serve", f"127.0.0.1:{port}"], cwd=settings.BASE_DIR
        )
        try:
            self._wait_until_up(base, server)
            self._check(base)
            self._check_worker(base)
        finally:
            server.send_signal(signal.SIGTERM)  # demo_serve stops its web server, worker and beat
            server.wait(timeout=60)
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
        opener, index = self._sign_in(base, DEMO_USER)
        self._expect("the admin index", index, "Data catalog")
        self._expect("the admin index", index, "Access and accountability")  # grouped by work
        self._expect("the admin index", index, "Your work")  # the role's home is linked
        css = self._get(opener, base + "/static/admin/css/base.css")
        self._expect("the admin style sheet", css, "body")
        self.stdout.write(f"  login page, admin index as {DEMO_USER!r} and static files: OK")

    def _sign_in(self, base, username):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login_page = self._get(opener, base + "/admin/login/?next=/admin/")
        self._expect("the login page", login_page, "Custodian")
        form = {
            "csrfmiddlewaretoken": self._csrf(login_page),
            "username": username,
            "password": demo_password(username),
        }
        index = self._get(
            opener, base + "/admin/login/?next=/admin/", data=urllib.parse.urlencode(form).encode()
        )
        return opener, index

    def _check_worker(self, base):
        """Run now on one model, as the data steward; the worker must run the job to success."""
        opener, _ = self._sign_in(base, JOB_USER)
        models_url = f"{base}/admin/warehouse/warehousemodel/?name__exact={JOB_MODEL}"
        models = self._get(opener, models_url)
        row = re.search(r'name="_selected_action" value="(\d+)"', models)
        if row is None:
            raise CommandError(f"The warehouse has no model {JOB_MODEL}: did seed_demo build it?")
        form = {
            "csrfmiddlewaretoken": self._csrf(models),
            "action": "run_now",
            "_selected_action": row.group(1),
        }
        job_page = self._get(opener, models_url, data=urllib.parse.urlencode(form).encode())
        progress = re.search(r'data-progress-url="([^"]+)"', job_page)
        if progress is None:
            raise CommandError("Run now did not lead to the job run's page.")
        state = self._wait_for_job(opener, base + progress.group(1))
        if state["status"] != "succeeded":
            raise CommandError(f"The worker ran the job, and it {state['status']}: {state['error']}")
        self.stdout.write(f"  Run now of {JOB_MODEL} as {JOB_USER!r}: the worker ran it to success: OK")

    def _wait_for_job(self, opener, url) -> dict:
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        while time.monotonic() < deadline:
            state = json.loads(self._get(opener, url))
            if not state["in_progress"]:
                return state
            time.sleep(1)
        raise CommandError(
            f"No worker finished the job within {JOB_WAIT_SECONDS} s (it is {state['status']})."
        )

    @staticmethod
    def _csrf(page) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise CommandError("The page has no CSRF token.")
        return token.group(1)

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
