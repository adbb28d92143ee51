"""The test override: fast password hashing and tasks run in-process unless a test starts a worker."""

import os
import tempfile
from pathlib import Path

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Uploaded evidence and documents go to a throw-away folder, never into the developer's var/.
# Processes a test starts (manage.py commands) inherit the same folder through the environment.
MEDIA_ROOT = Path(os.environ.get("CUSTODIAN_TEST_MEDIA") or tempfile.mkdtemp(prefix="custodian-test-media-"))
os.environ["CUSTODIAN_TEST_MEDIA"] = str(MEDIA_ROOT)
# portal (issue 8): seed_demo now freezes a snapshot; keep it out of var/ too.
GOVERNANCE_SNAPSHOT_ROOT = MEDIA_ROOT / "snapshots"
# Packages the demo builds and signs off, likewise.
SUBMISSIONS_PACKAGE_DIR = str(MEDIA_ROOT / "packages")
# The warehouse (lake, DuckDB file, dbt work folder) likewise: a test run never reads what an
# earlier run or the developer's own demo left in var/ (the demo's "already built" marker).
# A test that starts a process with its own LAKE_URL (and the like) keeps it.
WAREHOUSE_DUCKDB_PATH = os.environ.get("WAREHOUSE_DUCKDB_PATH", str(MEDIA_ROOT / "warehouse.duckdb"))
LAKE_URL = os.environ.get("LAKE_URL", str(MEDIA_ROOT / "lake"))
WAREHOUSE_WORK_DIR = os.environ.get("WAREHOUSE_WORK_DIR", str(MEDIA_ROOT / "warehouse"))
# Every test opens the main DuckDB file unless it sets a read copy itself (a developer's
# exported demo setting would otherwise point the tests at the demo's copy).
WAREHOUSE_DUCKDB_READ_COPY = ""
# Data-quality checks from YAML are loaded only by the tests that point this at a folder.
QUALITY_CHECKS_YAML_DIR = os.environ.get("QUALITY_CHECKS_YAML_DIR", "")
