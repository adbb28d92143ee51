from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from governance.models import ControlMapping, Criterion, Framework
from governance.services.frameworks import framework_load_file
from governance.tests.factories import ControlFactory

pytestmark = pytest.mark.django_db


def _load():
    call_command("governance_load_frameworks", stdout=StringIO())


def test_the_three_frameworks_load_with_every_criterion():
    _load()
    counts = {f.slug: f.criteria.filter(is_assessable=True).count() for f in Framework.objects.all()}
    # HIPAA: 43 implementation specifications + 7 standards that have none; the 15 standards
    # with specifications are groupings, not scored.
    assert counts == {"soc2": 61, "hipaa": 50, "part11": 17}
    assert Framework.objects.get(slug="hipaa").criteria.filter(is_assessable=False).count() == 15
    soc2 = Framework.objects.get(slug="soc2")
    refs = list(soc2.criteria.values_list("ref", flat=True))
    assert refs[0] == "CC1.1" and refs[-1] == "P8.1" and "PI1.5" in refs and "A1.3" in refs
    hipaa = Framework.objects.get(slug="hipaa")
    assert hipaa.criteria.get(ref="164.312(a)(2)(iv)").kind == Criterion.Kind.ADDRESSABLE
    assert hipaa.criteria.get(ref="164.312(a)(2)(i)").parent.ref == "164.312(a)(1)"
    part11 = Framework.objects.get(slug="part11")
    assert part11.criteria.filter(ref__startswith="11.10(").count() == 11


def test_reloading_is_idempotent_and_keeps_our_settings():
    _load()
    criterion = Criterion.objects.get(ref="P3.2")
    criterion.is_applicable, criterion.applicability_note = False, "We collect no consent-based data."
    criterion.save()
    ids = dict(Criterion.objects.values_list("urn", "pk"))
    _load()
    assert dict(Criterion.objects.values_list("urn", "pk")) == ids
    assert Criterion.objects.get(ref="P3.2").is_applicable is False


def test_a_new_file_version_rewords_in_place_without_breaking_mappings(tmp_path, compliance_officer):
    path = tmp_path / "fw.yaml"
    path.write_text(
        "urn: urn:x:fw\nslug: fw\nname: FW\nversion: '1'\nfile_version: 1\n"
        "criteria:\n  - {ref: A.1, title: Old words}\n  - {ref: A.2, title: Dropped later}\n"
    )
    framework_load_file(path=path)
    control = ControlFactory(owner=compliance_officer)
    mapping = ControlMapping.objects.create(control=control, criterion=Criterion.objects.get(ref="A.1"))
    path.write_text(
        "urn: urn:x:fw\nslug: fw\nname: FW\nversion: '1'\nfile_version: 2\n"
        "criteria:\n  - {ref: A.1, title: New words}\n"
    )
    result = framework_load_file(path=path)
    assert (result.updated, result.retired) == (1, 1)
    mapping.refresh_from_db()
    assert mapping.criterion.title == "New words"
    assert Criterion.objects.get(ref="A.2").is_retired


def test_malformed_file_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "urn: urn:x:bad\nslug: bad\nname: Bad\nversion: '1'\nfile_version: 1\n"
        "criteria:\n  - {ref: A.1, title: ok}\n  - {ref: A.1, title: duplicate}\n"
    )
    with pytest.raises(CommandError, match="unique 'ref'"):
        call_command("governance_load_frameworks", str(path))
    path.write_text("criteria: [")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("governance_load_frameworks", str(path))
    assert not Framework.objects.exists()


def test_builtin_frameworks_and_criteria_cannot_be_deleted():
    _load()
    soc2 = Framework.objects.get(slug="soc2")
    with pytest.raises(ValidationError):
        soc2.delete()
    with pytest.raises(ValidationError):
        Framework.objects.all().delete()
    with pytest.raises(ValidationError):
        soc2.criteria.first().delete()
    with pytest.raises(ValidationError):
        Criterion.objects.filter(framework=soc2).delete()
    assert Framework.objects.count() == 3 and soc2.criteria.count() == 61


def test_not_applicable_needs_a_reason():
    _load()
    criterion = Criterion.objects.get(ref="C1.2")
    criterion.is_applicable = False
    with pytest.raises(ValidationError, match="why"):
        criterion.full_clean()
