"""Demo compliance programme for `manage.py seed_demo`, in mid-preparation for its SOC 2 Type II.

Fifteen controls cover most criteria of the three frameworks and most are in good order; the
gaps are the ones a programme at this stage has: a failed and expired backup restore test, a
change control never tested, a partial incident-response test, a test waiting for review,
evidence that covers part of the window, criteria no control maps yet, an overdue finding.
Readiness lands in the 60s-80s, with a history that climbs towards today.

Safe to run again: frameworks reload idempotently, evidence and tests are only added to a
control that has none, history days already recorded are kept, and CAPAs and the audit are
keyed on their references, so a second run writes nothing new.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.demo import demo_password, demo_signing_request
from governance.models import (
    Audit,
    AuditTask,
    Capa,
    CapaAction,
    Course,
    Criterion,
    Curriculum,
    Deviation,
    Finding,
    Framework,
    ReadinessScore,
    TrainingRecord,
)
from governance.services.audits import audit_save, audit_task_save, deviation_save, finding_link, finding_save
from governance.services.capa import (
    capa_action_save,
    capa_close,
    capa_open,
    effectiveness_check_approve,
    effectiveness_check_record,
)
from governance.services.controls import control_map, control_test_record, control_test_review, control_upsert
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.frameworks import framework_files, framework_load_file
from governance.services.readiness import readiness_record
from governance.services.training import curriculum_assign, training_complete

# ref, name, frequency, automation, criteria per framework slug
CONTROLS = [
    ("AC-01", "Quarterly user access review", "quarterly", "manual", {
        "soc2": ["CC6.2", "CC6.3"],
        "hipaa": ["164.308(a)(3)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        "part11": ["11.10(d)", "11.10(g)"],
    }),
    ("AU-01", "Daily audit-trail chain verification", "daily", "automated", {
        "soc2": ["CC7.2", "CC4.1"],
        "hipaa": ["164.312(b)", "164.308(a)(1)(ii)(D)", "164.312(c)(2)"],
        "part11": ["11.10(e)"],
    }),
    ("BK-01", "Backup restore test", "quarterly", "manual", {
        "soc2": ["A1.2", "A1.3"],
        "hipaa": ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.310(d)(2)(iv)"],
        "part11": ["11.10(c)"],
    }),
    ("CM-01", "Change approval before release", "continuous", "automated", {
        "soc2": ["CC8.1"], "part11": ["11.10(k)", "11.10(a)"],
    }),
    ("TR-01", "Annual security awareness training", "annual", "manual", {
        "soc2": ["CC1.4", "CC2.2"], "hipaa": ["164.308(a)(5)(ii)(A)"], "part11": ["11.10(i)"],
    }),
    ("RA-01", "Annual risk assessment", "annual", "manual", {
        "soc2": ["CC3.1", "CC3.2", "CC3.3", "CC3.4", "CC5.1", "CC9.1"],
        "hipaa": ["164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(B)", "164.308(a)(7)(ii)(E)", "164.308(a)(8)"],
    }),
    ("GV-01", "Security policies reviewed and approved", "annual", "manual", {
        "soc2": ["CC1.1", "CC1.2", "CC1.3", "CC1.5", "CC2.1", "CC5.3"],
        "hipaa": ["164.308(a)(2)", "164.308(a)(1)(ii)(C)", "164.316(a)", "164.316(b)(2)(i)",
                  "164.316(b)(2)(ii)", "164.316(b)(2)(iii)"],
        "part11": ["11.10(j)"],
    }),
    ("IR-01", "Incident response plan and tabletop exercise", "annual", "manual", {
        "soc2": ["CC7.3", "CC7.4", "CC7.5", "CC2.3"],
        "hipaa": ["164.308(a)(6)(ii)", "164.308(a)(7)(ii)(C)", "164.308(a)(7)(ii)(D)"],
    }),
    ("VM-01", "Vulnerability scanning and patching", "monthly", "automated", {
        "soc2": ["CC7.1", "CC6.8", "CC6.6"], "hipaa": ["164.308(a)(5)(ii)(B)"],
    }),
    ("EN-01", "Encryption at rest and in transit", "quarterly", "automated", {
        "soc2": ["CC6.1", "CC6.7", "C1.1"],
        "hipaa": ["164.312(a)(2)(iv)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
        "part11": ["11.30"],
    }),
    ("IA-01", "Single sign-on with MFA and password policy", "quarterly", "automated", {
        "soc2": ["CC6.1"],
        "hipaa": ["164.312(a)(2)(i)", "164.312(d)", "164.308(a)(5)(ii)(C)", "164.308(a)(5)(ii)(D)",
                  "164.312(a)(2)(iii)"],
        "part11": ["11.100", "11.200", "11.300"],
    }),
    ("ES-01", "E-signature manifestation and record-linking check", "quarterly", "automated", {
        "part11": ["11.50", "11.70", "11.10(f)"],
    }),
    ("VR-01", "Vendor and business-associate agreement review", "annual", "manual", {
        "soc2": ["CC9.2"],
        "hipaa": ["164.308(b)(3)", "164.314(a)(2)(i)", "164.314(a)(2)(ii)", "164.314(a)(2)(iii)"],
    }),
    ("PH-01", "Hosting provider SOC 2 report review (physical security)", "annual", "manual", {
        "soc2": ["CC6.4", "CC6.5"],
        "hipaa": ["164.310(a)(2)(ii)", "164.310(a)(2)(iii)", "164.310(b)", "164.310(c)",
                  "164.310(d)(2)(i)", "164.310(d)(2)(ii)"],
    }),
    ("DQ-01", "Warehouse data-quality tests on every run", "daily", "automated", {
        "soc2": ["PI1.1", "PI1.2", "PI1.3", "PI1.4", "PI1.5"],
    }),
]  # fmt: skip

# control ref -> (days ago the period started, days ago it ended, validity days, test result or None,
# test reviewed). The controls in good order were each tested at a different time over the last
# quarter (see _profile), so the readiness history climbs; these are the gaps the demo shows.
GAPS = {
    "BK-01": (200, 190, 90, "fail", True),  # expired: shows how expiry propagates to every mapped criterion
    "CM-01": (60, 1, 30, None, False),  # collected but never tested
    "IR-01": (100, 10, 90, "partial", True),  # tabletop found gaps in the escalation list
    "VM-01": (100, 10, 30, "pass", False),  # tested, waiting for the reviewer
    "VR-01": (40, 5, 365, "pass", True),  # the programme is new: evidence covers part of the window
}


def _profile(ref: str, position: int) -> tuple:
    if ref in GAPS:
        return GAPS[ref]
    ended = 80 - 5 * position  # the first control tested 80 days ago, the last 10
    return (ended + 90, ended, 120, "pass", True)


# Scoped out of this demo programme (framework, ref pattern, the reason an auditor reads).
NOT_APPLICABLE = [
    ("soc2", r"^P[0-9]", "Privacy is not in the scope of this SOC 2 report (Security, Availability, "
                         "Confidentiality and Processing Integrity only)."),
    ("hipaa", r"^164\.308\(a\)\(4\)\(ii\)\(A\)$", "Custodian is not a health care clearinghouse."),
    ("hipaa", r"^164\.314\(b\)", "Custodian does not sponsor a group health plan."),
]  # fmt: skip
AUDIT_TITLE, AUDIT_FIRM = "SOC 2 Type II 2026", "Demo Assurance LLP"
HISTORY_DAYS = (84, 70, 56, 42, 28, 14, 7)  # readiness history points before today, for the chart


@transaction.atomic
def seed_governance() -> None:
    for path in framework_files():
        framework_load_file(path=path)
    _scope_out()
    User = get_user_model()
    owner, reviewer = User.objects.get(username="compliance"), User.objects.get(username="steward")
    for position, (ref, name, frequency, automation, criteria) in enumerate(CONTROLS):
        control = control_upsert(
            ref=ref, actor=owner, name=name, owner=owner, frequency=frequency, automation=automation
        )
        targets = [Criterion.objects.get(framework__slug=slug, ref=cref)
                   for slug, refs in criteria.items() for cref in refs]  # fmt: skip
        control_map(control=control, criteria=targets, actor=owner)
        if not control.evidence.exists():
            profile = _profile(ref, position)
            _evidence_and_test(control, owner, reviewer, *profile)
            if ref not in GAPS:  # tested again since, up to yesterday: no gap this month
                _retest(control, owner, reviewer, since=timezone.localdate() - timedelta(days=profile[1] - 1))
    today = timezone.localdate()
    for days in HISTORY_DAYS:
        if not ReadinessScore.objects.filter(day=today - timedelta(days=days)).exists():
            readiness_record(day=today - timedelta(days=days))
    readiness_record(day=today)


def _scope_out() -> None:
    for slug, pattern, note in NOT_APPLICABLE:
        criteria = Criterion.objects.filter(
            framework__slug=slug, ref__regex=pattern, is_applicable=True, is_assessable=True
        )
        for criterion in criteria:
            criterion.is_applicable, criterion.applicability_note = False, note
            criterion.full_clean()
            criterion.save()  # one by one, so each change reaches the audit trail


def _retest(control, owner, reviewer, since):
    yesterday = timezone.localdate() - timedelta(days=1)
    test = control_test_record(
        control=control, preparer=owner, kind="operating", result="pass", period_start=since,
        period_end=max(since, yesterday), methodology="Re-performance on a sample",
        samples=[(f"{control.ref}-sample-2", True, "")],
    )  # fmt: skip
    control_test_review(test=test, reviewer=reviewer)


def _evidence_and_test(control, owner, reviewer, started, ended, validity, result, reviewed):
    today = timezone.localdate()
    start, end = today - timedelta(days=started), today - timedelta(days=ended)
    content = f"control,{control.ref}\nperiod,{start},{end}\nresult,{result or 'n/a'}\n".encode()
    item = evidence_upload(
        control=control,
        title=f"{control.name} {start:%b %Y}",
        effective_from=start,
        effective_to=end,
        validity_days=validity,
        uploaded=ContentFile(content, name=f"{control.ref.lower()}-{start}.csv"),
        actor=owner,
    )
    evidence_accept(evidence=item, actor=owner)
    if result:
        test = control_test_record(
            control=control,
            preparer=owner,
            kind="operating",
            result=result,
            period_start=start,
            period_end=end,
            methodology="Inspection of the export",
            samples=[(f"{control.ref}-sample-1", result == "pass", "")],
        )
        if reviewed:
            control_test_review(test=test, reviewer=reviewer)


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


@transaction.atomic
def seed_audits_and_capa() -> None:
    """Two CAPAs closed with signatures; one audit in fieldwork with a finding and an open CAPA,
    a deviation, a little training.

    Keyed on references: what exists already (a CAPA, the demo finding) is left as it is.
    """
    owner = get_user_model().objects.get(username="compliance")
    for spec in CLOSED_CAPAS:
        if not Capa.objects.filter(ref=spec["ref"]).exists():
            _closed_capa(owner, spec)
    _overdue_deviation(owner)
    if Finding.objects.filter(ref="F-DEMO-1").exists():
        return
    audit = _demo_audit(owner)
    finding = finding_save(
        finding=Finding(
            ref="F-DEMO-1", title="Leavers kept access beyond 24 h", severity="minor", source="audit",
            audit=audit, owner=owner, identified_on=_days(-5), due_date=_days(-1),
        ),
        actor=owner,
    )  # fmt: skip
    criteria = Criterion.objects.filter(framework__slug="soc2", ref__in=["CC6.2", "CC6.3"])
    # Criteria only (not control AC-01, which maps to every framework): the penalty shows on SOC 2.
    finding_link(finding=finding, criteria=criteria, actor=owner)
    capa = _demo_capa(owner, finding)
    deviation = Deviation(
        ref="DEV-DEMO-1", title="Access review done 5 days late", kind="unplanned", owner=owner,
        occurred_on=_days(-20), due_date=_days(25), impact="low", capa=capa, status="assessed",
        impact_assessment="No unauthorised access found.",
    )  # fmt: skip
    deviation_save(deviation=deviation, actor=owner)
    _demo_training(owner)
    readiness_record(day=timezone.localdate())  # today's history point includes the finding's penalty


def _overdue_deviation(owner):
    """An open deviation past its due date: the compliance dashboard's overdue list has a row."""
    if Deviation.objects.filter(ref="DEV-DEMO-3").exists():
        return
    deviation = Deviation(
        ref="DEV-DEMO-3",
        title="Backup restore test skipped in October",
        kind="unplanned",
        owner=owner,
        occurred_on=_days(-45),
        due_date=_days(-8),
        impact="medium",
        description="The quarterly restore test was not run; the next backup cycle was not verified.",
    )
    deviation_save(deviation=deviation, actor=owner)


