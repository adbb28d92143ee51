"""Custodian settings: one module, configured from the environment.

`CUSTODIAN_ENV=production` switches on the hardened mode that `manage.py check --deploy`
must pass cleanly; anything else is development, with zero-setup defaults (SQLite, DuckDB,
a local lake, Celery tasks run in-process).
"""

import logging
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("CUSTODIAN_ENV", default="development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("CUSTODIAN_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(env.str("CUSTODIAN_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret_key(path: Path) -> str:
    """A per-machine key kept under var/, so sessions survive restarts and no key is in git."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when CUSTODIAN_ENV=production.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key(VAR_DIR / "secret_key")

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_apps.CustodianAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "axes",
    "django_celery_beat",
    "accounts",
    "catalog",
    "warehouse",
    "warehouse.reads",
    "governance",
    "submissions",
    "reporting",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an oversized declared body is refused unread (413).
    "portal.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.sessions.ThrottledSessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    # PostgreSQL cannot compare NUL in text: refuse it in query strings before any lookup.
    "portal.text_input.NulRefusingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.AuditActorMiddleware",
    "accounts.middleware.LoginRateLimitMiddleware",
    # axes must stay last: it turns a lockout raised anywhere above into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'custodian.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server, worker and beat share one SQLite file. WAL lets readers work while
    # one process writes; IMMEDIATE transactions take the write lock at BEGIN, so a transaction
    # that reads before it writes waits its turn (the busy timeout, in seconds) instead of
    # failing with "database is locked" when another process wrote in between.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity, passwords, lockout (21 CFR 11.10(d), 11.300) ---------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: in the other order a correct password still logs a locked-out user in.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# The (username, IP) pair is locked, never the username or the IP alone: either alone lets
# anyone lock a user out, or everyone behind a shared address. Per-IP floods are refused
# separately (accounts/ratelimit.py), without marking any account locked.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Proxies (addresses or networks) whose X-Forwarded-For is believed; empty: REMOTE_ADDR only.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=[])
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
LOGIN_IP_WINDOW_SECONDS = env.int("LOGIN_IP_WINDOW_SECONDS", default=15 * 60)
# The per-IP counter lives here: with several server processes use a shared cache (redis://…).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
LOGIN_URL = "admin:login"
# Signing in without ?next= leads to the person's dashboard (reporting/landing.py).
LOGIN_REDIRECT_URL = "admin:landing"

# Sessions end at browser close or after 30 idle minutes. The expiry moves forward at most once
# a minute (accounts/sessions.py), not with a session write on every request: a session ends
# 29 to 30 idle minutes after its last request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Audit ------------------------------------------------------------------------------------
AUDITLOG_DISABLE_REMOTE_ADDR = False
SYSTEM_ACTOR_USERNAME = "system"

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.filtering.BoundedFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "portal.text_input.NulRefusingJSONParser",
        "portal.text_input.NulRefusingFormParser",
        "portal.text_input.NulRefusingMultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Custodian API",
    "DESCRIPTION": "Governance, data catalog and regulatory reporting. "
    "Authenticate with `Authorization: Bearer <token>` (manage.py create_api_token).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["accounts.permissions.ApiDocsAccess"],
    # Keep the default enum hook; then declare the 4xx answers every operation can give.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.add_error_responses",
    ],
}
# /api/schema/ and /api/docs/ list every operation: for signed-in users only in production.
API_DOCS_REQUIRE_SIGN_IN = env.bool("API_DOCS_REQUIRE_SIGN_IN", default=PRODUCTION)

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
# The demo's worker and beat (manage.py demo_serve) meet on an embedded broker that needs no
# server: kombu's filesystem transport, one message file per task under the var dir.
CELERY_EMBEDDED_BROKER = CELERY_BROKER_URL is None and env.bool("CUSTODIAN_DEMO_WORKER", default=False)
if CELERY_EMBEDDED_BROKER and PRODUCTION:
    raise ImproperlyConfigured("CUSTODIAN_DEMO_WORKER is for the demo: set CELERY_BROKER_URL in production.")
if CELERY_EMBEDDED_BROKER:
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is a placeholder the transport ignores
    _broker_queue = VAR_DIR / "celery" / "queue"
    _broker_queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_queue),
        "data_folder_out": str(_broker_queue),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
# Without a broker, tasks run in-process at call time (portal/celery.py logs that it does so).
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
# The embedded broker keeps no results: no caller waits on one, and job runs record their own state.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or (
    None if CELERY_EMBEDDED_BROKER else CELERY_BROKER_URL
)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The schedule is code, reviewed like code; the database scheduler only switches entries on/off.
CELERY_BEAT_SCHEDULE = {
    "accounts-deactivate-dormant-users": {
        "task": "accounts.tasks.deactivate_dormant_users",
        "schedule": crontab(hour=2, minute=15),
    },
}
DORMANT_ACCOUNT_DAYS = env.int("DORMANT_ACCOUNT_DAYS", default=90)

# --- Warehouse and lake -----------------------------------------------------------------------
WAREHOUSE_BACKEND = env.str("WAREHOUSE_BACKEND", default="duckdb")
if WAREHOUSE_BACKEND not in {"duckdb", "bigquery"}:
    raise ImproperlyConfigured("WAREHOUSE_BACKEND must be 'duckdb' or 'bigquery'.")
WAREHOUSE_DUCKDB_PATH = env.str("WAREHOUSE_DUCKDB_PATH", default=str(VAR_DIR / "warehouse.duckdb"))
# The copy that readers outside the pipeline open while the worker writes the main file
# (warehouse/read_copy.py); empty: everyone opens the main file. demo_serve sets it.
WAREHOUSE_DUCKDB_READ_COPY = env.str("WAREHOUSE_DUCKDB_READ_COPY", default="")
# The OpenLineage namespace of the DuckDB warehouse's tables (catalog identities: catalog/naming.py).
# A stable name, not the file's path: moving the file must not give every table a new identity.
WAREHOUSE_NAMESPACE = env.str("WAREHOUSE_NAMESPACE", default="duckdb://custodian")
LAKE_URL = env.str("LAKE_URL", default=str(VAR_DIR / "lake"))

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env.str("EMAIL_HOST", default="")
# Without a mail server, development (the demo) writes each message to a file under var/mail/,
# where the demo's scheduled reports can be opened; production without one logs to the console.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="custodian@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files, i18n -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development serves straight from the app folders, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
logging.captureWarnings(True)

# --- governance (issue 6) ---
# Evidence signing key (ECDSA P-256, PEM). Production must configure it (signing refuses to run
# without it); development generates one under the var dir on first use, like the secret key.
GOVERNANCE_EVIDENCE_KEY_GENERATE = not PRODUCTION
GOVERNANCE_EVIDENCE_KEY_FILE = env.str(
    "GOVERNANCE_EVIDENCE_KEY_FILE", default="" if PRODUCTION else str(VAR_DIR / "evidence-signing-key.pem")
)
GOVERNANCE_EVIDENCE_MAX_BYTES = env.int("GOVERNANCE_EVIDENCE_MAX_BYTES", default=100 * 1024 * 1024)
GOVERNANCE_EVIDENCE_EXTENSIONS = env.list(
    "GOVERNANCE_EVIDENCE_EXTENSIONS",
    default=["pdf", "png", "jpg", "jpeg", "csv", "json", "txt", "log", "xml", "xlsx", "docx", "zip"],
)
GOVERNANCE_SNAPSHOT_ROOT = Path(env.str("GOVERNANCE_SNAPSHOT_ROOT", default=str(VAR_DIR / "snapshots")))
# Readiness: the target window evidence must cover, in days before the scoring day.
GOVERNANCE_READINESS_WINDOW_DAYS = env.int("GOVERNANCE_READINESS_WINDOW_DAYS", default=90)
CELERY_BEAT_SCHEDULE.update(
    {
        # 03:00 UTC on the 1st: freeze the month that just ended, for every framework.
        "governance-monthly-snapshots": {
            "task": "governance.tasks.snapshot_previous_month",
            "schedule": crontab(minute=0, hour=3, day_of_month=1),
        },
        # 01:30 UTC every day: re-hash stored evidence files, flag mismatches and missing files.
        "governance-evidence-rehash": {
            "task": "governance.tasks.rehash_all_evidence",
            "schedule": crontab(minute=30, hour=1),
        },
        # 04:00 UTC every day: record the day's readiness scores (history for the charts).
        "governance-readiness-scores": {
            "task": "governance.tasks.record_readiness_scores",
            "schedule": crontab(minute=0, hour=4),
        },
        # Every 5 minutes (the events job's pace): stale-data incidents, one alert per episode.
        "governance-quality-freshness": {
            "task": "governance.tasks.check_freshness",
            "schedule": crontab(minute="*/5"),
        },
        # 04:30 UTC every day, after the daily warehouse build: key metrics and their anomalies.
        "governance-quality-anomalies": {
            "task": "governance.tasks.detect_metric_anomalies",
            "schedule": crontab(minute=30, hour=4),
        },
    }
)


# --- accounts: audit trail and e-signatures (issue 7) ---
# auditlog writes its field history into our hash-chained, append-only entry (docs/audit-trail.md).
AUDITLOG_LOGENTRY_MODEL = "accounts.AuditEntry"
CELERY_BEAT_SCHEDULE["accounts-audit-verify"] = {
    "task": "accounts.tasks.audit_verify",
    "schedule": crontab(hour=3, minute=5),
}
# --- warehouse access (issue 16): 00:10 UTC, seal yesterday's access log (and any day missed) ---
CELERY_BEAT_SCHEDULE["warehouse-access-log-seal"] = {
    "task": "warehouse.reads.tasks.access_log_seal",
    "schedule": crontab(hour=0, minute=10),
}
# 05:00 UTC on the first day of each quarter: open every data owner's access review.
CELERY_BEAT_SCHEDULE["governance-access-reviews"] = {
    "task": "governance.tasks.open_access_reviews",
    "schedule": crontab(minute=0, hour=5, day_of_month=1, month_of_year="1,4,7,10"),
}
# Raw saves are fixture loads (loaddata, test database restores): they bring back rows *with*
# their trail entries, so logging them again would add a second, unchained copy of history.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- catalog (issue 3) ---
# OpenLineage bodies above this size are refused with 413 before they are parsed.
CATALOG_LINEAGE_MAX_BODY_BYTES = env.int("CATALOG_LINEAGE_MAX_BODY_BYTES", default=10 * 1024 * 1024)
# One event (a batch holds many), one facet, and how deeply an event may nest: past these an
# event is refused with the field named (docs/catalog.md, "Limits").
CATALOG_LINEAGE_MAX_EVENT_BYTES = env.int("CATALOG_LINEAGE_MAX_EVENT_BYTES", default=4 * 1024 * 1024)
CATALOG_LINEAGE_MAX_FACET_BYTES = env.int("CATALOG_LINEAGE_MAX_FACET_BYTES", default=3 * 1024 * 1024)
CATALOG_LINEAGE_MAX_DEPTH = env.int("CATALOG_LINEAGE_MAX_DEPTH", default=64)
# The lineage event body endpoint refuses to return a stored body larger than this (413).
CATALOG_LINEAGE_MAX_PAYLOAD_RESPONSE_BYTES = env.int(
    "CATALOG_LINEAGE_MAX_PAYLOAD_RESPONSE_BYTES", default=4 * 1024 * 1024
)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["PiiCategoryEnum"] = "catalog.models.PiiCategory"

# --- submissions (issue 9) ----------------------------------------------------------------------
# The official ICH util files (dtd/ich-ectd-3-2.dtd, style/ectd-2-0.xsl) are not ours to ship:
# point this at the folder where you keep them; builds copy them into each sequence.
SUBMISSIONS_ECTD_UTIL_DIR = env.str("SUBMISSIONS_ECTD_UTIL_DIR", default="")
SUBMISSIONS_MAX_DOCUMENT_BYTES = env.int("SUBMISSIONS_MAX_DOCUMENT_MB", default=2048) * 1024 * 1024
SUBMISSIONS_ALLOWED_EXTENSIONS = {"pdf", "xml", "xpt", "txt"}
SUBMISSIONS_PACKAGE_DIR = env.str("SUBMISSIONS_PACKAGE_DIR", default=str(VAR_DIR / "packages"))
CELERY_BEAT_SCHEDULE["submissions-correspondence-reminders"] = {
    "task": "submissions.tasks.send_correspondence_reminders",
    "schedule": crontab(hour=6, minute=30),
}

# --- governance: audits, findings, CAPA, training (issue 7) ---
# Readiness points lost per finding past due, by severity, and per CAPA past due (docs/governance.md).
GOVERNANCE_PENALTY_FINDING_POINTS = {"critical": 10, "major": 5, "minor": 2, "observation": 0}
GOVERNANCE_PENALTY_CAPA_POINTS = 3
# 05:30 UTC every day: schedule due effectiveness checks, flag overdue findings and CAPAs.
CELERY_BEAT_SCHEDULE["governance-capa-overdue"] = {
    "task": "governance.tasks.flag_overdue",
    "schedule": crontab(minute=30, hour=5),
}

# --- portal: auditor portal (issue 8) ---
# TOTP second factor for auditors (django-otp); its middleware must follow authentication.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
OTP_TOTP_ISSUER = "Custodian"
# The device admin never shows a TOTP key or its QR code: an auditor's secret stays on their phone.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PORTAL_LOGIN_URL = "/portal/"
# Auditors are signed out after this many idle seconds (staff sessions: SESSION_IDLE_SECONDS).
# Last activity is recorded at most every SESSION_REFRESH_SECONDS: 15 min means 14 to 15 min.
PORTAL_IDLE_SECONDS = env.int("PORTAL_IDLE_SECONDS", default=15 * 60)
# Embed links (docs/embedding.md): the longest a link may run, and whether plain-http loopback
# origins (http://127.0.0.1:PORT) may frame them, which only a test or a local demo needs.
EMBED_LINK_MAX_DAYS = env.int("EMBED_LINK_MAX_DAYS", default=90)
EMBED_ALLOW_HTTP_LOOPBACK = env.bool("EMBED_ALLOW_HTTP_LOOPBACK", default=False)


# --- warehouse (issue 4) ---
# Cold storage for the lake (retention moves old partitions there); empty = none configured.
WAREHOUSE_COLD_LAKE_URL = env.str("WAREHOUSE_COLD_LAKE_URL", default="")
WAREHOUSE_WORK_DIR = env.str("WAREHOUSE_WORK_DIR", default=str(VAR_DIR / "dbt"))
WAREHOUSE_DBT_THREADS = env.int("WAREHOUSE_DBT_THREADS", default=2)
WAREHOUSE_DUCKDB_MEMORY_LIMIT = env.str("WAREHOUSE_DUCKDB_MEMORY_LIMIT", default="")  # e.g. "1GB"
# Key of the keyed hash that tokenises L3/L4 columns in the cleansed layer. Derived from
# SECRET_KEY when unset; set it explicitly in production so rotating SECRET_KEY keeps tokens stable.
WAREHOUSE_TOKEN_KEY = (
    env.str("WAREHOUSE_TOKEN_KEY", default="")
    or __import__("hashlib").sha256(f"custodian-warehouse-token:{SECRET_KEY}".encode()).hexdigest()
)
WAREHOUSE_BIGQUERY_PROJECT = env.str("WAREHOUSE_BIGQUERY_PROJECT", default="")
WAREHOUSE_BIGQUERY_LOCATION = env.str("WAREHOUSE_BIGQUERY_LOCATION", default="US")
WAREHOUSE_BIGQUERY_ENDPOINT = env.str("WAREHOUSE_BIGQUERY_ENDPOINT", default="")  # the emulator, in tests
# Receives each run's OpenLineage events and dbt artifacts (see docs/warehouse.md): by default the
# catalog's dbt import and OpenLineage ingestion.
WAREHOUSE_LINEAGE_SINK = env.str(
    "WAREHOUSE_LINEAGE_SINK", default="warehouse.catalog_sink.warehouse_run_to_catalog"
)
WAREHOUSE_JOB_MAX_RETRIES = env.int("WAREHOUSE_JOB_MAX_RETRIES", default=3)
# Dotted path to a callable returning {table: {column: "tokenise"|"drop"}}: by default the
# catalog's L3/L4 raw columns merged over warehouse/dbt/dbt_project.yml's (stricter wins);
# empty = the dbt_project.yml defaults alone.
WAREHOUSE_COLUMN_POLICIES = env.str(
    "WAREHOUSE_COLUMN_POLICIES", default="warehouse.column_policies.catalog_column_policies"
)
# Data-quality checks kept in YAML beside the dbt project (docs/quality.md); empty = none loaded.
QUALITY_CHECKS_YAML_DIR = env.str("QUALITY_CHECKS_YAML_DIR", default=str(BASE_DIR / "warehouse/dbt/quality"))
CELERY_BEAT_SCHEDULE.update(
    {
        "warehouse-events": {
            "task": "warehouse.tasks.run_scheduled_job",
            "schedule": crontab(minute="*/5"),
            "args": ["events"],
        },
        "warehouse-hourly-aggregates": {
            "task": "warehouse.tasks.run_scheduled_job",
            "schedule": crontab(minute=7),
            "args": ["hourly"],
        },
        "warehouse-daily-reports": {
            "task": "warehouse.tasks.run_scheduled_job",
            "schedule": crontab(hour=3, minute=30),
            "args": ["daily"],
        },
    }
)


# --- warehouse CDC (issue 5) ---
# Where CDC's lineage and schema-change events go (the catalog's ingestion, once merged).
CDC_CATALOG_SINK = env.str("CDC_CATALOG_SINK", default="warehouse.catalog_sink.cdc_to_catalog")
CELERY_BEAT_SCHEDULE["warehouse-cdc-monitor"] = {"task": "warehouse.cdc.tasks.cdc_monitor", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["warehouse-cdc-poll"] = {"task": "warehouse.cdc.tasks.cdc_poll_all", "schedule": 60.0}


# --- portal: serving (gunicorn.conf.py, docs/deployment.md) ---
# Declared request bodies above this are refused with 413 before any view reads them. The
# default leaves room for the largest upload (submission documents) plus multipart overhead.
REQUEST_MAX_BODY_BYTES = env.int(
    "REQUEST_MAX_BODY_BYTES",
    default=max(SUBMISSIONS_MAX_DOCUMENT_BYTES, GOVERNANCE_EVIDENCE_MAX_BYTES) + 16 * 1024 * 1024,
)
# Form fields and request.body kept in memory (Django's default, stated): files stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
