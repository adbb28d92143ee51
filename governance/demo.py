"""Demo compliance program for `manage.py seed_demo`: frameworks, five controls, a little evidence.

Safe to run again: frameworks reload idempotently, and evidence and tests are only added to a
control that has none, so a second run writes nothing.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts import roles
from governance.models import (
    Audit,
    AuditTask,
    CapaAction,
    Course,
    Criterion,
    Curriculum,
    Deviation,
    Finding,
    Framework,
    TrainingRecord,
)
from governance.services.audits import audit_save, audit_task_save, deviation_save, finding_link, finding_save
from governance.services.capa import capa_action_save, capa_open
from governance.services.controls import control_map, control_test_record, control_test_review, control_upsert
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.frameworks import framework_files, framework_load_file
from governance.services.readiness import readiness_record
from governance.services.training import curriculum_assign, training_complete

# ref, name, frequency, automation, criteria (framework slug, ref)
CONTROLS = [
    (
        "AC-01",
        "Quarterly user access review",
        "quarterly",
        "manual",
        [
            ("soc2", "CC6.2"),
            ("soc2", "CC6.3"),
            ("hipaa", "164.308(a)(4)(ii)(C)"),
            ("part11", "11.10(d)"),
            ("part11", "11.10(g)"),
        ],
    ),
    (
        "AU-01",
        "Daily audit-trail chain verification",
        "daily",
        "automated",
        [("soc2", "CC7.2"), ("soc2", "CC4.1"), ("hipaa", "164.312(b)"), ("part11", "11.10(e)")],
    ),
    (
        "BK-01",
        "Backup restore test",
        "quarterly",
        "manual",
        [("soc2", "A1.2"), ("soc2", "A1.3"), ("hipaa", "164.308(a)(7)(ii)(A)"), ("part11", "11.10(c)")],
    ),
    (
        "CM-01",
        "Change approval before release",
        "continuous",
        "automated",
        [("soc2", "CC8.1"), ("part11", "11.10(k)")],
    ),
    (
        "TR-01",
        "Annual security awareness training",
        "annual",
        "manual",
        [("soc2", "CC1.4"), ("hipaa", "164.308(a)(5)(ii)(A)"), ("part11", "11.10(i)")],
    ),
]

# control ref -> (days ago the period started, days ago it ended, validity days, test result or None)
EVIDENCE = {
    "AC-01": (100, 75, 90, "pass"),
    "AU-01": (30, 1, 2, "pass"),
    "BK-01": (200, 190, 90, "fail"),  # expired: shows how expiry propagates to every mapped criterion
    "CM-01": (60, 1, 30, None),
}


@transaction.atomic
def seed_governance() -> None:
    for path in framework_files():
        framework_load_file(path=path)
    User = get_user_model()
    owner, reviewer = User.objects.get(username="compliance"), User.objects.get(username="steward")
    for ref, name, frequency, automation, criteria in CONTROLS:
        control = control_upsert(
            ref=ref, actor=owner, name=name, owner=owner, frequency=frequency, automation=automation
        )
        targets = [Criterion.objects.get(framework__slug=slug, ref=cref) for slug, cref in criteria]
        control_map(control=control, criteria=targets, actor=owner)
        if ref in EVIDENCE and not control.evidence.exists():
            _evidence_and_test(control, owner, reviewer, *EVIDENCE[ref])
    readiness_record(day=timezone.localdate())


def _evidence_and_test(control, owner, reviewer, started, ended, validity, result):
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
        control_test_review(test=test, reviewer=reviewer)


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


@transaction.atomic
def seed_audits_and_capa() -> None:
    """One audit in fieldwork with a finding and an open CAPA, a deviation, a little training.

    Keyed on references: when the demo finding exists already, nothing is written.
    """
    if Finding.objects.filter(ref="F-DEMO-1").exists():
        return
    owner = get_user_model().objects.get(username="compliance")
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
        occurred_on=_days(-20), impact="low", capa=capa, status="assessed",
        impact_assessment="No unauthorised access found.",
    )  # fmt: skip
    deviation_save(deviation=deviation, actor=owner)
    _demo_training(owner)
    readiness_record(day=timezone.localdate())  # today's history point includes the finding's penalty


def _demo_audit(owner):
    audit = Audit(
        title="SOC 2 Type II 2026", kind=Audit.Kind.CERTIFICATION, status="fieldwork", lead=owner,
        auditor_firm="Demo Assurance LLP", planned_start=_days(-10), planned_end=_days(20),
        actual_start=_days(-9), period_start=_days(-190), period_end=_days(-10),
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