def _demo_audit(owner):
    period_end = timezone.localdate().replace(day=1) - timedelta(days=1)  # the month just ended
    audit = Audit(
        title=AUDIT_TITLE, kind=Audit.Kind.CERTIFICATION, status="fieldwork", lead=owner,
        auditor_firm=AUDIT_FIRM, planned_start=_days(-10), planned_end=_days(20),
        actual_start=_days(-9), period_start=period_end - timedelta(days=180), period_end=period_end,
        scope="Custodian SaaS, production",
    )  # fmt: skip
    audit = audit_save(audit=audit, actor=owner)
    audit.frameworks.add(*Framework.objects.filter(slug="soc2"))
    for title, due in [
        ("Provide population lists", -3),
        ("Control walkthroughs", 7),
        ("Management response", 25),
    ]:
        audit_task_save(
            task=AuditTask(audit=audit, title=title, owner=owner, due_date=_days(due)), actor=owner
        )
    return audit


# Closed CAPAs: actions done, effectiveness check passed and approved, closure signed (Part 11).
CLOSED_CAPAS = [
    dict(ref="CAPA-DEMO-2", title="Route audit-trail verification alerts to on-call", source="deviation",
         source_reference="DEV-DEMO-2", opened_on=-120, action="Alert rule pages the on-call engineer",
         done=-80, root_cause="The verification job logged failures but nobody was paged."),
    dict(ref="CAPA-DEMO-3", title="Customer exports carry the audit columns", source="complaint",
         source_reference="Helix Pharma ticket 4411", opened_on=-95,
         action="Export template fixed and tested",
         done=-60, root_cause="The export template predated the audit columns."),
]  # fmt: skip


