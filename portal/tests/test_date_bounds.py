"""An auditor's request with a due date the system does not accept is refused and not stored."""

import pytest

from portal.models import EvidenceRequest
from portal.tests.conftest import portal_login

pytestmark = pytest.mark.django_db


def test_a_request_due_in_year_9999_is_refused_with_the_reason(client, world):
    a = world["a"]
    portal_login(client, world["users"]["live"])
    response = client.post(
        f"/portal/e/{a.engagement.pk}/requests/",
        {"control": a.control.pk, "description": "Q4 leaver list", "due_date": "9999-12-31"},
    )
    assert response.status_code == 400 and "outside the dates this system accepts" in response.text
    assert not EvidenceRequest.objects.exists()
