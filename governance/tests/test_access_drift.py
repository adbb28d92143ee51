"""Drift between catalog levels and applied protection, and access nobody used in 90 days."""

from datetime import UTC, datetime

import pytest
import time_machine

from accounts import roles
from governance.access.drift import access_drift, applied_treatments
from governance.access.usage import unused_access
from governance.tests.access_helpers import policy, raw_table, read, warehouse_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_default_policies")]

NOW = datetime(2027, 4, 2, 12, tzinfo=UTC)


def findings(kind, **kwargs):
    return {(d.table, d.column): d for d in access_drift(now=NOW, **kwargs) if d.kind == kind}


def test_without_a_configured_provider_the_dbt_project_defaults_apply(settings):
    settings.WAREHOUSE_COLUMN_POLICIES = ""
    assert applied_treatments()["users"] == {"email": "tokenise", "full_name": "drop"}


def test_pipeline_drift_names_sensitive_columns_in_clear_and_protected_low_ones(settings):
    settings.WAREHOUSE_COLUMN_POLICIES = ""  # the dbt_project.yml defaults
    raw_table("users", {"email": "L3", "full_name": "L1", "phone": "L4", "plan": "L0", "notes": None})
    raw_table("assets", {"serial_number": "L3"})

    drift = findings("pipeline")

    assert set(drift) == {("users", "full_name"), ("users", "phone")}
    assert drift[("users", "phone")].problem == "L4 column kept in clear"
    assert drift[("users", "full_name")].problem == "dropped while only L1"


def provider():
    return {"users": {"plan": "tokenise"}}


def test_a_configured_provider_replaces_the_defaults(settings):
    settings.WAREHOUSE_COLUMN_POLICIES = f"{__name__}.provider"
    raw_table("users", {"email": "L3", "plan": "L0"})

    drift = findings("pipeline")

    assert drift[("users", "email")].problem == "L3 column kept in clear"
    assert drift[("users", "plan")].problem == "tokenised while only L0"


@time_machine.travel(NOW, tick=False)
def test_reads_logged_at_a_level_the_catalog_no_longer_holds(executive):
    warehouse_table("marts.mart_usage", columns={"tenant_id": "L1", "email": "L3"})
    at = datetime(2027, 3, 30, tzinfo=UTC)
    read(
        executive,
        "marts.mart_usage",
        at,
        roles=[roles.EXECUTIVE],
        columns=[("email", "L2"), ("tenant_id", "L1")],
    )
    read(executive, "marts.mart_usage", NOW, roles=[roles.EXECUTIVE], columns=[("email", "L2")])
    read(executive, "marts.mart_usage", NOW, roles=[roles.EXECUTIVE], columns=[("email", "L3")])

    drift = findings("read")

    assert set(drift) == {("marts.mart_usage", "email")}
    email = drift[("marts.mart_usage", "email")]
    assert (email.catalog_level, email.applied, email.reads, email.last_read_at) == (
        "L3",
        "read as L2",
        2,
        NOW,
    )


def test_unclassified_warehouse_columns_are_gaps_not_l0():
    warehouse_table("marts.mart_usage", columns={"tenant_id": "L1", "notes": None})
    gone = warehouse_table("marts.gone", columns={"x": None})
    gone.removed_at = NOW
    gone.save()

    gaps = findings("gap")

    assert set(gaps) == {("marts.mart_usage", "notes")}
    assert gaps[("marts.mart_usage", "notes")].applied == "masked as L4"


def test_access_unused_for_90_days_is_listed_with_members_and_last_use(executive, data_steward):
    warehouse_table("marts.mart_usage")
    warehouse_table("curated.fact_orders", layer="curated")
    marts = policy(roles.EXECUTIVE, layer="mart")
    everything = policy(roles.DATA_STEWARD)
    policy(roles.CUSTOMER_VIEWER, layer="mart", status="retired")
    long_ago = datetime(2026, 12, 1, tzinfo=UTC)
    read(executive, "marts.mart_usage", datetime(2027, 3, 1, tzinfo=UTC), roles=[roles.EXECUTIVE])
    read(data_steward, "curated.fact_orders", long_ago, roles=[roles.DATA_STEWARD])
    read(data_steward, "curated.fact_orders", NOW, roles=[roles.DATA_STEWARD], outcome="denied")

    unused = unused_access(now=NOW)

    assert [u.policy for u in unused] == [everything]
    assert unused[0].last_used_at == long_ago
    assert unused[0].members == [data_steward.get_full_name()]
    assert marts not in [u.policy for u in unused]


def test_reads_under_another_role_do_not_count_as_use(executive):
    warehouse_table("marts.mart_usage")
    policy(roles.EXECUTIVE, layer="mart")
    read(executive, "marts.mart_usage", NOW, roles=[roles.COMPLIANCE_OFFICER])

    assert [u.role for u in unused_access(now=NOW)] == [roles.EXECUTIVE]
