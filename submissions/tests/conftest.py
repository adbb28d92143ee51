import hashlib
import io

import pytest
from pypdf import PdfWriter

from submissions.models import Application
from submissions.services import document_create, document_version_upload, leaf_add, sequence_create

# The DTD the tests write: the ICH v3.2 content models, cut down to the elements the sample uses.
SAMPLE_DTD = """
<!ELEMENT ectd:ectd (m1-administrative-information-and-prescribing-information?,
  m2-common-technical-document-summaries?, m3-quality?, m4-nonclinical-study-reports?,
  m5-clinical-study-reports?)>
<!ATTLIST ectd:ectd
  xmlns:ectd CDATA #FIXED "http://www.ich.org/ectd"
  xmlns:xlink CDATA #FIXED "http://www.w3c.org/1999/xlink"
  dtd-version CDATA #FIXED "3.2">
<!ELEMENT m1-administrative-information-and-prescribing-information (leaf*)>
<!ELEMENT m2-common-technical-document-summaries (leaf*, m2-5-clinical-overview?)>
<!ELEMENT m2-5-clinical-overview (leaf*)>
<!ELEMENT m3-quality (leaf*, m3-2-body-of-data?)>
<!ELEMENT m3-2-body-of-data (leaf*, m3-2-p-drug-product*)>
<!ELEMENT m3-2-p-drug-product (leaf*, m3-2-p-8-stability?)>
<!ATTLIST m3-2-p-drug-product
  product-name CDATA #IMPLIED dosageform CDATA #IMPLIED manufacturer CDATA #IMPLIED>
<!ELEMENT m3-2-p-8-stability (leaf*)>
<!ELEMENT m4-nonclinical-study-reports (leaf*)>
<!ELEMENT m5-clinical-study-reports (leaf*, m5-3-clinical-study-reports?)>
<!ELEMENT m5-3-clinical-study-reports (leaf*, m5-3-5-reports-of-efficacy-and-safety-studies*)>
<!ELEMENT m5-3-5-reports-of-efficacy-and-safety-studies (leaf*,
  m5-3-5-1-study-reports-of-controlled-clinical-studies-pertinent-to-the-claimed-indication?)>
<!ATTLIST m5-3-5-reports-of-efficacy-and-safety-studies indication CDATA #REQUIRED>
<!ELEMENT m5-3-5-1-study-reports-of-controlled-clinical-studies-pertinent-to-the-claimed-indication (leaf*)>
<!ELEMENT leaf (title, link-text?)>
<!ATTLIST leaf
  ID ID #REQUIRED
  application-version CDATA #IMPLIED
  version CDATA #IMPLIED
  font-library CDATA #IMPLIED
  operation (new | append | replace | delete) #REQUIRED
  modified-file CDATA #IMPLIED
  checksum CDATA #REQUIRED
  checksum-type CDATA #REQUIRED
  keywords CDATA #IMPLIED
  xmlns:xlink CDATA #FIXED "http://www.w3c.org/1999/xlink"
  xlink:type CDATA #FIXED "simple"
  xlink:role CDATA #IMPLIED
  xlink:href CDATA #IMPLIED
  xlink:show (new | replace | embed | other | none) #IMPLIED
  xlink:actuate (onLoad | onRequest | other | none) #IMPLIED
  xml:lang CDATA #IMPLIED>
<!ELEMENT title (#PCDATA)>
<!ELEMENT link-text (#PCDATA)>
"""

# The FDA regional DTD (v3.3) cut down the same way, to what the sample's us-regional.xml uses.
SAMPLE_REGIONAL_DTD = """
<!ELEMENT fda-regional:fda-regional (admin, m1-regional?)>
<!ATTLIST fda-regional:fda-regional
  xmlns:fda-regional CDATA #FIXED "http://www.ich.org/fda"
  xmlns:xlink CDATA #FIXED "http://www.w3c.org/1999/xlink"
  dtd-version CDATA #FIXED "3.3">
<!ELEMENT admin (applicant-info, application-set)>
<!ELEMENT applicant-info (id, company-name, submission-description?, applicant-contacts)>
<!ELEMENT id (#PCDATA)>
<!ELEMENT company-name (#PCDATA)>
<!ELEMENT submission-description (#PCDATA)>
<!ELEMENT applicant-contacts (applicant-contact+)>
<!ELEMENT applicant-contact (applicant-contact-name, telephones, emails)>
<!ELEMENT applicant-contact-name (#PCDATA)>
<!ATTLIST applicant-contact-name applicant-contact-type CDATA #REQUIRED>
<!ELEMENT telephones (telephone+)>
<!ELEMENT telephone (#PCDATA)>
<!ATTLIST telephone telephone-number-type CDATA #REQUIRED>
<!ELEMENT emails (email+)>
<!ELEMENT email (#PCDATA)>
<!ELEMENT application-set (application+)>
<!ELEMENT application (application-information, submission-information)>
<!ATTLIST application application-containing-files (true | false) #REQUIRED>
<!ELEMENT application-information (application-number)>
<!ELEMENT application-number (#PCDATA)>
<!ATTLIST application-number application-type CDATA #REQUIRED>
<!ELEMENT submission-information (submission-id, sequence-number)>
<!ELEMENT submission-id (#PCDATA)>
<!ATTLIST submission-id submission-type CDATA #REQUIRED>
<!ELEMENT sequence-number (#PCDATA)>
<!ATTLIST sequence-number submission-sub-type CDATA #REQUIRED>
<!ELEMENT m1-regional (m1-1-forms?, m1-2-cover-letters?)>
<!ELEMENT m1-1-forms (form*)>
<!ELEMENT form (leaf+)>
<!ATTLIST form form-type CDATA #REQUIRED>
<!ELEMENT m1-2-cover-letters (leaf*)>
<!ELEMENT leaf (title)>
<!ATTLIST leaf
  ID ID #REQUIRED
  operation (new | append | replace | delete) #REQUIRED
  modified-file CDATA #IMPLIED
  checksum CDATA #REQUIRED
  checksum-type CDATA #REQUIRED
  xlink:type CDATA #FIXED "simple"
  xlink:href CDATA #IMPLIED>
<!ELEMENT title (#PCDATA)>
"""


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
    util = tmp_path / "util"
    (util / "dtd").mkdir(parents=True)
    (util / "style").mkdir()
    (util / "dtd" / "ich-ectd-3-2.dtd").write_text(SAMPLE_DTD)
    (util / "dtd" / "us-regional-v3-3.dtd").write_text(SAMPLE_REGIONAL_DTD)
    (util / "style" / "ectd-2-0.xsl").write_text("<xsl:stylesheet/>")
    settings.SUBMISSIONS_ECTD_UTIL_DIR = str(util)


@pytest.fixture
def published_sample_util(monkeypatch, tmp_path):
    """Treat the test's util files as the published ones (the official files cannot be shipped)."""
    from submissions.packaging import ectd

    for relative in ("dtd/ich-ectd-3-2.dtd", "style/ectd-2-0.xsl"):
        digest = hashlib.md5((tmp_path / "util" / relative).read_bytes(), usedforsecurity=False).hexdigest()
        monkeypatch.setitem(ectd.PUBLISHED_UTIL_MD5, relative, digest)


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
