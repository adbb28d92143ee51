import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import Signature
from accounts.tests.factories import PASSWORD
from submissions.models import DocumentVersion, Leaf
from submissions.services import document_create, package_build, sequence_create, sequence_transition
from submissions.tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def test_upload_a_version_in_the_admin_and_refuse_a_bad_one(client, nda, submission_manager, settings):
    document = document_create(application=nda, title="Overview", actor=submission_manager)
    client.force_login(submission_manager)
    ok = client.post(
        "/admin/submissions/documentversion/add/",
        {
            "document": document.pk,
            "file_name": "overview.pdf",
            "upload": SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )
    assert ok.status_code == 302
    settings.SUBMISSIONS_MAX_DOCUMENT_BYTES = 10
    refused = client.post(
        "/admin/submissions/documentversion/add/",
        {
            "document": document.pk,
            "file_name": "overview.exe",
            "upload": SimpleUploadedFile("x.exe", b"MZ" * 100),
        },
    )
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "cannot go into a submission" in str(errors["file_name"]) and "larger than" in str(
        errors["upload"]
    )
    assert DocumentVersion.objects.count() == 1


def test_adding_a_leaf_in_the_admin_goes_through_the_rules(client, nda, first_sequence, submission_manager):
    version = DocumentVersion.objects.first()
    client.force_login(submission_manager)
    before = Leaf.objects.count()
    bad = client.post(
        "/admin/submissions/leaf/add/",
        {
            "sequence": first_sequence.pk,
            "section": "3.2.P.8",
            "title": "x",
            "operation": "new",
            "version": version.pk,
            "attributes": "{}",
        },
    )
    assert bad.status_code == 200 and "needs: product-name" in bad.content.decode()
    assert Leaf.objects.count() == before
    good = client.post(
        "/admin/submissions/leaf/add/",
        {
            "sequence": first_sequence.pk,
            "section": "2.5",
            "title": "Second overview",
            "operation": "new",
            "version": version.pk,
            "attributes": "{}",
        },
    )
    assert good.status_code == 302 and Leaf.objects.count() == before + 1


def test_build_action_reports_and_records_the_package(
    client, first_sequence, submission_manager, settings, tmp_path, unpublished_util
):
    settings.SUBMISSIONS_PACKAGE_DIR = str(tmp_path)
    client.force_login(submission_manager)
    response = client.post(
        "/admin/submissions/sequence/",
        {"action": "build_package", "_selected_action": [first_sequence.pk]},
        follow=True,
    )
    assert "built at" in response.content.decode()
    page = client.get(f"/admin/submissions/sequence/{first_sequence.pk}/change/").content.decode()
    assert "util-checksums" in page and "not the published ICH file" in page


def test_mark_as_sent_is_refused_in_the_admin_before_sign_off(client, first_sequence, submission_manager):
    client.force_login(submission_manager)
    for action in ("mark_qa_review", "mark_sent"):
        response = client.post(
            "/admin/submissions/sequence/",
            {"action": action, "_selected_action": [first_sequence.pk]},
            follow=True,
        )
    assert "cannot become Sent" in response.content.decode()
    first_sequence.refresh_from_db()
    assert first_sequence.status == "qa_review"


def test_sign_off_page_asks_for_the_password_and_signs_the_package(
    client, first_sequence, submission_manager, tmp_path
):
    sequence_transition(sequence=first_sequence, to="qa_review", actor=submission_manager)
    package_build(sequence=first_sequence, out_dir=tmp_path, actor=submission_manager)
    client.force_login(submission_manager)
    url = f"/admin/submissions/sequence/{first_sequence.pk}/sign-off/"
    refused = client.post(url, {"password": "not-it"})
    assert refused.status_code == 200 and "password was not accepted" in refused.content.decode()
    assert client.post(url, {"password": PASSWORD, "comment": "QA complete"}).status_code == 302
    first_sequence.refresh_from_db()
    assert first_sequence.status == "signed_off"
    assert Signature.objects.get().comment == "QA complete"
    page = client.get(f"/admin/submissions/sequence/{first_sequence.pk}/change/").content.decode()
    assert "Approval" in page and "valid" in page


def test_sequence_and_correspondence_lists_do_not_grow_queries_with_rows(
    client, nda, submission_manager, django_assert_max_num_queries
):
    client.force_login(submission_manager)
    sequence_create(application=nda, submission_type="original", actor=submission_manager)
    with django_assert_max_num_queries(20) as few:
        client.get("/admin/submissions/sequence/")
    for _ in range(15):
        sequence_create(application=nda, submission_type="original", actor=submission_manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/submissions/sequence/").status_code == 200


def test_build_command_prints_the_report_and_fails_on_errors(
    first_sequence, tmp_path, capsys, unpublished_util
):
    with pytest.raises(CommandError, match="validation errors"):
        call_command("submissions_build", str(first_sequence.pk), "--out", str(tmp_path), "--actor", "sam")
    out = capsys.readouterr().out
    assert "PASS     checksums" in out and "FAIL     util-checksums" in out
    with pytest.raises(CommandError, match="No sequence with id 999999"):
        call_command("submissions_build", "999999", "--out", str(tmp_path))


def test_build_command_exits_cleanly_for_a_clean_package(first_sequence, tmp_path, capsys):
    call_command("submissions_build", str(first_sequence.pk), "--out", str(tmp_path / "pkg"))
    assert "0 error(s)" in capsys.readouterr().out


def test_sequence_list_shows_submission_types_by_label(client, nda, compliance_officer):
    sequence_create(application=nda, submission_type="annual-report", actor=compliance_officer)
    client.force_login(compliance_officer)
    response = client.get("/admin/submissions/sequence/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Annual report" in text and ">annual-report<" not in text
    assert "?submission_type=annual-report" in text  # the filter offers it, by its label