def _closed_capa(owner, spec):
    capa = capa_open(
        actor=owner, ref=spec["ref"], title=spec["title"], source=spec["source"],
        source_reference=spec["source_reference"], owner=owner, opened_on=_days(spec["opened_on"]),
        due_date=_days(spec["opened_on"] + 90), effectiveness_days=30, root_cause_method="five_whys",
        root_cause=spec["root_cause"],
    )  # fmt: skip
    done = _days(spec["done"])
    action = CapaAction(capa=capa, kind="corrective", description=spec["action"], owner=owner,
                        due_date=done, status="done", completed_on=done)  # fmt: skip
    capa_action_save(action=action, actor=owner)
    check = capa.checks.get(result="pending")
    effectiveness_check_record(
        check=check, actor=owner, result="passed", performed_on=_days(spec["done"] + 30),
        evidence="No recurrence in the 30 days after the action.",
    )  # fmt: skip
    # Signed the way a person signs in the admin: the signer's password, re-entered.
    password, request = demo_password(owner.username), demo_signing_request(owner)
    effectiveness_check_approve(check=check, signer=owner, password=password, request=request)
    capa_close(capa=Capa.objects.get(pk=capa.pk), signer=owner, password=password, request=request,
               comment="Effective: closed.")  # fmt: skip
    if spec["source"] == "deviation":
        deviation = Deviation(
            ref=spec["source_reference"], title="Audit-trail verification failure went unnoticed for 2 days",
            kind="unplanned", owner=owner, occurred_on=_days(spec["opened_on"] - 3), impact="medium",
            capa=capa, status="closed", impact_assessment="The chain verified once repaired; no record lost.",
        )  # fmt: skip
        deviation_save(deviation=deviation, actor=owner)


