from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.demo import CONTROLS, HISTORY_DAYS
from governance.models import Evidence, Framework, ReadinessScore
from governance.readiness import readiness_compute

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_program_that_shows_expiry_and_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    counts = Evidence.objects.count(), ReadinessScore.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (Evidence.objects.count(), ReadinessScore.objects.count()) == counts
    # One evidence item per company-wide control; a history of days, four rows each (3 frameworks,
    # overall). The customer portal's demo adds an organisation's own control and scores.
    company_wide = Evidence.objects.filter(control__organization__isnull=True).count()
    assert company_wide == len(CONTROLS)
    # (it also scores the last two month-ends, so the company-wide history may hold those days too)
    days = Counter(ReadinessScore.objects.filter(organization__isnull=True).values_list("day", flat=True))
    today = timezone.localdate()
    assert {today - timedelta(days=n) for n in HISTORY_DAYS} | {today} <= set(days)
    assert set(days.values()) == {4}
    result = readiness_compute(framework=Framework.objects.get(slug="soc2"), day=timezone.localdate())
    rows = {c.criterion.ref: c for c in result.criteria}
    assert rows["A1.3"].status == "failing"
    assert any(r.startswith("BK-01: evidence expired on") for r in rows["A1.3"].reasons)
    assert rows["CC6.2"].status == "effective"
    assert 0 < result.score < 100


def test_seed_demo_adds_an_audit_with_a_finding_and_an_open_capa_once():
    from governance.models import Audit, Capa, CapaEvent, TrainingRecord

    call_command("seed_demo", stdout=StringIO())
    counts = [m.objects.count() for m in (Audit, Capa, CapaEvent, TrainingRecord)]
    call_command("seed_demo", stdout=StringIO())
    assert [m.objects.count() for m in (Audit, Capa, CapaEvent, TrainingRecord)] == counts
    capa = Capa.objects.get(ref="CAPA-DEMO-1")
    assert capa.status == Capa.Status.OPEN and capa.finding.audit.title == "SOC 2 Type II 2026"
    assert capa.actions.filter(status="open").count() == 1
    assert capa.finding.is_overdue  # so the readiness score shows the penalty
    assert TrainingRecord.objects.filter(completed_on__isnull=False).count() == 1
