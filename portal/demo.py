"""Demo engagement for `manage.py seed_demo`: the demo SOC 2 audit's engagement, with the SOC 2
snapshot of last month and the audit's findings, opened to the demo auditor for 30 days.
Their authenticator: `manage.py portal_auditor_totp auditor`.

Safe to run again: an existing engagement, snapshot or grant is left as it is.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.demo import AUDIT_TITLE
from governance.models import Audit, Framework, Snapshot
from governance.snapshots import snapshot_create
from portal.models import Engagement
from portal.services import (
    engagement_auditor_add,
    engagement_create,
    engagement_findings_add,
    engagement_snapshot_add,
)

NAME = "SOC 2 Type II (demo)"


@transaction.atomic
def seed_portal() -> None:
    if Engagement.objects.filter(name=NAME).exists():
        return
    User = get_user_model()
    officer, auditor = User.objects.get(username="compliance"), User.objects.get(username="auditor")
    framework = Framework.objects.get(slug="soc2")
    audit = Audit.objects.get(title=AUDIT_TITLE)  # seeded by governance.demo before this
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    engagement = engagement_create(
        name=NAME, firm=audit.auditor_firm, framework=framework, audit=audit,
        period_start=audit.period_start, period_end=audit.period_end, actor=officer,
        confidentiality_terms="Material seen here is confidential to the engagement.",
    )  # fmt: skip
    snapshot = _snapshot(framework, month, officer)
    if snapshot is not None:
        engagement_snapshot_add(engagement=engagement, snapshot=snapshot, actor=officer)
    engagement_findings_add(engagement=engagement, actor=officer)
    now = timezone.now()
    engagement_auditor_add(
        engagement=engagement,
        user=auditor,
        valid_from=now,
        valid_until=now + timedelta(days=30),
        actor=officer,
    )


def _snapshot(framework, month, officer):
    existing = Snapshot.objects.filter(framework=framework, month=month).first()
    if existing is not None:
        return existing
    out = settings.GOVERNANCE_SNAPSHOT_ROOT
    out.mkdir(parents=True, exist_ok=True)
    try:
        return snapshot_create(framework=framework, month=month, out_dir=out, actor=officer)
    except ValidationError:
        return None  # no accepted evidence for that month: the engagement starts empty
