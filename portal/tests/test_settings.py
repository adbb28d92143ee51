"""Settings come from the environment; the production mode passes `check --deploy` cleanly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}}
    env.update({"CUSTODIAN_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"})
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_mode_passes_check_deploy_with_no_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "CUSTODIAN_ENV": "production",
            "SECRET_KEY": "x7-" + "k9Qz!" * 12,
            "ALLOWED_HOSTS": "custodian.example.com",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_development_mode_fails_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS outside production


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _manage("check", env_extra={"CUSTODIAN_ENV": "production"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when CUSTODIAN_ENV=production" in result.stderr


def test_development_generates_a_private_secret_key_under_var(tmp_path):
    result = _manage("check", env_extra={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_without_a_broker_the_log_says_tasks_run_in_process(tmp_path):
    result = _manage("check", env_extra={"CELERY_BROKER_URL": ""}, tmp_path=tmp_path)
    assert "Celery tasks run in-process, eagerly" in result.stderr


def test_unknown_warehouse_backend_is_a_clear_error(tmp_path):
    result = _manage("check", env_extra={"WAREHOUSE_BACKEND": "oracle"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "WAREHOUSE_BACKEND must be 'duckdb' or 'bigquery'" in result.stderr
