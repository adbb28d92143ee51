import os

import pytest
from django.core.management import call_command

from catalog.models import ClassificationSuggestion, Dataset, GlossaryTerm, LineageEdge
from catalog.selectors import impact_get

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_lineage_chain_with_suggestions_and_approved_terms(settings, monkeypatch):
    # The subject is the catalog's hand-made chain. Whether this seed also builds the demo
    # warehouse (whose run adds its own tables and edges) depends on what ran before in the
    # session, so the build is left out here; warehouse/tests/test_demo.py covers it.
    monkeypatch.setattr("portal.management.commands.seed_demo.seed_warehouse", lambda: "not built")
    call_command("seed_demo")
    source = Dataset.objects.get(name="workorders.public.users")
    downstream = impact_get(kind="dataset", start=source, direction="downstream", depth=10)
    # the lake's folder and the warehouse's tables, named as their own producers name them
    warehouse, lake = settings.WAREHOUSE_NAMESPACE, os.path.abspath(settings.LAKE_URL)
    assert [n["name"] for n in downstream["nodes"]] == [
        f"file/{lake}/raw/users",
        f"{warehouse}/warehouse.cleansed.users",
        f"{warehouse}/warehouse.curated.dim_user",
        f"{warehouse}/warehouse.mart.engagement",
    ]
    assert LineageEdge.objects.count() == 4
    assert set(GlossaryTerm.objects.values_list("status", flat=True)) == {"approved"}
    # The demo's steward classifies every operational column; each proposes its level downstream.
    propagated = ClassificationSuggestion.objects.filter(detector="propagation", column__name="email")
    # The e-mail reaches raw and cleansed; the hash in dim_user stops it.
    assert {s.column.dataset.name for s in propagated} == {f"{lake}/raw/users", "warehouse.cleansed.users"}
    assert ClassificationSuggestion.objects.filter(detector="name_pattern", column__name="full_name").exists()
