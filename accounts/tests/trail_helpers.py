"""Direct-SQL tampering with the trail, as someone with database access would do it."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_bypassed():
    """On PostgreSQL the append-only trigger would stop us: act as a superuser who skips it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


def tamper(sql: str, params=()):
    with triggers_bypassed(), connection.cursor() as cursor:
        cursor.execute(sql, params)
