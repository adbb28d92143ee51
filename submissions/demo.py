"""Demo submissions: the built-in templates, one NDA with a first sequence, one agency question."""

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfWriter

from submissions.models import Application, Correspondence, SubmissionTemplate
from submissions.services import (
    document_create,
    document_version_upload,
    leaf_add,
    sequence_create,
    templates_load,
)


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _document(application, title, file_name, actor):
    document = document_create(application=application, title=title, actor=actor)
    return document_version_upload(
        document=document, source=io.BytesIO(_blank_pdf()), file_name=file_name, actor=actor
    )


def seed_submissions() -> None:
    """Idempotent: the templates are refreshed, the demo application is made only once."""
    templates_load()
    if Application.objects.filter(product="Exampla (demo)").exists():
        return
    actor = get_user_model().objects.get(username="submissions")
    nda = Application.objects.create(
        application_type="nda",
        region="us",
        product="Exampla (demo)",
        agency_number="212345",
        applicant_id="999999999",
        company_name="Custodian Labs",
        contact_name="Sam Submissions",
        contact_phone="+1 555 0100",
        contact_email="submissions@demo.custodian.invalid",
    )
    template = SubmissionTemplate.objects.get(code="us-nda-original")
    seq = sequence_create(
        application=nda,
        submission_type="original",
        template=template,
        description="Original application",
        actor=actor,
    )
    leaf_add(
        sequence=seq,
        section="1.2",
        title="Cover letter",
        actor=actor,
        version=_document(nda, "Cover letter", "cover.pdf", actor),
    )
    leaf_add(
        sequence=seq,
        section="2.5",
        title="Clinical overview",
        actor=actor,
        version=_document(nda, "Clinical overview", "clinical-overview.pdf", actor),
    )
    today = timezone.localdate()
    Correspondence.objects.create(
        application=nda,
        kind="fda_ir",
        subject="Information request: stability protocol",
        received_on=today - timedelta(days=10),
        due_on=today + timedelta(days=5),
        owner=actor,
    )
