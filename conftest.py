"""Project-wide fixtures: service markers and the personas every permission test speaks of."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), 2):
            return True
    except OSError:
        return False


def _missing_services(names) -> list[str]:
    from django.conf import settings
    from django.db import connection

    missing = []
    if "postgres" in names and connection.vendor != "postgresql":
        missing.append("postgres (DATABASE_URL does not point at PostgreSQL)")
    if "redis" in names and not (
        (settings.CELERY_BROKER_URL or "").startswith("redis")
        and _reachable(settings.CELERY_BROKER_URL, 6379)
    ):
        missing.append("redis (CELERY_BROKER_URL is not a reachable Redis)")
    # --- portal (issue 8): the real-browser test needs Debian's Chromium and Playwright ---
    if "browser" in names and not _browser_available():
        missing.append(f"browser ({CHROMIUM} or the playwright package is missing)")

    # warehouse (issue 4): the BigQuery and GCS emulators that .ci/bqemulator.sh and gcsemulator.sh start
    if "bigquery" in names and not _reachable(os.environ.get("BIGQUERY_EMULATOR_HOST"), 9050):
        missing.append("bigquery (BIGQUERY_EMULATOR_HOST is not a reachable emulator; see .ci/bqemulator.sh)")
    if "gcs" in names and not _reachable(os.environ.get("STORAGE_EMULATOR_HOST"), 9023):
        missing.append("gcs (STORAGE_EMULATOR_HOST is not a reachable emulator; see .ci/gcsemulator.sh)")
    # reporting: report PDFs are read back as text by poppler's pdftotext (apt: poppler-utils)
    if "pdftotext" in names and shutil.which("pdftotext") is None:
        missing.append("pdftotext (install poppler-utils)")
    return missing


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _browser_available() -> bool:
    import importlib.util

    return os.access(CHROMIUM, os.X_OK) and importlib.util.find_spec("playwright") is not None


def pytest_runtest_setup(item):
    marker = item.get_closest_marker("services")
    if marker is None:
        return
    missing = _missing_services(marker.args)
    if missing and REQUIRE_SERVICES:
        pytest.fail("REQUIRE_SERVICES=1 but missing: " + "; ".join(missing))
    if missing:
        pytest.skip("needs " + "; ".join(missing))


@pytest.fixture(scope="session", autouse=True)
def _ci_runs_on_postgres():
    """In CI every test runs against PostgreSQL; running on SQLite there is a setup error."""
    if REQUIRE_SERVICES:
        missing = _missing_services(["postgres"])
        if missing:
            pytest.fail("REQUIRE_SERVICES=1 but missing: " + missing[0])


def _persona(role, **kwargs):
    from accounts.tests.factories import UserFactory

    return UserFactory(role=role, **kwargs)


@pytest.fixture
def compliance_officer(db):
    from accounts import roles

    return _persona(roles.COMPLIANCE_OFFICER, username="carla")


@pytest.fixture
def data_steward(db):
    from accounts import roles

    return _persona(roles.DATA_STEWARD, username="dana")


@pytest.fixture
def submission_manager(db):
    from accounts import roles

    return _persona(roles.SUBMISSION_MANAGER, username="sam")


@pytest.fixture
def auditor(db):
    from accounts import roles

    return _persona(roles.AUDITOR, username="avery", organization=None)


@pytest.fixture
def executive(db):
    from accounts import roles

    return _persona(roles.EXECUTIVE, username="eve")


@pytest.fixture
def customer_viewer(db):
    from accounts import roles

    return _persona(roles.CUSTOMER_VIEWER, username="chris")


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role at all."""
    from accounts.tests.factories import UserFactory

    return UserFactory(username="oscar")


@pytest.fixture
def worker():
    """A real Celery worker (in a thread) on the configured broker; tests using it need Redis."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as running:
            yield running
    finally:
        app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Per-IP sign-in counters live in the cache: no test inherits another's failures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
