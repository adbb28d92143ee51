"""The demo accounts `seed_demo` creates open every dashboard: each dashboard has a demo persona
who lands on it, so a demo walk-through never meets a dashboard nobody can see."""

import pytest

from accounts.demo import seed_accounts
from accounts.models import User
from reporting.dashboards import DASHBOARDS, dashboards_for

pytestmark = pytest.mark.django_db


def test_every_dashboard_has_a_demo_persona_who_sees_it():
    usernames = [username for username, _, _ in seed_accounts()]
    seen = {
        page.slug for user in User.objects.filter(username__in=usernames) for page in dashboards_for(user)
    }
    assert seen == {page.slug for page in DASHBOARDS}


def test_the_demo_executive_sees_the_executive_dashboard():
    seed_accounts()
    assert "executive" in [page.slug for page in dashboards_for(User.objects.get(username="executive"))]
