import hashlib
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from governance.models import Control, Criterion, Evidence, Framework
from governance.services.controls import control_map
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.readiness import readiness_record
from governance.tests.conftest import upload
from governance.tests.factories import ControlFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("governance_load_frameworks", stdout=StringIO())
    return Framework.objects.get(slug="soc2")


def _form(control, **extra):
    return {
        "control": control.pk,
        "title": "Access review",
        "kind": "file",
        "url": "",
        "effective_from": "2026-10-01",
        "effective_to": "2026-10-31",
        "validity_days": "90",
        **extra,
    }


def test_navigation_framework_to_criteria_to_controls_to_evidence(client, compliance_officer, loaded):
    control = ControlFactory(ref="AC-01", owner=compliance_officer)
    criterion = loaded.criteria.get(ref="CC6.2")
    control_map(control=control, criteria=[criterion], actor=compliance_officer)
    client.force_login(compliance_officer)
    page = client.get("/admin/governance/framework/").content.decode()
    assert f"?framework__id__exact={loaded.pk}" in page and "61 criteria" in page
    page = client.get(
        f"/admin/governance/criterion/?framework__id__exact={loaded.pk}&q=CC6.2"
    ).content.decode()
    assert f"?mappings__criterion__id__exact={criterion.pk}" in page
    page = client.get(
        f"/admin/governance/control/?mappings__criterion__id__exact={criterion.pk}"
    ).content.decode()
    assert "AC-01" in page and f"?control__id__exact={control.pk}" in page


