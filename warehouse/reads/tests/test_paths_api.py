"""The warehouse read API: the table list, queries, refusals, the row limit and the request id."""

import pyarrow as pa
import pytest

from accounts.services import api_token_create
from catalog.models import Dataset
from warehouse import config
from warehouse.reads.models import AccessLog
from warehouse.reads.tests.paths_world import (  # noqa: F401  (paths_world_fixture: the fixture)
    CURATED,
    MART,
    catalog_dataset,
    paths_world_fixture,
    token,
)

QUERY = "/api/v1/warehouse/query/"
TABLES = "/api/v1/warehouse/tables/"


def _post(client, body, **headers):
    return client.post(QUERY, body, content_type="application/json", headers=headers)


def test_table_list_shows_what_each_role_reads_and_which_columns_arrive_masked(
    client, paths_world, executive, data_steward, customer_viewer, submission_manager
):
    client.force_login(executive)
    [mart] = client.get(TABLES).json()
    assert (mart["table"], mart["layer"], mart["clearance"], mart["row_filter"]) == (
        MART,
        "mart",
        "L2",
        "none",
    )
    columns = {c["name"]: (c["level"], c["masked"], c["masking"]) for c in mart["columns"]}
    assert columns["c_l2"] == ("L2", False, "")
    assert columns["c_l3"] == ("L3", True, "hash")
    assert columns["c_l4"] == ("L4", True, "null")
    assert columns["c_unclassified"] == ("unclassified", True, "null")

    client.force_login(data_steward)
    assert [t["table"] for t in client.get(TABLES).json()] == [CURATED, MART]
    client.force_login(customer_viewer)
    assert [(t["table"], t["row_filter"]) for t in client.get(TABLES).json()] == [(MART, "own_organization")]
    client.force_login(submission_manager)
    assert client.get(TABLES).json() == []
    assert not AccessLog.objects.exists()  # listing tables reads no warehouse data


def test_query_with_aggregates_filters_and_order_groups_over_masked_values(client, paths_world, executive):
    client.force_login(executive)
    body = {
        "table": MART,
        "columns": ["tenant_id", "c_l3"],
        "aggregates": [{"function": "count", "alias": "rows"}],
        "filters": [{"column": "c_l0", "op": "in", "value": ["public-1", "public-3"]}],
        "order_by": ["-tenant_id"],
    }
    response = _post(client, body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["rows"] == [
        {"tenant_id": 2, "c_l3": token("cy@globex.test"), "rows": 1},
        {"tenant_id": 1, "c_l3": token("ann@acme.test"), "rows": 1},
    ]
    assert (answer["row_count"], answer["masked"], answer["columns"]) == (
        2, {"c_l3": "hash"}, ["tenant_id", "c_l3", "rows"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"table": "marts.no_such_table"}, "Unknown warehouse table"),
        ({"table": MART, "columns": ["no_such_column"]}, "Unknown column"),
        ({"table": MART, "filters": [{"column": "secret", "op": "=", "value": 1}]}, "Unknown column"),
    ],
)
def test_unknown_table_or_column_is_a_400_with_the_reason_and_logged_as_denied(
    client, paths_world, executive, body, message
):
    client.force_login(executive)
    response = _post(client, body)
    assert response.status_code == 400 and message in response.json()["detail"]
    log = AccessLog.objects.get()
    assert (log.outcome, log.purpose, log.row_count) == (
        AccessLog.Outcome.DENIED,
        AccessLog.Purpose.API,
        None,
    )


def test_a_malformed_body_is_refused_before_the_read_path(client, paths_world, executive):
    client.force_login(executive)
    response = _post(client, {"table": MART, "filters": [{"column": "c_l0", "op": "like", "value": "%"}]})
    assert response.status_code == 400 and '"like" is not a valid choice' in str(response.json()["filters"])
    assert _post(client, {"table": MART, "limit": 10_001}).status_code == 400
    assert not AccessLog.objects.exists()


def test_a_table_outside_the_roles_layers_is_a_403_with_the_reason(client, paths_world, executive):
    client.force_login(executive)
    response = _post(client, {"table": CURATED})
    assert response.status_code == 403
    assert "none of your roles (Executive)" in response.json()["detail"]
    assert AccessLog.objects.get().outcome == AccessLog.Outcome.DENIED


def test_rows_are_limited_to_1000_unless_the_caller_asks_for_fewer(client, paths_world, executive):
    with config.engine() as engine:
        engine.write_arrow("marts.mart_big", pa.table({"n": list(range(1_005))}))
    catalog_dataset("marts.mart_big", Dataset.Layer.MART, {"n": "L0"})
    client.force_login(executive)
    assert _post(client, {"table": "marts.mart_big"}).json()["row_count"] == 1_000
    assert _post(client, {"table": "marts.mart_big", "limit": 5, "order_by": ["n"]}).json()["rows"][-1] == {
        "n": 4
    }
    assert list(AccessLog.objects.order_by("pk").values_list("row_count", flat=True)) == [1_000, 5]


def test_a_cut_result_says_so_and_a_whole_one_does_not(client, paths_world, executive):
    client.force_login(executive)
    cut = _post(client, {"table": MART, "limit": 2}).json()
    assert (cut["row_count"], cut["truncated"]) == (2, True)
    whole = _post(client, {"table": MART, "limit": 3}).json()
    assert (whole["row_count"], whole["truncated"]) == (3, False)


def test_the_request_id_is_kept_or_made_and_returned_and_logged(client, paths_world, executive):
    client.force_login(executive)
    given = _post(client, {"table": MART, "limit": 1}, **{"X-Request-ID": "gw-7f3a"})
    assert given["X-Request-ID"] == "gw-7f3a" == given.json()["request_id"]
    unsafe = _post(client, {"table": MART, "limit": 1}, **{"X-Request-ID": "bad id; drop"})
    made = unsafe["X-Request-ID"]
    assert made != "bad id; drop" and len(made) == 32
    assert list(AccessLog.objects.order_by("pk").values_list("request_id", flat=True)) == ["gw-7f3a", made]


def test_a_bearer_token_reads_as_its_owner_and_no_credentials_read_nothing(client, paths_world, data_steward):
    _, raw = api_token_create(user=data_steward, name="notebook")
    response = _post(client, {"table": CURATED}, Authorization=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["rows"] == [{"person_id": 1, "name": "Ann"}]
    assert AccessLog.objects.get().user == data_steward
    assert _post(client, {"table": CURATED}).status_code in (401, 403)
    assert client.get(TABLES).status_code in (401, 403)
    assert AccessLog.objects.count() == 1
