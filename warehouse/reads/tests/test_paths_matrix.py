"""Each default role x each level x each path, on DuckDB and on the BigQuery emulator: exactly the
intended columns and rows, masked as intended, and exactly one access log row per read with the
path's purpose. The BigQuery half needs BIGQUERY_EMULATOR_HOST (`. .ci/bqemulator.sh`): skipped
without it, failed under REQUIRE_SERVICES=1.

One read per (role, path) returns every level's column at once; `_assert_levels` checks each
level's column separately (L0-L2 in clear at the default clearance L2, L3 keyed hash, L4 and
unclassified nulled). Auditors and customer viewers are not staff: the admin refuses them at its
door, before any read, so those paths log nothing for them.
"""

import csv
import io

import pytest
from django.urls import reverse

from warehouse.reads.models import AccessLog, PhiColumnDailyAccess
from warehouse.reads.tests.paths_world import (  # noqa: F401  (the *_fixture names: the fixtures)
    LEVEL_COLUMNS,
    MART,
    ROWS,
    TENANT_OF_CUSTOMER,
    grant_dataset,
    paths_bigquery_project_fixture,
    paths_world_bigquery_fixture,
    paths_world_fixture,
    token,
)

ALL_ROWS = [row["row_id"] for row in ROWS]
OWN_ROWS = [row["row_id"] for row in ROWS if row["tenant_id"] == TENANT_OF_CUSTOMER]
# persona -> the rows it reads of MART, or None when its policies refuse it
READERS = {
    "executive": ALL_ROWS,
    "data_steward": ALL_ROWS,
    "customer_viewer": OWN_ROWS,
    "auditor": None,  # no grant
    "auditor_granted": ALL_ROWS,
    "compliance_officer": ALL_ROWS,  # reads the marts to build reports (warehouse_reads 0004)
    "submission_manager": None,
}
STAFF = {"executive", "data_steward", "compliance_officer", "submission_manager"}
MASKING = {"c_l3": "hash", "c_l4": "null", "c_unclassified": "null"}  # at clearance L2
PATHS = {
    "api": AccessLog.Purpose.API,
    "preview": AccessLog.Purpose.PREVIEW,
    "export": AccessLog.Purpose.EXPORT,
}


@pytest.fixture(params=["duckdb", pytest.param("bigquery", marks=pytest.mark.services("bigquery"))])
def world(request):
    """The paths world on each engine; returns the mart's Dataset."""
    return request.getfixturevalue("paths_world" if request.param == "duckdb" else "paths_world_bigquery")


def _expected(column, row):
    if column in ("row_id", "tenant_id") or LEVEL_COLUMNS[column] in ("L0", "L1", "L2"):
        return row[column]
    return token(row[column]) if LEVEL_COLUMNS[column] == "L3" else None


def _api(client):
    response = client.post("/api/v1/warehouse/query/", {"table": MART}, content_type="application/json")
    body = response.json()
    return response.status_code, body.get("rows"), body.get("masked")


def _preview(client):
    response = client.get(reverse("admin:warehouse_table_preview", args=[MART]))
    if response.status_code != 200:
        return response.status_code, None, None
    names = [c["name"] for c in response.context["columns"]]
    masked = {c["name"]: c["masking"] for c in response.context["columns"] if c["masking"]}
    return 200, [dict(zip(names, row, strict=True)) for row in response.context["rows"]], masked


def _export(client):
    response = client.get(reverse("admin:warehouse_table_export", args=[MART]))
    if response.status_code != 200:
        return response.status_code, None, None
    text = b"".join(response.streaming_content).decode()
    return 200, list(csv.DictReader(io.StringIO(text))), None  # CSV carries no masking notes


def _assert_levels(path, rows, masked, expected_ids):
    by_id = {int(row["row_id"]): row for row in rows}
    assert sorted(by_id) == expected_ids
    assert set(rows[0]) == {"row_id", "tenant_id", *LEVEL_COLUMNS}
    for source in ROWS:
        if source["row_id"] not in by_id:
            continue
        for column, code in LEVEL_COLUMNS.items():
            want = _expected(column, source)
            got = by_id[source["row_id"]][column]
            if path == "export":  # CSV: text, and an empty cell for null
                want = "" if want is None else str(want)
            assert got == want, f"{code or 'unclassified'} column {column} via {path}: {got!r} != {want!r}"
    if masked is not None:
        assert masked == MASKING


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", READERS)
def test_role_level_path(request, client, world, compliance_officer, persona, path):
    user = request.getfixturevalue(persona.removesuffix("_granted"))
    if persona == "auditor_granted":
        grant_dataset(user, world, actor=compliance_officer)
    client.force_login(user)
    phi_before = PhiColumnDailyAccess.objects.count()

    status, rows, masked = {"api": _api, "preview": _preview, "export": _export}[path](client)

    logged = list(AccessLog.objects.filter(user=user))
    if path != "api" and persona.removesuffix("_granted") not in STAFF:
        assert status == 302 and logged == []  # the admin's door: not staff, nothing read
        return
    assert len(logged) == 1
    log = logged[0]
    engine = request.node.callspec.params["world"]
    assert (log.purpose, log.datasets, log.engine) == (PATHS[path], [MART], engine)
    if READERS[persona] is None:
        assert status == 403
        assert log.outcome == AccessLog.Outcome.DENIED and "may not read" in log.message
        assert PhiColumnDailyAccess.objects.count() == phi_before  # nothing but the denial row
        return
    assert status == 200
    assert log.outcome == AccessLog.Outcome.ALLOWED
    assert log.row_count == len(READERS[persona])
    assert sorted(log.masked_columns) == sorted(f"{MART}.{c}" for c in MASKING)
    assert log.request_id
    _assert_levels(path, rows, masked, READERS[persona])