def test_builtin_criterion_accepts_only_whitelisted_edits(client, compliance_officer, loaded):
    criterion = loaded.criteria.get(ref="P3.2")
    client.force_login(compliance_officer)
    response = client.post(
        f"/admin/governance/criterion/{criterion.pk}/change/",
        {
            "is_applicable": "",
            "applicability_note": "No consent-based collection.",
            "weight": "2",
            "title": "Rewritten",
            "ref": "X",
        },
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.is_applicable, criterion.weight, criterion.title, criterion.ref) == (
        False,
        2,
        "Explicit consent obtained before collection where required",
        "P3.2",
    )
    assert (
        client.post(f"/admin/governance/criterion/{criterion.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_admin_upload_stores_hash_and_refuses_oversized_files(client, compliance_officer, control, settings):
    client.force_login(compliance_officer)
    settings.GOVERNANCE_EVIDENCE_MAX_BYTES = 20
    big = SimpleUploadedFile("big.csv", b"x" * 21)
    response = client.post("/admin/governance/evidence/add/", _form(control, upload=big))
    assert response.status_code == 200 and "at most 20 bytes" in response.content.decode()
    assert not Evidence.objects.exists()
    response = client.post("/admin/governance/evidence/add/", _form(control, upload=upload(content=b"ok\n")))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(b"ok\n").hexdigest()
    assert evidence.collected_by == compliance_officer and evidence.valid_until == date(2027, 1, 29)


def test_admin_upload_reports_a_bad_period_and_a_wrong_declared_hash(client, compliance_officer, control):
    client.force_login(compliance_officer)
    bad_period = _form(control, upload=upload(), effective_to="2026-09-01")
    assert "before it starts" in client.post("/admin/governance/evidence/add/", bad_period).content.decode()
    wrong_hash = _form(control, upload=upload(), declared_sha256="f" * 64)
    assert "not the declared" in client.post("/admin/governance/evidence/add/", wrong_hash).content.decode()
    assert not Evidence.objects.exists()


def test_accept_action_freezes_evidence_and_change_form_is_read_only(client, compliance_officer, control):
    draft = evidence_upload(
        control=control,
        title="Oct review",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    client.force_login(compliance_officer)
    client.post("/admin/governance/evidence/", {"action": "accept", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Evidence.Status.ACCEPTED and draft.accepted_by == compliance_officer
    client.post(f"/admin/governance/evidence/{draft.pk}/change/", {"title": "Edited"})
    draft.refresh_from_db()
    assert draft.title == "Oct review"


@pytest.mark.parametrize("persona", ["data_steward", "submission_manager"])
def test_other_staff_cannot_see_controls_or_evidence(request, client, persona, control):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/governance/control/").status_code == 403
    assert client.get("/admin/governance/evidence/").status_code == 403
    response = client.post("/admin/governance/evidence/add/", {"title": "x"})
    assert response.status_code == 403 and not Evidence.objects.exists()


def test_submission_manager_views_frameworks_and_criteria(client, submission_manager, loaded):
    client.force_login(submission_manager)
    assert client.get("/admin/governance/framework/").status_code == 200
    assert client.get(f"/admin/governance/criterion/?framework__id__exact={loaded.pk}").status_code == 200
    response = client.post(
        f"/admin/governance/framework/{loaded.pk}/change/", {"name": "X", "description": ""}
    )
    assert response.status_code == 403
    loaded.refresh_from_db()
    assert loaded.name == "SOC 2 Trust Services Criteria"


def test_readiness_page_shows_history_chart_heat_map_and_movers(
    client, executive, compliance_officer, loaded
):
    control = ControlFactory(ref="AC-01", owner=compliance_officer)
    control_map(control=control, criteria=[loaded.criteria.get(ref="CC6.2")], actor=compliance_officer)
    evidence_accept(
        evidence=evidence_upload(
            control=control,
            title="r",
            effective_from=date(2026, 11, 1),
            effective_to=date(2026, 11, 27),
            uploaded=upload(),
            actor=compliance_officer,
        ),
        actor=compliance_officer,
    )
    for day in (date(2026, 11, 25), date(2026, 11, 26)):
        readiness_record(day=day)
    with time_machine.travel("2026-11-27 10:00Z", tick=False):
        client.force_login(executive)
        page = client.get(f"/admin/governance/readinessscore/framework/{loaded.pk}/").content.decode()
    assert "<svg" in page and page.count("<circle") == 2
    assert page.count('data-status="') == 61
    assert 'data-status="failing"' in page  # CC6.2: evidence but untested
    assert "CC6.2" in page and "AC-01: untested" in page
    assert "What moves the score" in page


def test_readiness_page_is_refused_without_the_permission(client, data_steward, loaded):
    client.force_login(data_steward)
    assert client.get(f"/admin/governance/readinessscore/framework/{loaded.pk}/").status_code == 403


def test_control_and_evidence_lists_do_not_grow_queries_with_rows(
    client, compliance_officer, loaded, django_assert_max_num_queries
):
    criteria = list(loaded.criteria.all()[:3])
    for n in range(30):
        control = ControlFactory(ref=f"C-{n:02}", owner=compliance_officer)
        control_map(control=control, criteria=criteria, actor=compliance_officer)
        evidence_upload(
            control=control,
            title=f"e{n}",
            effective_from=date(2026, 10, 1),
            effective_to=date(2026, 10, 31),
            uploaded=upload(),
            actor=compliance_officer,
        )
    client.force_login(compliance_officer)
    assert Control.objects.count() == 30
    for url in [
        "/admin/governance/control/",
        "/admin/governance/evidence/",
        "/admin/governance/criterion/",
        "/admin/governance/framework/",
        "/admin/governance/controltest/",
    ]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_overview_lists_every_framework_and_the_overall_score(client, compliance_officer, loaded):
    client.force_login(compliance_officer)
    assert "Readiness overview" in client.get("/admin/governance/readinessscore/").content.decode()
    page = client.get("/admin/governance/readinessscore/overview/").content.decode()
    assert "Overall: 0.0 / 100" in page
    for name in ["SOC 2 Trust Services Criteria", "HIPAA Security Rule", "21 CFR Part 11"]:
        assert name in page


def test_readiness_for_an_organisation_counts_its_own_controls(client, compliance_officer, loaded):
    tenant = compliance_officer.organization
    control = ControlFactory(ref="T-01", owner=compliance_officer, organization=tenant)
    control_map(control=control, criteria=[loaded.criteria.get(ref="CC1.1")], actor=compliance_officer)
    client.force_login(compliance_officer)
    url = f"/admin/governance/readinessscore/framework/{loaded.pk}/"
    assert "T-01: untested" not in client.get(url).content.decode()
    assert "T-01: untested" in client.get(url, {"organization": tenant.pk}).content.decode()
    assert client.get(url, {"organization": "x"}).status_code == 404
    assert client.get(url, {"organization": "999999"}).status_code == 404


def test_readiness_page_queries_do_not_grow_with_controls(
    client, compliance_officer, loaded, django_assert_max_num_queries
):
    criteria = list(loaded.criteria.filter(is_assessable=True)[:20])
    for n in range(25):
        control = ControlFactory(ref=f"C-{n:02}", owner=compliance_officer)
        control_map(control=control, criteria=criteria[n % 20 : n % 20 + 3], actor=compliance_officer)
        evidence_upload(
            control=control,
            title=f"e{n}",
            effective_from=date(2026, 10, 1),
            effective_to=date(2026, 10, 31),
            uploaded=upload(),
            actor=compliance_officer,
        )
    client.force_login(compliance_officer)
    with django_assert_max_num_queries(25):
        assert client.get(f"/admin/governance/readinessscore/framework/{loaded.pk}/").status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get("/admin/governance/readinessscore/overview/").status_code == 200


def test_admin_upload_of_a_correction_becomes_the_next_version(client, compliance_officer, control):
    first = evidence_upload(
        control=control,
        title="Oct review",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=first, actor=compliance_officer)
    client.force_login(compliance_officer)
    form = _form(control, upload=upload(content=b"corrected\n"), corrects=str(first.pk))
    assert client.post("/admin/governance/evidence/add/", form).status_code == 302
    second = Evidence.objects.exclude(pk=first.pk).get()
    assert (second.version, second.supersedes_id, second.status) == (2, first.pk, Evidence.Status.DRAFT)
    again = _form(control, upload=upload(), corrects=str(first.pk))
    assert (
        "already has a newer version"
        in client.post("/admin/governance/evidence/add/", again).content.decode()
    )
    assert Evidence.objects.count() == 2


def test_snapshot_verify_action_reports_tampering(client, compliance_officer, control, tmp_path, settings):
    from pathlib import Path

    from governance.models import Snapshot
    from governance.snapshots import snapshot_create

    item = evidence_upload(
        control=control,
        title="Oct",
        effective_from=date(2026, 10, 1),
        effective_to=date(2026, 10, 31),
        uploaded=upload(),
        actor=compliance_officer,
    )
    evidence_accept(evidence=item, actor=compliance_officer)
    snapshot = snapshot_create(
        framework=control.mappings.get().criterion.framework,
        month=date(2026, 10, 1),
        out_dir=tmp_path,
        actor=compliance_officer,
    )
    client.force_login(compliance_officer)
    action = {"action": "verify", "_selected_action": [snapshot.pk]}
    page = client.post("/admin/governance/snapshot/", action, follow=True).content.decode()
    assert "verified (" in page
    index = Path(snapshot.path) / "index.json"
    index.chmod(0o644)
    index.write_text("{}")
    page = client.post("/admin/governance/snapshot/", action, follow=True).content.decode()
    assert "FAILED: index.json: FAILED" in page
    assert Snapshot.objects.get().manifest_sha256 == snapshot.manifest_sha256


def test_submission_manager_cannot_add_a_control(client, submission_manager, compliance_officer):
    client.force_login(submission_manager)
    form = {
        "ref": "X-1",
        "name": "x",
        "owner": compliance_officer.pk,
        "frequency": "daily",
        "automation": "manual",
    }
    assert client.post("/admin/governance/control/add/", form).status_code == 403
    assert not Control.objects.exists()
