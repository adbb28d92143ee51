"""The auditor portal's world: two engagements (SOC 2, HIPAA) with frozen October snapshots,
and the personas of the permission matrix: an auditor with a live grant, one whose grant
expired a minute ago, one revoked, the auditor of the other engagement, a compliance officer,
an outsider. Every auditor has a TOTP device; `portal_login` signs in through the session as
the real form does (password + second factor).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.tests.factories import UserFactory
from governance.services.evidence import evidence_accept, evidence_upload
from governance.snapshots import snapshot_create
from governance.tests.factories import ControlFactory, CriterionFactory, FrameworkFactory
from portal.services import (
    engagement_auditor_add,
    engagement_auditor_revoke,
    engagement_create,
    engagement_snapshot_add,
)
from portal.tests.customer_world import customers, warehouse  # noqa: F401  (the customer portal's fixtures)
from portal.tests.embed_world import embed_world  # noqa: F401  (fixture of the embed tests)

OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOVERNANCE_SNAPSHOT_ROOT = tmp_path / "snapshots"
    settings.GOVERNANCE_EVIDENCE_KEY_FILE = str(tmp_path / "keys" / "evidence.pem")


def accepted_evidence(control, actor, title, content: bytes, name="review.csv"):
    item = evidence_upload(
        control=control, title=title, effective_from=OCTOBER, effective_to=date(2026, 10, 31),
        validity_days=90, actor=actor, uploaded=SimpleUploadedFile(name, content),
    )  # fmt: skip
    return evidence_accept(evidence=item, actor=actor)


@dataclass
class Side:
    """One engagement with its framework, control, evidence and snapshot."""

    framework: object
    control: object
    evidence: list
    snapshot: object
    engagement: object
    grants: dict = field(default_factory=dict)


def engagement_side(slug, officer, tmp_path, *, evidence_count=2, files=()) -> Side:
    """`files`: (title, content, name) of further evidence, e.g. PDFs, frozen in the snapshot too."""
    framework = FrameworkFactory(slug=slug, urn=f"urn:test:{slug}", name=slug.upper())
    criterion = CriterionFactory(framework=framework, ref=f"{slug.upper()}-1")
    CriterionFactory(framework=framework, ref=f"{slug.upper()}-2")
    control = ControlFactory(owner=officer, ref=f"{slug.upper()}-AC", name=f"{slug} access review")
    control.mappings.create(criterion=criterion)
    evidence = [
        accepted_evidence(control, officer, f"{slug} review {n}", f"user,decision\n{slug}{n},keep\n".encode())
        for n in range(evidence_count)
    ] + [accepted_evidence(control, officer, title, content, name) for title, content, name in files]
    snapshot = snapshot_create(
        framework=framework, month=OCTOBER, out_dir=tmp_path / "snapshots", actor=officer
    )
    engagement = engagement_create(
        name=f"{slug.upper()} Type II 2026", firm="Example & Co Auditors", framework=framework,
        period_start=date(2026, 4, 1), period_end=date(2026, 10, 31), actor=officer,
    )  # fmt: skip
    engagement_snapshot_add(engagement=engagement, snapshot=snapshot, actor=officer)
    return Side(framework, control, evidence, snapshot, engagement)


def totp(user):
    return TOTPDevice.objects.create(user=user, name="portal", confirmed=True)


def auditor_user(username):
    user = UserFactory(username=username, role=roles.AUDITOR, organization=None)
    totp(user)
    return user


@pytest.fixture
def world(compliance_officer, auditor, tmp_path):
    """Side A (SOC 2) and side B (HIPAA) and every persona, with their grants."""
    (tmp_path / "snapshots").mkdir()
    a, b = (
        engagement_side("soc2", compliance_officer, tmp_path),
        engagement_side("hipaa", compliance_officer, tmp_path),
    )
    now = timezone.now()
    totp(auditor)
    users = {"live": auditor}
    for name in ("expired", "revoked", "other"):
        users[name] = auditor_user(f"auditor-{name}")

    def add(side, name, start, end):
        side.grants[name] = engagement_auditor_add(
            engagement=side.engagement, user=users[name], valid_from=now + start, valid_until=now + end,
            actor=compliance_officer,
        )  # fmt: skip

    add(a, "live", -timedelta(days=1), timedelta(days=7))
    add(a, "expired", -timedelta(days=7), -timedelta(minutes=1))
    add(a, "revoked", -timedelta(days=1), timedelta(days=7))
    engagement_auditor_revoke(grant=a.grants["revoked"], actor=compliance_officer)
    add(b, "other", -timedelta(days=1), timedelta(days=7))
    return {"a": a, "b": b, "users": users, "officer": compliance_officer}


def portal_login(client, user):
    """A signed-in, second-factor-verified session (what the sign-in form leaves behind)."""
    import time

    device = TOTPDevice.objects.filter(user=user).first() or totp(user)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["portal_seen"] = time.time()
    session.save()
    return client
