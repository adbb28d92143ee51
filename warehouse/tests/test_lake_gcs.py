"""The lake on gs:// against gcp-storage-emulator (`. .ci/gcsemulator.sh` starts one)."""

import json
import os
import urllib.request
import uuid

import pyarrow as pa
import pytest

from warehouse import lake as lake_module
from warehouse.lake import Lake

pytestmark = pytest.mark.services("gcs")


@pytest.fixture
def bucket():
    name = f"lake-{uuid.uuid4().hex[:8]}"
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        f"{os.environ['STORAGE_EMULATOR_HOST']}/storage/v1/b?project=custodian",
        data=json.dumps({"name": name}).encode(), headers={"Content-Type": "application/json"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - the local emulator
    return name


def test_partitioned_atomic_writes_and_reads_on_gcs(bucket, monkeypatch):
    lake = Lake(f"gs://{bucket}/custodian", cold_url=f"gs://{bucket}/cold")
    data = pa.table({"id": [1, 2, 3], "date": ["2025-01-01", "2025-01-01", "2025-01-02"]})
    lake.write("raw", "usage", data, batch="b1")
    lake.write("raw", "usage", data, batch="b1")  # a retried batch replaces its objects
    assert lake.tables("raw") == ["usage"]
    assert [p.split("/usage/")[1] for p in lake.files("raw", "usage")] == [
        "date=2025-01-01/part-b1.parquet",
        "date=2025-01-02/part-b1.parquet",
    ]
    assert sorted(lake.read("raw", "usage").column("id").to_pylist()) == [1, 2, 3]
    assert lake.table_url("raw", "usage") == f"gs://{bucket}/custodian/raw/usage/**/*.parquet"

    def crash(*args):
        raise OSError("killed before publishing")

    monkeypatch.setattr(lake_module, "_publish_file", crash)
    with pytest.raises(OSError):
        lake.write("raw", "usage", pa.table({"id": [9], "date": ["2025-01-03"]}), batch="b2")
    assert lake.read("raw", "usage").num_rows == 3  # the unpublished object is invisible
    monkeypatch.undo()
    lake.cold().write("raw", "usage", data, batch="archived")
    assert lake.cold().read("raw", "usage").num_rows == 3
