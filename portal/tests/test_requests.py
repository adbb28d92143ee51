"""Evidence requests: auditor asks, control owner answers with accepted evidence, auditor decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from governance.models import Evidence
from portal.models import EvidenceRequest, PortalAccess
from portal.services import evidence_request_answer, evidence_request_create
from portal.tests.conftest import accepted_evidence, portal_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(client, world):
    a = world["a"]
    portal_login(client, world["users"]["live"])
    url = f"/portal/e/{a.engagement.pk}/requests/"
    response = client.post(
        url, {"control": a.control.pk, "description": "Q4 leaver list", "due_date": "2026-12-15"}
    )
    assert response.status_code == 302
    return EvidenceRequest.objects.get()


def test_request_becomes_a_task_of_the_control_owner_and_is_logged(world, asked):
    a = world["a"]
    assert (asked.assignee, asked.requested_by, asked.status) == (
        a.control.owner,
        world["users"]["live"],
        "open",
    )
    assert EvidenceRequest.objects.visible_to(a.control.owner).filter(pk=asked.pk).exists()
    row = PortalAccess.objects.get(kind=PortalAccess.Kind.REQUEST)
    assert row.method == "POST" and row.engagement == a.engagement


def test_answer_opens_the_new_evidence_and_the_auditor_accepts_it(client, world, asked):
    a, officer = world["a"], world["officer"]
    new = accepted_evidence(a.control, officer, "Q4 leavers", b"user\nbob\n", name="leavers.csv")
    url = f"/portal/e/{a.engagement.pk}/evidence/{new.pk}/file/"
    assert client.get(url).status_code == 404
    evidence_request_answer(request=asked, evidence=new, note="attached", actor=officer)
    assert client.get(url).status_code == 200
    response = client.post(
        f"/portal/e/{a.engagement.pk}/requests/{asked.pk}/", {"decision": "accept", "note": ""}
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "accepted" and asked.decided_at is not None


def test_rejection_needs_a_reason(client, world, asked):
    a, officer = world["a"], world["officer"]
    new = accepted_evidence(a.control, officer, "Q4 leavers", b"user\nbob\n")
    evidence_request_answer(request=asked, evidence=new, actor=officer)
    url = f"/portal/e/{a.engagement.pk}/requests/{asked.pk}/"
    assert b"Say why" in client.post(url, {"decision": "reject", "note": " "}).content
    asked.refresh_from_db()
    assert asked.status == "answered"
    client.post(url, {"decision": "reject", "note": "wrong quarter"})
    asked.refresh_from_db()
    assert (asked.status, asked.decision_note) == ("rejected", "wrong quarter")


def test_only_the_owner_answers_and_only_with_accepted_evidence(world, asked):
    a, officer = world["a"], world["officer"]
    stranger = UserFactory(username="stan", is_staff=True)
    good = accepted_evidence(a.control, officer, "ok", b"x\n")
    with pytest.raises(PermissionDenied):
        evidence_request_answer(request=asked, evidence=good, actor=stranger)
    draft = Evidence.objects.create(
        control=a.control, kind="link", title="draft", url="https://example.test/x",
        effective_from=good.effective_from, effective_to=good.effective_to, valid_until=good.valid_until,
        collected_by=officer,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        evidence_request_answer(request=asked, evidence=draft, actor=officer)
    asked.refresh_from_db()
    assert asked.status == "open" and asked.answer is None


def test_auditor_cannot_request_on_a_control_outside_the_engagement(client, world):
    a, b = world["a"], world["b"]
    portal_login(client, world["users"]["live"])
    response = client.post(
        f"/portal/e/{a.engagement.pk}/requests/", {"control": b.control.pk, "description": "x"}
    )
    assert response.status_code == 400 and EvidenceRequest.objects.count() == 0
    with pytest.raises(PermissionDenied):
        evidence_request_create(
            engagement=b.engagement, control=b.control, description="x", actor=world["users"]["live"]
        )
    assert EvidenceRequest.objects.count() == 0


def test_other_engagements_requests_stay_hidden(client, world, asked):
    b = world["b"]
    portal_login(client, world["users"]["other"])
    page = client.get(f"/portal/e/{b.engagement.pk}/requests/").content.decode()
    assert "Q4 leaver list" not in page and "No evidence has been requested yet" in page
    assert client.get(f"/portal/e/{b.engagement.pk}/requests/{asked.pk}/").status_code == 404


def test_a_control_seen_through_another_engagement_cannot_be_requested_here(world):
    from datetime import timedelta

    from django.utils import timezone

    from portal.services import engagement_auditor_add

    a, b, user = world["a"], world["b"], world["users"]["live"]
    now = timezone.now()
    engagement_auditor_add(engagement=b.engagement, user=user, valid_from=now - timedelta(hours=1),
                           valid_until=now + timedelta(days=1), actor=world["officer"])  # fmt: skip
    with pytest.raises(PermissionDenied):
        evidence_request_create(engagement=a.engagement, control=b.control, description="x", actor=user)
    assert evidence_request_create(
        engagement=b.engagement, control=b.control, description="ok", actor=user
    ).pk
    assert list(EvidenceRequest.objects.values_list("engagement", flat=True)) == [b.engagement.pk]