def _demo_capa(owner, finding):
    capa = capa_open(
        actor=owner, ref="CAPA-DEMO-1", title="Automate de-provisioning", source="finding", finding=finding,
        owner=owner, opened_on=_days(-4), due_date=_days(40), containment="Manual sweep of leavers",
        root_cause_method="five_whys", root_cause="Leaver tickets were not linked to the identity provider.",
    )  # fmt: skip
    actions = [
        ("corrective", "Remove access of the 3 leavers", -2, _days(-2)),
        ("preventive", "HR feed drives IdP de-provisioning", 30, None),
    ]
    for kind, text, due, completed in actions:
        action = CapaAction(capa=capa, kind=kind, description=text, owner=owner, due_date=_days(due),
                            status="done" if completed else "open", completed_on=completed)  # fmt: skip
        capa_action_save(action=action, actor=owner)
    return capa


def _demo_training(owner):
    course, _ = Course.objects.get_or_create(
        code="GXP-101", defaults={"title": "GxP basics", "validity_days": 365}
    )
    for role in (roles.COMPLIANCE_OFFICER, roles.DATA_STEWARD):
        curriculum, _ = Curriculum.objects.get_or_create(role=Group.objects.get(name=role))
        curriculum.courses.add(course)
        curriculum_assign(curriculum=curriculum, day=timezone.localdate(), actor=owner)
    record = TrainingRecord.objects.get(user=owner, course=course, completed_on__isnull=True)
    training_complete(record=record, completed_on=timezone.localdate(), actor=owner)
