"""Confidentiality terms, findings-style sections, empty states, TOTP provisioning."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import Criterion, Finding
from portal.sections import SECTIONS, Section, register_section
from portal.services import engagement_create, engagement_objects_add
from portal.tests.conftest import accepted_evidence, portal_login

pytestmark = pytest.mark.django_db


def test_terms_must_be_accepted_before_anything_else(client, world):
    a = world["a"]
    a.engagement.confidentiality_terms = "Keep it secret."
    a.engagement.save()
    portal_login(client, world["users"]["live"])
    response = client.get(f"/portal/e/{a.engagement.pk}/evidence/")
    assert response.status_code == 302 and response["Location"] == f"/portal/e/{a.engagement.pk}/terms/"
    assert b"Keep it secret." in client.get(response["Location"]).content
    client.post(f"/portal/e/{a.engagement.pk}/terms/")
    a.grants["live"].refresh_from_db()
    assert a.grants["live"].acknowledged_at is not None
    assert client.get(f"/portal/e/{a.engagement.pk}/evidence/").status_code == 200


def test_the_evidence_list_shows_50_a_page_with_links_to_the_others(client, world):
    a, officer = world["a"], world["officer"]
    extra = [accepted_evidence(a.control, officer, f"bulk {n:02}", f"{n}\n".encode()) for n in range(55)]
    engagement_objects_add(engagement=a.engagement, objects=extra, actor=officer)
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{a.engagement.pk}/evidence/"
    first, second = (client.get(url + query).content.decode() for query in ("", "?page=2"))
    assert first.count('/file/">Download') == 50 and second.count('/file/">Download') == 7
    assert "57 items (page 1 of 2)" in first and '<a href="?page=2">2</a>' in first
    assert '<a href="?page=1" rel="prev">Previous</a>' in second
    assert len(set(re.findall(r"bulk \d\d", first + second))) == 55  # every item, each on one page
    past_the_end, not_a_number = (client.get(url + q).content.decode() for q in ("?page=9", "?page=x"))
    assert "(page 2 of 2)" in past_the_end and "(page 1 of 2)" in not_a_number


def test_a_registered_section_lists_only_the_engagements_objects(client, world):
    """How findings plug in: any model with `visible_to`, listed through the engagement."""
    register_section(Section("criteria-test", "Criteria (test)", "governance.Criterion", (("ref", "Ref"),)))
    try:
        portal_login(client, world["users"]["live"])
        page = client.get(f"/portal/e/{world['a'].engagement.pk}/objects/criteria-test/").content.decode()
    finally:
        SECTIONS.pop("criteria-test")
    assert "SOC2-1" in page and "HIPAA-1" not in page
    assert Criterion.objects.filter(ref="HIPAA-1").exists()


def test_findings_in_the_engagement_are_listed_and_no_others(client, world):
    a, officer = world["a"], world["officer"]
    make = lambda ref, title: Finding.objects.create(  # noqa: E731
        ref=ref, title=title, severity="major", source="audit", owner=officer, due_date=date(2026, 12, 31)
    )
    ours, theirs = make("F-2026-001", "Leaver access not removed"), make("F-2026-002", "Backup untested")
    engagement_objects_add(engagement=a.engagement, objects=[ours], actor=officer)
    url = f"/portal/e/{a.engagement.pk}/objects/findings/"
    portal_login(client, world["users"]["live"])
    page = client.get(url).content.decode()
    assert "F-2026-001" in page and "Leaver access not removed" in page and "Major" in page
    assert "F-2026-002" not in page and theirs.title not in page
    for persona in ("expired", "revoked", "other"):
        portal_login(client, world["users"][persona])
        response = client.get(url)
        assert response.status_code == 404 and "F-2026-001" not in response.content.decode()


def test_new_engagement_pages_show_empty_states(client, world, compliance_officer):
    from datetime import date, timedelta

    from django.utils import timezone

    from portal.services import engagement_auditor_add

    bare = engagement_create(
        name="Bare", firm="F", framework=world["a"].framework, period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30), actor=compliance_officer,
    )  # fmt: skip
    now = timezone.now()
    engagement_auditor_add(engagement=bare, user=world["users"]["live"], valid_from=now - timedelta(hours=1),
                           valid_until=now + timedelta(days=1), actor=compliance_officer)  # fmt: skip
    portal_login(client, world["users"]["live"])
    empty_states = [
        ("", "No snapshot has been shared"), ("evidence/", "No evidence has been shared"),
        ("requests/", "No evidence has been requested yet"), ("framework/", "No criteria"),
    ]  # fmt: skip
    for path, text in empty_states:
        assert text in client.get(f"/portal/e/{bare.pk}/{path}").content.decode(), path


def test_totp_command_issues_a_fresh_device_for_auditors_only(world):
    out = StringIO()
    user = world["users"]["live"]
    old = TOTPDevice.objects.get(user=user).pk
    call_command("portal_auditor_totp", user.username, stdout=out)
    assert out.getvalue().startswith("otpauth://totp/")
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) != [old]
    with pytest.raises(CommandError):
        call_command("portal_auditor_totp", world["officer"].username, stdout=StringIO())


def test_home_shows_the_recorded_readiness_score_open_requests_and_time_left(client, world):
    from datetime import date

    from governance.models import ReadinessScore
    from portal.models import EvidenceRequest

    a = world["a"]
    ReadinessScore.objects.create(day=date(2026, 11, 1), framework=a.framework, score="61.25")
    ReadinessScore.objects.create(day=date(2026, 11, 2), framework=a.framework, score="64.50")
    open_request = EvidenceRequest.objects.create(
        engagement=a.engagement, control=a.control, description="x", requested_by=world["users"]["live"],
        assignee=world["officer"],
    )  # fmt: skip
    portal_login(client, world["users"]["live"])
    page = client.get(f"/portal/e/{a.engagement.pk}/").content.decode()
    assert '<strong id="readiness">64.50</strong>' in page and "61.25" not in page
    assert f"#{open_request.pk} SOC2-AC" in page
    assert '<strong id="time-left">6 d 23 h</strong>' in page


def test_an_engagement_shares_the_findings_of_its_linked_audit(client, world):
    from governance.models import Audit
    from portal.services import engagement_findings_add

    a, officer = world["a"], world["officer"]
    with pytest.raises(ValidationError, match="Link the engagement to an audit first"):
        engagement_findings_add(engagement=a.engagement, actor=officer)
    audit = Audit.objects.create(
        title="SOC 2 Type II 2026",
        kind="certification",
        lead=officer,
        planned_start=date(2026, 11, 1),
        planned_end=date(2026, 12, 15),
    )
    a.engagement.audit = audit
    a.engagement.save()
    Finding.objects.create(
        ref="F-2026-010",
        title="Stale access review",
        severity="minor",
        source="audit",
        audit=audit,
        owner=officer,
        due_date=date(2026, 12, 1),
    )
    Finding.objects.create(
        ref="F-2026-011",
        title="Other audit's finding",
        severity="minor",
        source="audit",
        owner=officer,
        due_date=date(2026, 12, 1),
    )
    assert engagement_findings_add(engagement=a.engagement, actor=officer) == 1
    assert engagement_findings_add(engagement=a.engagement, actor=officer) == 0  # idempotent
    portal_login(client, world["users"]["live"])
    page = client.get(f"/portal/e/{a.engagement.pk}/objects/findings/").content.decode()
    assert "F-2026-010" in page and "F-2026-011" not in page
    assert "SOC 2 Type II 2026" in client.get(f"/portal/e/{a.engagement.pk}/").content.decode()
