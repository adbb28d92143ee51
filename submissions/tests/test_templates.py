import pytest
from django.core.management import call_command

from submissions.models import SubmissionTemplate, TemplateItem
from submissions.selectors import sequence_missing_items
from submissions.services import leaf_add, sequence_create, templates_load
from submissions.tests.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_templates_load_idempotently_and_restore_edited_wording(capsys):
    call_command("submissions_load_templates")
    assert "4 created, 0 updated" in capsys.readouterr().out
    items = TemplateItem.objects.count()
    assert templates_load() == (0, 0)
    template = SubmissionTemplate.objects.get(code="us-nda-original")
    template.name = "Renamed by hand"
    template.save()
    template.items.filter(section="1.14.1.3").delete()
    assert templates_load() == (0, 1)
    template.refresh_from_db()
    assert template.name == "NDA: original application" and TemplateItem.objects.count() == items


def test_a_sequence_started_from_a_template_shows_what_is_missing(nda, submission_manager):
    templates_load()
    template = SubmissionTemplate.objects.get(code="us-nda-original")
    seq = sequence_create(
        application=nda, submission_type="original", template=template, actor=submission_manager
    )
    assert len(sequence_missing_items(seq)) == 8
    leaf_add(
        sequence=seq,
        section="1.1",
        title="Form FDA 356h",
        form_type="fda-356h",
        actor=submission_manager,
        version=upload(nda, "356h", "form-356h.pdf", pdf_bytes(), submission_manager),
    )
    leaf_add(
        sequence=seq,
        section="1.2",
        title="Cover letter",
        actor=submission_manager,
        version=upload(nda, "Cover", "cover.pdf", pdf_bytes(), submission_manager),
    )
    missing = sequence_missing_items(seq)
    assert [m["section"] for m in missing] == ["1.14.1.3", "2.3", "2.5", "2.7", "3.2.P.8", "5.3.5.1"]
    assert all(m["required"] for m in missing)
