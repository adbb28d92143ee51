"""Dates, durations and file names beyond what the system can hold are refused by field, not a 500."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from governance.models import Course, Evidence, TrainingRecord
from governance.services.evidence import evidence_upload
from governance.tests.conftest import OCT_1, OCT_31, upload

pytestmark = pytest.mark.django_db


def _media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _form(control, **extra):
    dates = {"effective_from": "2026-10-01", "effective_to": "2026-10-31", "validity_days": "90"}
    return {"control": control.pk, "title": "Access review", "kind": "file", "url": "", **dates, **extra}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("effective_to", "9999-12-31", "outside the dates this system accepts"),
        ("effective_from", "0001-01-01", "outside the dates this system accepts"),
        ("validity_days", "1000000", "at most 36500 days"),
        ("validity_days", str(10**12), "at most 36500 days"),
    ],
)
def test_admin_upload_refuses_a_date_or_duration_out_of_range_beside_its_field(
    client, compliance_officer, control, settings, field, value, message
):
    client.force_login(compliance_officer)
    response = client.post(
        "/admin/governance/evidence/add/", _form(control, upload=upload(), **{field: value})
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not Evidence.objects.exists() and _media_files(settings) == []


def test_a_file_name_too_long_for_the_file_system_is_shortened_and_keeps_its_extension(
    control, compliance_officer, settings
):
    name = "quarterly access review " * 12 + "é" * 100 + ".csv"
    evidence = evidence_upload(control=control, title="Q3", effective_from=OCT_1, effective_to=OCT_31,
                               uploaded=upload(name=name), actor=compliance_officer)  # fmt: skip
    stored = Path(evidence.file.name).name
    assert stored.endswith(".csv") and len(stored.encode()) <= 160
    assert stored.startswith(Path(_media_files(settings)[0]).name[:33]) and len(_media_files(settings)) == 1
    # Django already cuts the client's name to 255 characters, keeping the extension.
    assert evidence.original_name.startswith("quarterly access review") and evidence.original_name.endswith(
        ".csv"
    )


def test_a_refused_upload_with_a_long_name_leaves_nothing_behind(control, compliance_officer, settings):
    with pytest.raises(ValidationError, match="not the declared"):
        evidence_upload(control=control, title="Q3", effective_from=OCT_1, effective_to=OCT_31,
                        uploaded=upload(name="x" * 400 + ".csv"), declared_sha256="0" * 64,
                        actor=compliance_officer)  # fmt: skip
    assert _media_files(settings) == [] and not Evidence.objects.exists()


def test_a_name_with_nothing_usable_is_stored_as_upload(control, compliance_officer):
    evidence = evidence_upload(control=control, title="Q3", effective_from=OCT_1, effective_to=OCT_31,
                               uploaded=upload(name="???.csv"), actor=compliance_officer)  # fmt: skip
    assert Path(evidence.file.name).name.endswith("-upload.csv")


def test_course_validity_beyond_a_century_is_refused_in_the_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/governance/course/add/", {"code": "GCP", "title": "GCP", "validity_days": "1000000"}
    )
    assert response.status_code == 200 and "at most 36500 days" in response.text
    assert not Course.objects.exists()


def test_training_completed_in_year_9999_is_refused_beside_the_field(client, compliance_officer):
    course = Course.objects.create(code="GCP", title="GCP", validity_days=365)
    record = TrainingRecord.objects.create(
        user=compliance_officer, course=course, assigned_on=date(2026, 10, 1), due_on=date(2026, 10, 31)
    )
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    form = {"user": compliance_officer.pk, "course": course.pk, "assigned_on": "2026-10-01",
            "due_on": "2026-10-31", "completed_on": "9999-12-31"}  # fmt: skip
    response = client.post(f"/admin/governance/trainingrecord/{record.pk}/change/", form)
    assert response.status_code == 200
    assert "outside the dates" in " ".join(response.context["adminform"].form.errors["completed_on"])
    record.refresh_from_db()
    assert record.completed_on is None and record.expires_on is None


def test_a_capa_action_completed_in_year_9999_is_refused_and_schedules_no_check(compliance_officer):
    from governance.models import CapaAction, EffectivenessCheck
    from governance.services.capa import capa_action_complete
    from governance.tests.capa_helpers import add_action, make_capa

    action = add_action(make_capa(compliance_officer), compliance_officer)
    with pytest.raises(ValidationError) as refused:
        capa_action_complete(action=action, completed_on=date(9999, 12, 31), actor=compliance_officer)
    assert "outside the dates" in refused.value.message_dict["completed_on"][0]
    assert CapaAction.objects.get(pk=action.pk).status == CapaAction.Status.OPEN
    assert not EffectivenessCheck.objects.exists()


def test_training_completion_from_a_service_is_bounded_before_the_expiry_is_computed(compliance_officer):
    from governance.services.training import training_complete

    course = Course.objects.create(code="GCP", title="GCP", validity_days=365)
    record = TrainingRecord.objects.create(
        user=compliance_officer, course=course, assigned_on=date(2026, 10, 1), due_on=date(2026, 10, 31)
    )
    with pytest.raises(ValidationError) as refused:
        training_complete(record=record, completed_on=date(9999, 12, 31), actor=compliance_officer)
    assert "outside the dates" in refused.value.message_dict["completed_on"][0]
    record.refresh_from_db()
    assert record.completed_on is None
