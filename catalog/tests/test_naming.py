"""Dataset identities follow the OpenLineage naming conventions, whoever reports the dataset."""

import duckdb
import pytest
from django.core.management import call_command

from catalog.models import Dataset
from catalog.naming import dbt_node_dataset, file_dataset
from catalog.tests.factories import SystemFactory


def _node(**fields):
    return {"resource_type": "model", "name": "stg_users", **fields}


def test_bigquery_table_is_bigquery_and_project_dataset_table():
    node = _node(database="acme-prod", schema="cleansed", alias="stg_users")
    assert dbt_node_dataset(node, "bigquery") == ("bigquery", "acme-prod.cleansed.stg_users")


def test_duckdb_table_takes_the_stable_namespace_from_settings(settings):
    settings.WAREHOUSE_NAMESPACE = "duckdb://analytics"
    node = _node(database="warehouse", schema="cleansed", relation_name='"warehouse"."cleansed"."stg_users"')
    assert dbt_node_dataset(node, "duckdb") == ("duckdb://analytics", "warehouse.cleansed.stg_users")


def test_a_source_read_from_files_is_named_as_those_files():
    gcs = "read_parquet('gs://acme-lake/custodian/raw/users/*/*.parquet', hive_partitioning = true)"
    local = "read_parquet('/srv/lake/raw/users/**/*.parquet')"
    source = {"resource_type": "source", "name": "users", "database": "warehouse", "schema": "raw"}
    assert dbt_node_dataset({**source, "relation_name": gcs}, "duckdb") == (
        "gs://acme-lake",
        "custodian/raw/users",
    )
    assert dbt_node_dataset({**source, "relation_name": local}, "duckdb") == ("file", "/srv/lake/raw/users")


def test_local_folders_are_absolute_paths_in_the_file_namespace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert file_dataset("lake/raw/users/") == ("file", f"{tmp_path}/lake/raw/users")
    assert file_dataset("gs://bucket/raw/users") == ("gs://bucket", "raw/users")


@pytest.mark.django_db
def test_schema_sync_of_the_warehouse_file_names_its_tables_as_the_warehouse_does(settings, tmp_path):
    settings.WAREHOUSE_DUCKDB_PATH = str(tmp_path / "warehouse.duckdb")
    with duckdb.connect(settings.WAREHOUSE_DUCKDB_PATH) as con:
        con.execute("CREATE SCHEMA curated; CREATE TABLE curated.dim_user (user_id INTEGER)")
    system = SystemFactory(name="Warehouse", connection_url=f"duckdb://{settings.WAREHOUSE_DUCKDB_PATH}")
    call_command("catalog_sync_schema", "--system", system.name)
    [dataset] = Dataset.objects.all()
    assert (dataset.namespace, dataset.name) == (settings.WAREHOUSE_NAMESPACE, "warehouse.curated.dim_user")
