"""NUL characters are refused with a 400 before a lookup: PostgreSQL fails on them (a 500)."""

import json

import pytest

from catalog.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_string_is_a_400(client, data_steward):
    client.force_login(data_steward)
    response = client.get("/api/catalog/datasets/?search=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_a_nul_in_a_body_is_a_400_and_stores_nothing(client, data_steward, encoding):
    client.force_login(data_steward)
    body = {"name": "Term", "definition": "d", "reviewers": ["a\x00b"]}
    if encoding == "json":
        response = client.post(
            "/api/catalog/glossary-terms/", json.dumps(body), content_type="application/json"
        )
    else:
        response = client.post("/api/catalog/glossary-terms/", body)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not GlossaryTerm.objects.exists()
