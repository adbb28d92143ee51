import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pypdf import PdfWriter

from submissions.models import Application
from submissions.services import document_create, document_version_upload, leaf_add, sequence_create

# The agencies' own DTDs and stylesheet (../shared/reference/ectd, laid out like an eCTD util/
# folder): packages are validated against the real thing, never a copy cut down for the tests.
ECTD_REFERENCE = Path(django_settings.BASE_DIR).parent / "shared" / "reference" / "ectd"


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SUBMISSIONS_ECTD_UTIL_DIR = str(ECTD_REFERENCE)


@pytest.fixture
def util_copy(settings, tmp_path) -> Path:
    """A writable copy of the reference util folder, for tests that remove or alter a file in it."""
    util = tmp_path / "util"
    shutil.copytree(ECTD_REFERENCE, util)
    settings.SUBMISSIONS_ECTD_UTIL_DIR = str(util)
    return util


@pytest.fixture
def unpublished_util(util_copy) -> Path:
    """A util folder whose stylesheet is not the one ICH publishes (its MD5 differs)."""
    with open(util_copy / "style" / "ectd-2-0.xsl", "a", encoding="utf-8") as fh:
        fh.write("<!-- edited -->\n")
    return util_copy


def upload(application, title, file_name, data, actor):
    document = document_create(application=application, title=title, actor=actor)
    return document_version_upload(
        document=document, source=io.BytesIO(data), file_name=file_name, actor=actor
    )


@pytest.fixture
def nda(db):
    return Application.objects.create(
        application_type="nda",
        region="us",
        product="Exampla",
        agency_number="123456",
        applicant_id="123456789",
        company_name="Helix Pharma",
        contact_name="Sam Submissions",
        contact_phone="+1 555 0100",
        contact_email="sam@helix.example",
    )


@pytest.fixture
def first_sequence(nda, submission_manager):
    """Sequence 0001 of an NDA: a form, a cover letter, modules 2, 3 (keyed) and 5 (keyed)."""
    actor = submission_manager
    seq = sequence_create(
        application=nda, submission_type="original", description="Original NDA", actor=actor
    )
    add = lambda **kw: leaf_add(sequence=seq, actor=actor, **kw)  # noqa: E731
    add(
        section="1.1",
        title="Form FDA 356h",
        form_type="fda-356h",
        version=upload(nda, "Form 356h", "form-356h.pdf", pdf_bytes(), actor),
    )
    add(section="1.2", title="Cover letter", version=upload(nda, "Cover", "cover.pdf", pdf_bytes(), actor))
    add(
        section="2.5",
        title="Clinical overview",
        version=upload(nda, "Clinical overview", "clinical-overview.pdf", pdf_bytes(3), actor),
    )
    add(
        section="3.2.P.8",
        title="Stability data",
        attributes={"product-name": "Exampla tablets"},
        version=upload(nda, "Stability", "stability.pdf", pdf_bytes(2), actor),
    )
    add(
        section="5.3.5.1",
        title="Study EX-301",
        attributes={"indication": "Hypertension"},
        version=upload(nda, "EX-301", "ex-301.pdf", pdf_bytes(), actor),
    )
    return seq
