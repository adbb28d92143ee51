"""Fixtures of the schedule tests: people and reports (world.py), a real SMTP server (smtp.py)."""

import pytest

from portal.celery import app
from reporting.tests.schedules.smtp import smtp_down, smtp_server  # noqa: F401 - fixtures
from reporting.tests.schedules.world import (  # noqa: F401 - fixtures
    chloe,
    colleague,
    customer_org,
    internal_org,
    owner,
    stranger,
)


@pytest.fixture
def queued():
    """Tasks behave as under a worker (a retry is a new message), though the test applies them."""
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True
