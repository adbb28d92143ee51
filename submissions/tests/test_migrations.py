"""Data migrations over rows that earlier code could write."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("submissions", "0007_evidence_package_permissions")]
AFTER = [("submissions", "0008_module1_leaves_to_dtd_headings")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_leaves_and_template_items_leave_module_1_headings_that_take_no_document():
    apps = _migrate(BEFORE)
    user = apps.get_model("accounts", "User").objects.create(username="old-data")
    app = apps.get_model("submissions", "Application").objects.create(
        application_type="nda", region="us", product="Exampla", agency_number="123456"
    )
    Sequence = apps.get_model("submissions", "Sequence")
    draft = Sequence.objects.create(application=app, number=2, submission_type="original", created_by=user)
    sent = Sequence.objects.create(
        application=app, number=1, submission_type="original", status="sent", created_by=user
    )
    document = apps.get_model("submissions", "Document").objects.create(application=app, title="Label")
    version = document.versions.create(
        version=1, file="x", file_name="label.pdf", size=1, md5="0" * 32, sha256="0" * 64, uploaded_by=user
    )
    Leaf = apps.get_model("submissions", "Leaf")
    open_leaf = Leaf.objects.create(sequence=draft, section="1.14", title="Draft labeling", version=version)
    sent_leaf = Leaf.objects.create(sequence=sent, section="1.14", title="Draft labeling", version=version)
    template = apps.get_model("submissions", "SubmissionTemplate").objects.create(
        code="custom-ind",
        name="Custom IND",
        region="us",
        submission_type="original",
        submission_sub_type="application",
    )
    item = template.items.create(section="1.3", title="General investigational plan")

    apps = _migrate(AFTER)

    Leaf = apps.get_model("submissions", "Leaf")
    assert Leaf.objects.get(pk=open_leaf.pk).section == "1.14.1.3"
    assert Leaf.objects.get(pk=sent_leaf.pk).section == "1.14"  # it describes what was sent
    assert apps.get_model("submissions", "TemplateItem").objects.get(pk=item.pk).section == "1.20"
    [entry] = apps.get_model("auditlog", "LogEntry").objects.filter(object_pk=str(open_leaf.pk))
    assert entry.changes == {"section": ["1.14", "1.14.1.3"]} and "DTD" in entry.additional_data["reason"]
    # a transactional test's flush cannot order these PROTECT chains on SQLite: undo them here
    for model in (
        "auditlog.LogEntry",
        "submissions.Leaf",
        "submissions.DocumentVersion",
        "submissions.Document",
    ):
        apps.get_model(model).objects.all().delete()
    for model in ("submissions.Sequence", "submissions.SubmissionTemplate", "submissions.Application"):
        apps.get_model(model).objects.all().delete()
    apps.get_model("accounts", "User").objects.filter(pk=user.pk).delete()
