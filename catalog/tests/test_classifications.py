"""L0-L4 come from the versioned YAML file, are reloadable, and cannot be edited in the admin."""

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Classification

pytestmark = pytest.mark.django_db


def test_migrations_load_the_five_levels_with_their_handling_rules():
    rows = list(Classification.objects.values_list("code", "level", "masking_required"))
    assert rows == [("L0", 0, False), ("L1", 1, False), ("L2", 2, False), ("L3", 3, True), ("L4", 4, True)]
    l4 = Classification.objects.get(code="L4")
    assert l4.urn == "urn:custodian:classification:L4"
    assert l4.allowed_regions == ["us-central1", "us-east1"] and l4.minimum_retention_days == 2190
    assert l4.source_version == "2026.1"


def test_reloading_changes_nothing_and_a_bad_file_is_refused(tmp_path, capsys):
    before = list(Classification.objects.values())
    call_command("catalog_load_classifications")
    assert "5 classification levels in place." in capsys.readouterr().out
    assert list(Classification.objects.values()) == before
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: '9'\nlevels:\n  - code: L9\n    name: Missing most keys\n")
    with pytest.raises(CommandError, match=r"levels\[0\] lacks description, level, masking_required, urn"):
        call_command("catalog_load_classifications", "--file", str(bad))
    assert list(Classification.objects.values()) == before


def test_levels_are_read_only_in_the_admin(client, data_steward, compliance_officer):
    level = Classification.objects.get(code="L3")
    for persona in (data_steward, compliance_officer):
        client.force_login(persona)
        assert client.get("/admin/catalog/classification/").status_code == 200
        assert client.get("/admin/catalog/classification/add/").status_code == 403
        assert (
            client.post(f"/admin/catalog/classification/{level.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    assert Classification.objects.count() == 5
