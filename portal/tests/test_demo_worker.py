"""The demo's worker and beat: `demo_serve` starts the web server, a Celery worker and beat on the
embedded broker; "Run now" in the admin queues a job that the worker runs to success, and beat's
database scheduler sends a periodic task that the worker runs.

Real processes on a database they can share: the test database itself on PostgreSQL, or on
SQLite a file copy of the (in-memory) test database taken once the test's rows are in place.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accounts.tests.factories import PASSWORD, UserFactory
from warehouse.engine import EngineConfig, get_engine
from warehouse.lake import Lake
from warehouse.models import WarehouseModel
from warehouse.source import generate

# serialized_rollback: the rows migrations made (roles, content types) are back for this test
# and the ones after it, as for every other test that commits (see test_browser.py)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]
# Settings the test run sets through the environment; the demo's processes must not inherit them.
TEST_ONLY_ENV = {
    "DJANGO_SETTINGS_MODULE",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DATABASE_URL",
    "CUSTODIAN_TEST_MEDIA",
    "LAKE_URL",
    "WAREHOUSE_DUCKDB_PATH",
    "WAREHOUSE_WORK_DIR",
    "QUALITY_CHECKS_YAML_DIR",
    "EMAIL_BACKEND",
}


class SharedDatabase:
    """The test's rows, where processes started by the test can read and write them."""

    def __init__(self, tmp_path):
        self.file = tmp_path / "custodian.sqlite3" if connection.vendor == "sqlite" else None

    def publish(self) -> str:
        """Make the rows written so far visible to other processes; returns their DATABASE_URL."""
        if self.file is None:
            db = connection.settings_dict
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"
        connection.ensure_connection()
        with sqlite3.connect(self.file) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{self.file}"

    def value(self, sql: str, *params):
        """One value, read from where the other processes write (`%s` placeholders)."""
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]
        with sqlite3.connect(self.file, timeout=30) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchone()[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, seconds, what, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome = predicate()
        if outcome:
            return outcome
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s. The demo's output:\n{log.read_text()[-4000:]}")


@pytest.fixture
def demo(tmp_path):
    """Starts `manage.py demo_serve` on the shared database; yields (base URL, database, log)."""
    database = SharedDatabase(tmp_path)
    started = {}

    def start():
        env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
        env.update({"CUSTODIAN_VAR_DIR": str(tmp_path), "DATABASE_URL": database.publish()})
        log = tmp_path / "demo.log"
        port = _free_port()
        started["process"] = subprocess.Popen(  # our manage.py, fixed arguments
            [sys.executable, "manage.py", "demo_serve", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait(lambda: _answers(base + "/healthz"), 60, "The demo's web server did not answer", log)
        return base, database, log

    yield start
    process = started.get("process")
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _answers(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 # a loopback URL we built
            return True
    except OSError:
        return False


class Browser:
    """Cookies, CSRF tokens and form posts against the demo's admin, like a person's browser."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path, data=None) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.read().decode()

    def sign_in(self, username, password):
        page = self.get("/admin/login/")
        index = self.get(
            "/admin/login/?next=/admin/", {**self.csrf(page), "username": username, "password": password}
        )
        assert "Log out" in index or "logout" in index, "signing in to the demo failed"

    @staticmethod
    def csrf(page) -> dict:
        return {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        }


def test_the_demos_worker_runs_a_job_queued_by_run_now_and_beat_fires_on_the_embedded_broker(
    demo, tmp_path, settings
):
    # The demo's processes check passwords with the default hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    steward = UserFactory(username="dana", role="Data steward")
    dormant = UserFactory(username="idle", last_login=timezone.now() - timedelta(days=400))
    model = WarehouseModel.objects.create(
        unique_id="model.custodian.stg_users", name="stg_users", layer="cleansed"
    )
    every_two_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: deactivate dormant users",
        task="accounts.tasks.deactivate_dormant_users",
        interval=every_two_seconds,
        kwargs=json.dumps({"days": 90}),
    )
    generate(Lake(str(tmp_path / "lake")), tenants=2, months=1, seed=7)
    base, database, log = demo()

    browser = Browser(base)
    browser.sign_in(steward.username, PASSWORD)
    models = browser.get("/admin/warehouse/warehousemodel/")
    job_page = browser.get(
        "/admin/warehouse/warehousemodel/",
        {**browser.csrf(models), "action": "run_now", "_selected_action": [model.pk]},
    )
    progress_url = re.search(r'data-progress-url="([^"]+)"', job_page).group(1)
    assert "Queued a run of: stg_users" in job_page

    def finished():
        state = json.loads(browser.get(progress_url))
        return None if state["in_progress"] else state

    state = _wait(finished, 90, "The worker did not finish the job", log)
    assert (state["status"], state["progress"], state["error"]) == ("succeeded", 100, "")
    run_id = state["id"]
    assert database.value("select requested_by_id from warehouse_jobrun where id = %s", run_id) == steward.pk
    assert database.value("select task_id from warehouse_jobrun where id = %s", run_id)  # set by the worker
    # The worker published the read copy the web process opens (there was none before the run).
    copy = EngineConfig(duckdb_path=str(tmp_path / "warehouse-published.duckdb"), read_only=True)
    with get_engine(copy) as published:
        assert published.tables("cleansed") == ["cleansed.stg_users"]

    def deactivated():
        return database.value("select is_active from accounts_user where id = %s", dormant.pk) in (0, False)

    _wait(deactivated, 30, "Beat's periodic task did not deactivate the dormant user", log)
    assert (
        database.value(
            "select total_run_count from django_celery_beat_periodictask where name = %s",
            "test: deactivate dormant users",
        )
        >= 1
    )
    output = log.read_text()
    assert "Connected to filesystem://" in output  # the embedded broker, not an in-process shortcut
