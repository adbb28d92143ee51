import re
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from governance.models import ControlMapping, Criterion, Framework
from governance.services.frameworks import framework_files, framework_load_file
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


# Read from the file's lines, not through YAML: the title runs from "title:" to the line's closing
# brace and the group up to the next key, so a YAML reading that cuts either one shows up here.
CRITERION_LINE = re.compile(r"^\s*- \{ref: (?P<ref>[^,]+), .*title: (?P<title>.+)\}\s*$")
GROUP = re.compile(r"group: (?P<group>.+?), (?:kind|title|assessable|parent):")


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if text[:1] == text[-1:] and text[:1] in "\"'" else text


def _file_texts(path):
    texts = {}
    for line in path.read_text().splitlines():
        match = CRITERION_LINE.match(line)
        if match:
            group = GROUP.search(line)
            texts[_unquote(match["ref"])] = (_unquote(match["title"]), group and _unquote(group["group"]))
    return texts


def test_every_stored_title_and_group_is_the_files_full_text():
    _load()
    for path in framework_files():
        texts = _file_texts(path)
        framework = Framework.objects.get(urn=yaml.safe_load(path.read_text())["urn"])
        stored = {c.ref: (c.title, c.group) for c in framework.criteria.all()}
        assert len(texts) == len(stored), path.name
        assert stored == texts, path.name
    soc2 = Framework.objects.get(slug="soc2").criteria
    assert soc2.get(ref="CC1.3").title == "Structures, reporting lines, authorities and responsibilities"
    assert soc2.get(ref="P4.1").group == "P4 Use, retention and disposal"
    part11 = Framework.objects.get(slug="part11").criteria
    assert part11.get(ref="11.30").title == "Controls for open systems (encryption, digital signatures)"


def test_reloading_replaces_titles_stored_cut_short():
    _load()
    # The state an earlier loader left behind: titles cut at their first comma.
    for ref, cut in [("CC1.4", "Attracting"), ("P8.1", "Inquiries"), ("11.10(e)", "Secure")]:
        criterion = Criterion.objects.get(ref=ref)
        criterion.title = cut
        criterion.save()
    _load()
    assert Criterion.objects.get(ref="CC1.4").title == "Attracting, developing and retaining competent people"
    assert Criterion.objects.get(ref="P8.1").title.startswith("Inquiries, complaints and disputes")
    audit_trails = Criterion.objects.get(ref="11.10(e)").title
    assert audit_trails == "Secure, computer-generated, time-stamped audit trails"


@pytest.mark.parametrize(
    "line, message",
    [
        ("{ref: A.1, title: Structures, reporting lines}", "unexpected key 'reporting lines'"),
        ("{ref: A.1, group: G, title: Open systems (encryption}", "unbalanced brackets"),
        ("{ref: A.1, title: Audit trails)}", "unbalanced brackets"),
        ("{ref: A.1, title: }", "needs a title"),
        ("{ref: A.1, title: [a, b]}", "needs a title"),
    ],
)
def test_a_title_that_does_not_read_back_whole_is_refused(tmp_path, line, message):
    path = tmp_path / "cut.yaml"
    path.write_text(
        f"urn: urn:x:cut\nslug: cut\nname: Cut\nversion: '1'\nfile_version: 1\ncriteria:\n  - {line}\n"
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("governance_load_frameworks", str(path))
    assert not Framework.objects.filter(urn="urn:x:cut").exists()
