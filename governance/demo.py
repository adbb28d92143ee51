"""Demo compliance program for `manage.py seed_demo`: frameworks, five controls, a little evidence.

Safe to run again: frameworks reload idempotently, and evidence and tests are only added to a
control that has none, so a second run writes nothing.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from governance.models import Criterion
from governance.services.controls import control_map, control_test_record, control_test_review, control_upsert
from governance.services.evidence import evidence_accept, evidence_upload
from governance.services.frameworks import framework_files, framework_load_file
from governance.services.readiness import readiness_record

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
