"""Demo submissions: the built-in templates, an NDA whose original application is in
preparation, one agency question, and a second NDA whose annual report is signed off.

Only Module 2-5 documents and the cover letter (1.2) go into the signed-off sequence: it must
build and validate cleanly to be signed off, whatever the Module 1 tree offers.
"""

import io
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from pypdf import PdfWriter

from accounts.demo import demo_password, demo_signing_request
from submissions.models import Application, Correspondence, Sequence, SubmissionTemplate
from submissions.services import (
    document_create,
    document_version_upload,
    leaf_add,
    package_build,
    sequence_create,
    sequence_sign_off,
    sequence_transition,
    templates_load,
)
from submissions.services.sequences import SubmissionError


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


def seed_submissions() -> str | None:
    """Idempotent: the templates are refreshed, each demo application is made only once.

    Returns a line for the user when the annual report could not be signed off yet.
    """
    templates_load()
    actor = get_user_model().objects.get(username="submissions")
    note = _sign_off(_annual_report(actor), actor)
    if not Application.objects.filter(product="Exampla (demo)").exists():
        _original_application(actor)
    return note


def _original_application(actor) -> None:
    """The NDA whose original application is being prepared, and an agency question."""
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


SIGNED_OFF_PRODUCT = "Veridol (demo)"
NO_UTIL = (
    "Submissions: the demo annual report waits in QA review; set SUBMISSIONS_ECTD_UTIL_DIR to the "
    "official ICH util folder (dtd/, style/) and run seed_demo again to build and sign it off."
)


def _annual_report(actor) -> Sequence:
    """An approved product's annual report in QA review (made once)."""
    nda = Application.objects.filter(product=SIGNED_OFF_PRODUCT).first()
    if nda is not None:
        return nda.sequences.get()
    nda = Application.objects.create(
        application_type="nda", region="us", product=SIGNED_OFF_PRODUCT, agency_number="209876",
        applicant_id="999999999", company_name="Custodian Labs", contact_name="Sam Submissions",
        contact_phone="+1 555 0100", contact_email="submissions@demo.custodian.invalid",
    )  # fmt: skip
    seq = sequence_create(
        application=nda, submission_type="annual-report", submission_sub_type="report",
        description="Annual report", actor=actor,
    )  # fmt: skip
    for section, title, file_name, attributes in [
        ("1.2", "Cover letter", "cover.pdf", {}),
        ("2.5", "Clinical overview update", "clinical-overview.pdf", {}),
        ("3.2.P.8", "Stability data update", "stability.pdf", {"product-name": "Veridol tablets"}),
    ]:
        version = _document(nda, title, file_name, actor)
        leaf_add(sequence=seq, section=section, title=title, actor=actor, version=version,
                 attributes=attributes)  # fmt: skip
    return sequence_transition(sequence=seq, to="qa_review", actor=actor)


def _sign_off(seq: Sequence, actor) -> str | None:
    """Build, validate and sign off the annual report; resumed by a later run if it could not be.

    Validation needs the official ICH util files, which are not ours to ship: without them the
    sequence stays in QA review and the returned line says what to do.
    """
    if seq.status != Sequence.Status.QA_REVIEW:
        return None
    if not settings.SUBMISSIONS_ECTD_UTIL_DIR:
        return NO_UTIL
    # A folder of its own: a built package is never overwritten, and the demo may be seeded again
    # into a fresh database.
    out = f"{settings.SUBMISSIONS_PACKAGE_DIR}/demo-{uuid.uuid4().hex[:12]}"
    build = package_build(sequence=seq, out_dir=out, actor=actor)
    errors = [f"{r['path']}: {r['message']}" for r in build.report if r["status"] == "fail"]
    if errors:  # the demo is wrong (or the util folder is), not the user: say exactly what
        raise SubmissionError(f"The demo annual report does not validate: {'; '.join(errors)}")
    sequence_sign_off(
        sequence=seq, signer=actor, password=demo_password(actor.username),
        request=demo_signing_request(actor), comment="Reviewed: ready to send.",
    )  # fmt: skip
    return None
