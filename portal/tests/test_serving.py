"""Serving hardening: oversized bodies refused unread, API docs behind sign-in in production,
the shipped gunicorn configuration, and `check --deploy` with only the documented environment.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import AccessEvent
from accounts.services import api_token_create
from accounts.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TEN_GIB = str(10 * 1024**3)


def _manage(*args, tmp_path, **env):
    """manage.py with nothing but PATH and the given variables: no developer setting leaks in."""
    env = {"PATH": os.environ["PATH"], "CUSTODIAN_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _last_line(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


PRODUCTION_ENV = {
    "CUSTODIAN_ENV": "production",
    "SECRET_KEY": "x7-" + "k9Qz!" * 12,
    "ALLOWED_HOSTS": "custodian.example.com",
}


def test_check_deploy_is_clean_with_only_the_documented_environment(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_production_mode_puts_the_api_docs_behind_sign_in(tmp_path):
    show = "from django.conf import settings; print(settings.API_DOCS_REQUIRE_SIGN_IN)"
    assert _last_line(_manage("shell", "-c", show, tmp_path=tmp_path, **PRODUCTION_ENV)) == "True"
    assert _last_line(_manage("shell", "-c", show, tmp_path=tmp_path)) == "False"


@pytest.mark.django_db
@override_settings(API_DOCS_REQUIRE_SIGN_IN=True)
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_with_sign_in_required_anonymous_readers_get_no_api_docs(client, url):
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert b"openapi" not in response.content and b"swagger" not in response.content.lower()


@pytest.mark.django_db
@override_settings(API_DOCS_REQUIRE_SIGN_IN=True)
def test_with_sign_in_required_a_token_or_session_reads_the_api_docs(client, compliance_officer):
    _, raw = api_token_create(user=compliance_officer, name="docs")
    schema = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert schema.status_code == 200 and b"openapi" in schema.content
    client.force_login(compliance_officer)
    assert b"swagger" in client.get("/api/docs/").content.lower()


@pytest.mark.django_db
@override_settings(API_DOCS_REQUIRE_SIGN_IN=False)
def test_in_development_the_api_schema_stays_public(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"openapi" in response.content


@pytest.mark.django_db
def test_a_declared_body_over_the_limit_is_refused_unread(client, compliance_officer):
    response = client.post(
        "/admin/login/", {"username": "carla", "password": PASSWORD}, CONTENT_LENGTH=TEN_GIB
    )
    assert response.status_code == 413
    assert f"the limit is {settings.REQUEST_MAX_BODY_BYTES} bytes" in response.content.decode()
    assert not AccessEvent.objects.exists() and "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(REQUEST_MAX_BODY_BYTES=1000)
def test_the_body_limit_is_a_setting_and_smaller_bodies_pass(client, compliance_officer):
    fields = {"username": "carla", "password": PASSWORD}
    assert client.post("/admin/login/", {**fields, "pad": "x" * 1000}).status_code == 413
    assert client.post("/admin/login/", fields).status_code == 302


@pytest.mark.django_db
def test_a_malformed_content_length_is_a_clear_400(client):
    response = client.post("/admin/login/", {"username": "x"}, CONTENT_LENGTH="12abc")
    assert response.status_code == 400 and b"Malformed Content-Length" in response.content


def test_the_shipped_gunicorn_configuration_bounds_slow_clients():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["wsgi_app"] == "portal.wsgi:application"
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert 0 < conf["timeout"] <= 120 and 0 < conf["graceful_timeout"] <= conf["timeout"]
    assert conf["limit_request_line"] <= 8190 and conf["limit_request_fields"] <= 100
    assert conf["limit_request_field_size"] <= 8190
