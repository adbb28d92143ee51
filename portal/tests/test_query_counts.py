"""Portal lists cost the same number of queries with 3 or 60 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import EvidenceRequest
from portal.services import engagement_objects_add
from portal.tests.conftest import accepted_evidence, portal_login

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, n):
    a, officer = world["a"], world["officer"]
    items = [accepted_evidence(a.control, officer, f"extra {i}", f"{i}\n".encode()) for i in range(n)]
    engagement_objects_add(engagement=a.engagement, objects=items, actor=officer)
    for i in range(n):
        EvidenceRequest.objects.create(
            engagement=a.engagement, control=a.control, description=f"r{i}",
            requested_by=world["users"]["live"], assignee=officer,
        )  # fmt: skip


@pytest.mark.parametrize("path", ["evidence/", "requests/", "snapshots/", "framework/", ""])
def test_list_pages_do_not_grow_with_rows(client, world, path):
    url = f"/portal/e/{world['a'].engagement.pk}/{path}"
    portal_login(client, world["users"]["live"])
    _grow(world, 1)
    client.get(url)  # warm the per-process caches (content types, session)
    small = _count(client, url)
    _grow(world, 40)
    assert "extra 39" in client.get(url).content.decode() or path != "evidence/"
    assert _count(client, url) == small


def test_a_page_view_is_logged_with_one_insert_and_no_other_write(client, world):
    """The access log must stay cheap: one INSERT per view (no auditlog copy, no chain entry)."""
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{world['a'].engagement.pk}/evidence/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE"))]
    assert len(writes) == 1 and 'INTO "portal_portalaccess"' in writes[0]
