"""Twins from the earlier naming become one dataset, keeping all that either twin knew."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry
from catalog.models import (
    ClassificationSuggestion,
    Column,
    ColumnLineageEdge,
    DataCheck,
    Dataset,
    GlossaryTerm,
    LineageEdge,
)
from catalog.services import dataset_update
from catalog.services.identity import dataset_merge
from catalog.tests.factories import ColumnFactory, DatasetFactory, JobFactory, column_edge

pytestmark = pytest.mark.django_db
WAREHOUSE_FILE = "/srv/custodian/var/warehouse.duckdb"
migration = importlib.import_module("catalog.migrations.0007_merge_dataset_twins")


@pytest.fixture
def old_naming(settings):
    settings.WAREHOUSE_DUCKDB_PATH = WAREHOUSE_FILE
    settings.LAKE_URL = "/srv/custodian/var/lake"
    return settings


def _dbt_twin(schema, table, **fields):
    return DatasetFactory(namespace="duckdb", name=f"warehouse.{schema}.{table}", source="dbt", **fields)


def _event_twin(schema, table, **fields):
    namespace = f"duckdb://{WAREHOUSE_FILE}"
    return DatasetFactory(namespace=namespace, name=f"{schema}.{table}", source="openlineage", **fields)


def _run_migration():
    migration.merge_twins(apps, None)


def test_migration_merges_twins_keeping_columns_edges_checks_suggestions_history(old_naming, data_steward):
    term = GlossaryTerm.objects.create(name="User", definition="A person who signs in.", status="approved")
    dbt_dim = _dbt_twin("curated", "dim_user", description="One row per user.", layer="curated", tags=["pii"])
    event_dim = _event_twin("curated", "dim_user", row_count=42, layer="")
    dbt_stg, event_stg = _dbt_twin("cleansed", "stg_users"), _event_twin("cleansed", "stg_users")
    ColumnFactory(dataset=dbt_dim, name="user_id", data_type="", description="The user's key.")
    ColumnFactory(dataset=dbt_dim, name="email").glossary_terms.add(term)
    event_user_id = ColumnFactory(dataset=event_dim, name="user_id", data_type="BIGINT")
    tenant = ColumnFactory(dataset=event_dim, name="tenant_id")
    ClassificationSuggestion.objects.create(column=tenant, detector="name_pattern", reason="looks like a key")
    key = dbt_dim.columns.get(name="user_id")
    DataCheck.objects.create(unique_id="t.nn", dataset=dbt_dim, name="nn", test_type="not_null", column=key)
    dbt_job, shared_job = JobFactory(namespace="dbt"), JobFactory()
    # the same job's edge on both twins is one edge after the merge
    for upstream, downstream, job in [
        (dbt_stg, dbt_dim, dbt_job),
        (dbt_stg, dbt_dim, shared_job),
        (event_stg, event_dim, shared_job),
    ]:
        LineageEdge.objects.create(input_dataset=upstream, output_dataset=downstream, job=job)
    column_edge(ColumnFactory(dataset=event_stg, name="user_id"), event_user_id, job=shared_job)
    dataset_update(dataset=event_dim, actor=data_steward, description="Users as the run saw them.")
    twin_pks = {str(dbt_dim.pk), str(event_dim.pk)}

    _run_migration()

    dim = Dataset.objects.get(name__endswith="dim_user")
    assert (dim.namespace, dim.name) == (old_naming.WAREHOUSE_NAMESPACE, "warehouse.curated.dim_user")
    assert (dim.description, dim.layer, dim.row_count) == ("One row per user.", "curated", 42)
    assert dim.tags == ["pii"]
    columns = {c.name: c for c in Column.objects.filter(dataset=dim)}
    assert set(columns) == {"user_id", "email", "tenant_id"}
    assert (columns["user_id"].description, columns["user_id"].data_type) == ("The user's key.", "BIGINT")
    assert list(columns["email"].glossary_terms.all()) == [term]
    assert DataCheck.objects.get().column == columns["user_id"]
    assert ClassificationSuggestion.objects.get().column == columns["tenant_id"]
    stg = Dataset.objects.get(name__endswith="stg_users")
    edges = LineageEdge.objects.values_list("input_dataset", "output_dataset", "job")
    assert sorted(edges) == sorted([(stg.pk, dim.pk, dbt_job.pk), (stg.pk, dim.pk, shared_job.pk)])
    edge = ColumnLineageEdge.objects.get()
    assert (edge.input_column.dataset, edge.output_column) == (stg, columns["user_id"])
    # the twin's own history stays in the trail; the survivor's names the twin it absorbed
    assert AuditEntry.objects.filter(object_pk__in=twin_pks - {str(dim.pk)}).exists()
    merged = AuditEntry.objects.get_for_object(dim).filter(additional_data__has_key="merged_dataset_id")
    assert merged.get().additional_data["merged_identity"] in {str(dbt_dim), str(event_dim)}
    assert Dataset.objects.count() == 2


def test_lake_folder_and_the_dbt_source_over_it_become_one_file_dataset(old_naming):
    event_lake = DatasetFactory(namespace="file:///srv/custodian/var/lake", name="raw/users", layer="")
    _dbt_twin("raw", "users", layer="raw", description="Change events of users.")
    read = DatasetFactory(namespace=f"duckdb://{WAREHOUSE_FILE}", name="cleansed.stg_users")
    LineageEdge.objects.create(input_dataset=event_lake, output_dataset=read, job=JobFactory())

    _run_migration()

    lake = Dataset.objects.get(namespace="file")
    assert (lake.name, lake.description) == ("/srv/custodian/var/lake/raw/users", "Change events of users.")
    assert LineageEdge.objects.get().input_dataset == lake
    assert Dataset.objects.count() == 2


def test_datasets_named_today_are_left_alone(old_naming):
    DatasetFactory(namespace=old_naming.WAREHOUSE_NAMESPACE, name="warehouse.curated.dim_user")
    DatasetFactory(namespace="postgres://db:5432", name="workorders.public.users")
    DatasetFactory(namespace="duckdb", name="lake.main.users", source="schema_sync")
    before = list(Dataset.objects.values_list("pk", "namespace", "name"))
    _run_migration()
    assert list(Dataset.objects.values_list("pk", "namespace", "name")) == before


def test_a_dataset_is_not_merged_into_itself(data_steward):
    dataset = DatasetFactory()
    with pytest.raises(ValidationError, match="into itself"):
        dataset_merge(survivor=dataset, twin=dataset, actor=data_steward)
    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_a_warehouse_table_another_producer_named_duckdb_joins_its_twin(old_naming):
    demo = {"source": "openlineage", "description": "Demo", "removed_at": timezone.now()}
    DatasetFactory(namespace="duckdb", name="warehouse.curated.dim_user", **demo)
    _event_twin("curated", "dim_user", row_count=3)
    _run_migration()
    dim = Dataset.objects.get()
    assert (dim.namespace, dim.name) == (old_naming.WAREHOUSE_NAMESPACE, "warehouse.curated.dim_user")
    assert (dim.description, dim.row_count) == ("Demo", 3)
    assert dim.removed_at is None  # the run still reports the table: it is live


def test_the_demos_relative_lake_path_joins_the_lake_folder(old_naming):
    DatasetFactory(namespace="file", name="lake/raw/users", description="Users as captured.")
    DatasetFactory(namespace="file:///srv/custodian/var/lake", name="raw/users", row_count=7)
    _run_migration()
    lake = Dataset.objects.get()
    assert (lake.namespace, lake.name) == ("file", "/srv/custodian/var/lake/raw/users")
    assert (lake.description, lake.row_count) == ("Users as captured.", 7)
