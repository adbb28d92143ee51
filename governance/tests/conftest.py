"""Governance fixtures: media, snapshots and the evidence key live in a per-test folder."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.tests.factories import ControlFactory, CriterionFactory, FrameworkFactory


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOVERNANCE_SNAPSHOT_ROOT = tmp_path / "snapshots"
    settings.GOVERNANCE_EVIDENCE_KEY_FILE = str(tmp_path / "keys" / "evidence.pem")


@pytest.fixture
def framework(db):
    return FrameworkFactory(slug="soc2", urn="urn:test:soc2")


@pytest.fixture
def criterion(framework):
    return CriterionFactory(framework=framework, ref="CC6.2")


@pytest.fixture
def control(compliance_officer, criterion):
    control = ControlFactory(owner=compliance_officer, ref="AC-01", name="Quarterly access review")
    control.mappings.create(criterion=criterion)
    return control


def upload(name="review.csv", content=b"user,decision\nana,keep\n"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture
def without_default_policies(db):
    """Start from no warehouse access policy (the migration's defaults would be counted too)."""
    from warehouse.reads.models import AccessPolicy

    AccessPolicy.objects.all().delete()
