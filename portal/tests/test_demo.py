"""The demo tells the story of a programme in mid-preparation (what `make demo` shows)."""

from datetime import date
from pathlib import Path

import pytest
import time_machine

from accounts.demo import seed_accounts
from governance.demo import GAPS, seed_audits_and_capa, seed_governance
from governance.gaps import evidence_gaps
from governance.models import Audit, Capa, Framework, ReadinessScore
from governance.readiness import readiness_compute
from governance.services.capa import capa_closure_signature, check_approval
from portal.demo import seed_portal
from portal.models import Engagement
from submissions.demo import seed_submissions
from submissions.models import Sequence
from submissions.services.sequences import signatures_for

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 15)


@pytest.fixture
def _mid_december(settings):
    # The official util files validation needs: the real ones, as CI has them beside the repo.
    settings.SUBMISSIONS_ECTD_UTIL_DIR = str(Path(settings.BASE_DIR).parent / "shared" / "reference" / "ectd")
    with time_machine.travel("2026-12-15 10:00Z", tick=False):
        yield


def _seed():
    seed_accounts()
    seed_governance()
    seed_audits_and_capa()
    seed_submissions()
    seed_portal()


def _counts():
    return [m.objects.count() for m in (ReadinessScore, Capa, Sequence, Engagement, Audit)]


@pytest.mark.usefixtures("_mid_december")
def test_the_demo_programme_is_mid_preparation_signed_and_linked():
    _seed()
    counts = _counts()
    _seed()
    assert _counts() == counts  # seeding twice changes nothing

    today = ReadinessScore.objects.filter(day=TODAY, organization=None)
    scores = {s.framework.slug if s.framework else "overall": float(s.score) for s in today}
    assert set(scores) == {"soc2", "hipaa", "part11", "overall"}
    assert all(60 <= score < 90 for score in scores.values()), scores
    history = ReadinessScore.objects.filter(organization=None, framework=None).order_by("day")
    assert history.count() > 3 and history.first().score < history.last().score  # it climbs
    for slug in ("soc2", "hipaa", "part11"):
        framework = Framework.objects.get(slug=slug)
        result = readiness_compute(framework=framework, day=TODAY)
        statuses = {c.status for c in result.criteria}
        assert {"effective", "failing"} <= statuses, slug  # clear gaps beside what works
        gaps = evidence_gaps(framework=framework, start=TODAY.replace(day=1), end=TODAY)
        assert {g.control for g in gaps if g.kind == "untested"} <= set(GAPS), slug  # only the named gaps

    closed = Capa.objects.filter(status=Capa.Status.CLOSED)
    assert closed.exists()
    for capa in closed:
        signature, status = capa_closure_signature(capa)
        assert status.valid and signature.printed_name == "Carla Compliance"
        assert check_approval(capa.checks.order_by("-due_date").first()) is not None

    signed_off = Sequence.objects.get(status=Sequence.Status.SIGNED_OFF)
    build = signed_off.builds.order_by("-built_at").first()
    assert build.error_count == 0
    assert any(sig.meaning == "approval" and st.valid for sig, st in signatures_for(build))

    engagement = Engagement.objects.get()
    assert engagement.audit == Audit.objects.get(title="SOC 2 Type II 2026")
    assert engagement.firm == engagement.audit.auditor_firm


@pytest.mark.usefixtures("_mid_december")
def test_without_the_util_files_the_annual_report_waits_and_a_later_seed_signs_it_off(settings):
    seed_accounts()
    util, settings.SUBMISSIONS_ECTD_UTIL_DIR = settings.SUBMISSIONS_ECTD_UTIL_DIR, ""
    assert "SUBMISSIONS_ECTD_UTIL_DIR" in seed_submissions()
    report = Sequence.objects.get(application__product="Veridol (demo)")
    assert report.status == Sequence.Status.QA_REVIEW and not report.builds.exists()
    settings.SUBMISSIONS_ECTD_UTIL_DIR = util
    assert seed_submissions() is None
    report.refresh_from_db()
    assert report.status == Sequence.Status.SIGNED_OFF and report.builds.count() == 1
