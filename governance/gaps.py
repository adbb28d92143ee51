"""Evidence gaps for a framework over a window (e.g. a SOC 2 Type II observation period)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from governance.coverage import describe, uncovered
from governance.models import ControlMapping, ControlTest, Evidence, Framework

GAP_LABELS = {
    "unmapped": "No control mapped",
    "evidence_gap": "Evidence gap",
    "stale": "Evidence stale",
    "untested": "Not tested",
}


@dataclass(frozen=True)
class Gap:
    kind: str  # a key of GAP_LABELS
    criteria: tuple[str, ...]
    control: str
    message: str

    @property
    def kind_label(self) -> str:
        return GAP_LABELS[self.kind]


def evidence_gaps(*, framework: Framework, start: date, end: date) -> list[Gap]:
    if end < start:
        raise ValidationError(f"The window ends ({end}) before it starts ({start}).")
    criteria = list(
        framework.criteria.filter(is_assessable=True, is_retired=False, is_applicable=True)
        .order_by("position")
        .prefetch_related(Prefetch("mappings", queryset=_mappings()))
    )
    gaps = [
        Gap("unmapped", (c.ref,), "", f"{c.ref} {c.title}: no mapped control")
        for c in criteria
        if not c.mappings.all()
    ]
    controls, refs = {}, {}
    for criterion in criteria:
        for mapping in criterion.mappings.all():
            controls.setdefault(mapping.control.pk, mapping.control)
            refs.setdefault(mapping.control.pk, []).append(criterion.ref)
    for pk, control in sorted(controls.items(), key=lambda kv: kv[1].ref):
        gaps.extend(_control_gaps(control, tuple(refs[pk]), start, end))
    return gaps


def _mappings():
    evidence = Evidence.objects.filter(status=Evidence.Status.ACCEPTED)
    tests = ControlTest.objects.filter(kind=ControlTest.Kind.OPERATING)
    return (
        ControlMapping.objects.filter(control__is_active=True)
        .select_related("control")
        .prefetch_related(
            Prefetch("control__evidence", queryset=evidence, to_attr="accepted_evidence"),
            Prefetch("control__tests", queryset=tests, to_attr="operating_tests"),
        )
    )


def _control_gaps(control, refs, start, end) -> list[Gap]:
    label = f"{control.ref} {control.name}"
    intervals = [(e.effective_from, e.valid_until) for e in control.accepted_evidence]
    gaps = [
        Gap("evidence_gap", refs, control.ref, f"{label}: no valid evidence for {describe(a, b)}")
        for a, b in uncovered(intervals, start, end)
    ]
    if intervals and max(b for _, b in intervals) < end:
        latest = max(control.accepted_evidence, key=lambda e: e.valid_until)
        gaps.append(
            Gap(
                "stale",
                refs,
                control.ref,
                f"{label}: latest evidence '{latest.title}' expired {latest.valid_until}",
            )
        )
    if not any(t.period_start <= end and t.period_end >= start for t in control.operating_tests):
        gaps.append(
            Gap("untested", refs, control.ref, f"{label}: no operating-effectiveness test in the window")
        )
    return gaps
