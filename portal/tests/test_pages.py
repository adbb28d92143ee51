import pytest

pytestmark = pytest.mark.django_db


def test_home_links_to_admin_and_api_docs(client):
    page = client.get("/").content.decode()
    assert 'href="/admin/"' in page and 'href="/api/docs/"' in page


def test_healthz_answers_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is nothing at this address" in response.content


def test_write_methods_on_read_only_pages_are_refused(client):
    assert client.post("/").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_openapi_schema_documents_bearer_tokens(client, executive):
    client.force_login(executive)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert "/api/accounts/organizations/" in schema["paths"]


def test_api_docs_page_uses_only_local_static_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    # Every script and style sheet is served from our own /static/, never from another host.
    assert "https://" not in page and "http://" not in page and "//cdn" not in page
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


def test_admin_login_page_is_branded(client):
    page = client.get("/admin/login/").content.decode()
    assert "Custodian" in page and "csrfmiddlewaretoken" in page
