"""Production serving: `gunicorn` (no arguments) from the repository root reads this file.

Gunicorn listens on loopback behind a reverse proxy that terminates TLS, buffers each request
body before passing it on, and enforces its own body-size limit and client timeouts (see
docs/deployment.md). A slow or stalled client then holds a proxy connection, not a worker
thread; a declared body over REQUEST_MAX_BODY_BYTES is refused by Django before it is read.
Every value can be overridden with GUNICORN_CMD_ARGS or the environment variables below.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads keep a worker answering its other requests while one waits on I/O.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A worker silent for `timeout` seconds is killed and replaced; on reload or shutdown, workers
# get `graceful_timeout` seconds to finish what they are serving.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Request line and headers are bounded before Django sees them (gunicorn answers 400).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle workers now and then, so a slow leak never builds up; jitter avoids all at once.
max_requests = 1000
max_requests_jitter = 100

# Only the proxy may set X-Forwarded-Proto and friends; Django reads the client address the
# same way (TRUSTED_PROXY_IPS, accounts/client_ip.py).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXY_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"


def post_worker_init(worker):
    """Start the chart converter in each worker before it takes requests (reporting/charts/render.py)."""
    from reporting.charts.render import warm_up

    warm_up()
