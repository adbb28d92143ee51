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


def test_pii_scan_samples_values_from_the_live_database(duck, capsys):
    from catalog.models import ClassificationSuggestion

    con = duckdb.connect(str(duck))
    con.execute("ALTER TABLE orders ADD COLUMN note VARCHAR")
    con.execute("INSERT INTO orders VALUES (1, 9.5, 'ann@example.test'), (2, 3.0, 'bob@example.test')")
    con.close()
    system = SystemFactory(name="Lake", connection_url=f"duckdb://{duck}")
    _sync(system, capsys)
    call_command("catalog_scan_pii", "--sample", "20")
    out = capsys.readouterr().out
    assert "lake.main.orders.note: 100% of sampled values look like e-mail address" in out
    assert "lake.main.users.email: column name looks like e-mail address" in out
    detectors = set(ClassificationSuggestion.objects.values_list("column__name", "detector"))
    assert detectors == {("note", "value_sample"), ("email", "name_pattern")}
    # Sampled values are only looked at: nothing of them is stored.
    assert "ann@example.test" not in str(list(ClassificationSuggestion.objects.values()))


def test_removals_reach_the_audit_trail_with_the_actor(duck, capsys, data_steward):
    from accounts.audit import acting_as
    from accounts.models import AuditEntry
    from catalog.services import schema_sync

    system = SystemFactory(name="Lake", connection_url=f"duckdb://{duck}")
    _sync(system, capsys)
    con = duckdb.connect(str(duck))
    con.execute("ALTER TABLE users DROP COLUMN age")
    con.execute("DROP TABLE orders")
    con.close()
    with acting_as(data_steward):
        schema_sync(system=system, actor=data_steward)
    for record in (Column.objects.get(name="age"), Dataset.objects.get(name="lake.main.orders")):
        entry = AuditEntry.objects.get_for_object(record).filter(action=AuditEntry.Action.UPDATE).get()
        assert "removed_at" in entry.changes_dict and entry.actor == data_steward
