"""Schema sync against live databases: a DuckDB file, and PostgreSQL's information_schema."""

import duckdb
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.models import Column, Dataset
from catalog.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def duck(tmp_path):
    path = tmp_path / "lake.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR, age INTEGER)")
    con.execute("CREATE TABLE orders (id INTEGER, total DECIMAL(10, 2))")
    con.close()
    return path


def _sync(system, capsys):
    call_command("catalog_sync_schema", "--system", system.name)
    return capsys.readouterr().out


def test_first_sync_creates_datasets_and_columns(duck, capsys):
    system = SystemFactory(name="Lake", connection_url=f"duckdb://{duck}")
    out = _sync(system, capsys)
    assert "new dataset: lake.main.users" in out and "new column: lake.main.users.email" in out
    users = Dataset.objects.get(namespace="duckdb", name="lake.main.users")
    assert users.system == system
    columns = list(users.columns.values_list("name", "data_type", "ordinal_position", "nullable"))
    assert columns == [
        ("id", "INTEGER", 1, False),
        ("email", "VARCHAR", 2, True),
        ("age", "INTEGER", 3, True),
    ]
    assert _sync(system, capsys).strip() == "No changes."


def test_changes_are_reported_and_removals_are_marked_not_deleted(duck, capsys):
    system = SystemFactory(name="Lake", connection_url=f"duckdb://{duck}")
    _sync(system, capsys)
    con = duckdb.connect(str(duck))
    con.execute("ALTER TABLE users DROP COLUMN age")
    con.execute("ALTER TABLE users ADD COLUMN phone VARCHAR")
    con.execute("ALTER TABLE users ALTER COLUMN id TYPE BIGINT")
    con.execute("DROP TABLE orders")
    con.close()
    out = _sync(system, capsys)
    assert "removed dataset: lake.main.orders" in out
    assert "removed column: lake.main.users.age" in out
    assert "new column: lake.main.users.phone" in out
    assert "type changed: lake.main.users.id: INTEGER -> BIGINT" in out
    assert Dataset.objects.get(name="lake.main.orders").removed_at is not None
    assert Column.objects.get(name="age").removed_at is not None


def test_unknown_system_or_unreachable_database_changes_nothing(tmp_path):
    with pytest.raises(CommandError, match="No system named"):
        call_command("catalog_sync_schema", "--system", "nope")
    SystemFactory(name="Broken", connection_url="postgresql://127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(CommandError, match="failed, nothing changed"):
        call_command("catalog_sync_schema", "--system", "Broken")
    SystemFactory(name="Odd", connection_url="mysql://x")
    with pytest.raises(CommandError, match="Unsupported connection URL"):
        call_command("catalog_sync_schema", "--system", "Odd")
    assert not Dataset.objects.exists()


@pytest.mark.services("postgres")
def test_sync_reads_postgresql_information_schema(capsys):
    settings = connection.settings_dict
    url = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("CREATE SCHEMA IF NOT EXISTS sync_probe")
        pg.execute("CREATE TABLE IF NOT EXISTS sync_probe.patients (mrn text NOT NULL, born date)")
    try:
        system = SystemFactory(name="Operational", connection_url=url)
        out = _sync(system, capsys)
    finally:
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("DROP SCHEMA sync_probe CASCADE")
    name = f"{settings['NAME']}.sync_probe.patients"
    assert f"new dataset: {name}" in out
    patients = Dataset.objects.get(name=name)
    assert patients.namespace == f"postgres://{settings['HOST']}:{settings['PORT'] or 5432}"
    assert list(patients.columns.values_list("name", "data_type", "nullable")) == [
        ("mrn", "text", False),
        ("born", "date", True),
    ]
