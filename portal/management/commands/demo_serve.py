"""Serve the demo: the web server, one Celery worker and beat, on the embedded broker."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.supervisor import Child, supervise
from warehouse.read_copy import read_copy_publish


def demo_children(address: str) -> list[Child]:
    """The three processes of the demo. One worker process (`--pool solo`): jobs run one after
    another, which DuckDB needs anyway (one writing process per warehouse file)."""
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    return [
        Child("web", [sys.executable, "manage.py", "runserver", address, "--noreload"]),
        Child("worker", [*celery, "worker", "--pool=solo", "--loglevel=INFO", "--hostname=demo@%h"]),
        Child("beat", [*celery, "beat", "--loglevel=INFO", f"--scheduler={settings.CELERY_BEAT_SCHEDULER}"]),
    ]


def demo_environment() -> dict[str, str]:
    """The children's environment: ours, with the embedded broker switched on. A configured
    CELERY_BROKER_URL (Redis) wins: then the worker and beat use it instead."""
    env = dict(os.environ)
    env["CUSTODIAN_DEMO_WORKER"] = "1"
    env["CUSTODIAN_VAR_DIR"] = str(settings.VAR_DIR)
    # The web process reads this copy while the worker builds the main file (docs/warehouse.md).
    env.setdefault("WAREHOUSE_DUCKDB_READ_COPY", str(settings.VAR_DIR / "warehouse-published.duckdb"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    return env


class Command(BaseCommand):
    help = (
        "Serve the demo: runserver, a Celery worker and Celery beat (database scheduler) together, "
        "on an embedded broker under the var dir. Ctrl-C stops all three; so does any one of them exiting."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000", help="host:port to serve on")

    def handle(self, *args, address, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_serve refuses to run with CUSTODIAN_ENV=production.")
        self._refuse_unmigrated_database()
        self.stdout.write(f"Custodian demo: http://{address}/ with a worker and beat (Ctrl-C stops all).")
        self.stdout.write(f"Mail goes to {settings.EMAIL_FILE_PATH}/ unless EMAIL_HOST is set.")
        env = demo_environment()
        # Before the worker starts, the main file is free: the web process has a copy from the start.
        read_copy_publish(to=env["WAREHOUSE_DUCKDB_READ_COPY"])
        why = supervise(demo_children(address), cwd=settings.BASE_DIR, env=env, say=self.stdout.write)
        self.stdout.write(f"Demo stopped: {why}.")
        if why != "interrupted":
            raise CommandError(f"The demo stopped because {why}.")

    def _refuse_unmigrated_database(self):
        # Connecting here also switches a new SQLite file to WAL before three processes race to.
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database has unapplied migrations: run `make setup` (or migrate) first.")
