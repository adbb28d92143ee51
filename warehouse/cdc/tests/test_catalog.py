"""The capture is a job in the catalog, and a schema change shows there: nobody types it."""

import pytest

from catalog.models import Column, Dataset, Job, LineageEdge
from warehouse.cdc.tests.conftest import execute
from warehouse.cdc.tests.test_capture import consume, setup_source

pytestmark = [pytest.mark.services("postgres"), pytest.mark.django_db]


def test_capture_and_schema_change_reach_the_catalog(source_dsn, lake_dir, settings, caplog):
    assert settings.CDC_CATALOG_SINK == "warehouse.catalog_sink.cdc_to_catalog"
    setup_source(source_dsn)
    execute(source_dsn, "insert into users values (1, 1, 'a@x.example', now())")
    execute(source_dsn, "alter table users add column locale text",
            "insert into users values (2, 1, 'b@x.example', now(), 'de-DE')")  # fmt: skip
    consume()

    job = Job.objects.get(name="cdc.wo")
    raw_users = Dataset.objects.get(namespace="file", name=f"{lake_dir}/raw/users")
    assert Column.objects.filter(dataset=raw_users, name="locale").exists()
    upstream = LineageEdge.objects.filter(job=job, output_dataset=raw_users).values_list(
        "input_dataset__name", flat=True
    )
    assert [name.rsplit(".", 1)[-1] for name in upstream] == ["users"]
    assert "refused by the catalog" not in caplog.text and "sink failed" not in caplog.text
