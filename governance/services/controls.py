"""Controls, their mappings to criteria, and control tests."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.models import Control, ControlMapping, ControlTest, ControlTestSample, Criterion


def control_upsert(*, ref: str, actor, **fields) -> Control:
    """Create or update a control by its reference; unchanged values are not written."""
    with transaction.atomic():
        control = Control.objects.filter(ref=ref).first() or Control(ref=ref)
        changed = [k for k, v in fields.items() if getattr(control, k, None) != v]
        for key in changed:
            setattr(control, key, fields[key])
        if control.pk is None or changed:
            control.full_clean()
            control.save()
    return control


def control_map(*, control: Control, criteria: list[Criterion], actor) -> list[ControlMapping]:
    """Map a control to criteria of any framework; mapping twice is a no-op."""
    retired = [c.ref for c in criteria if c.is_retired]
    if retired:
        raise ValidationError(f"Retired criteria cannot be mapped: {', '.join(retired)}.")
    with transaction.atomic():
        return [ControlMapping.objects.get_or_create(control=control, criterion=c)[0] for c in criteria]


def control_test_record(*, control: Control, preparer, samples: list[tuple[str, bool, str]] = (), **fields):
    """Record a test with its sample; `samples` are (item, passed, note) triples."""
    with transaction.atomic():
        test = ControlTest(control=control, preparer=preparer, **fields)
        test.full_clean()
        test.save()
        # One by one, not bulk_create: each sample row reaches the audit trail.
        for item, passed, note in samples:
            sample = ControlTestSample(test=test, item=item, passed=passed, note=note)
            sample.full_clean()
            sample.save()
    return test


def control_test_review(*, test: ControlTest, reviewer) -> ControlTest:
    """Sign off a test as its reviewer (a person other than the preparer)."""
    with transaction.atomic():
        test = ControlTest.objects.select_for_update().get(pk=test.pk)
        if test.reviewer_id:
            raise ValidationError("This test has already been reviewed.")
        test.reviewer, test.reviewed_at = reviewer, timezone.now()
        test.full_clean()
        test.save(update_fields=["reviewer", "reviewed_at"])
    return test


def control_effectiveness(*, control: Control, start: date, end: date) -> dict:
    """Operating effectiveness over a Type II window, from the operating tests overlapping it.

    Effective when every such test passed; failed when any failed; partial otherwise.
    The deviation rate is exceptions over items sampled, across those tests.
    """
    if end < start:
        raise ValidationError("The window ends before it starts.")
    tests = list(
        control.tests.filter(
            kind=ControlTest.Kind.OPERATING, period_start__lte=end, period_end__gte=start
        ).prefetch_related("samples")
    )
    if not tests:
        return {"result": "untested", "tests": 0, "sampled": 0, "exceptions": 0, "deviation_rate": None}
    results = {t.result for t in tests}
    sampled = sum(len(t.samples.all()) for t in tests)
    exceptions = sum(1 for t in tests for s in t.samples.all() if not s.passed)
    if results == {ControlTest.Result.PASS}:
        result = "effective"
    elif ControlTest.Result.FAIL in results:
        result = "failed"
    else:
        result = "partial"
    rate = round(exceptions / sampled, 4) if sampled else None
    return {"result": result, "tests": len(tests), "sampled": sampled, "exceptions": exceptions,
            "deviation_rate": rate}  # fmt: skip


def control_save(*, control: Control, actor) -> Control:
    """Validate and save a control edited in a form (the admin's one write path for controls)."""
    with transaction.atomic():
        control.full_clean()
        control.save()
    return control


def control_test_save(*, test: ControlTest, actor) -> ControlTest:
    """Save a test edited in a form; whoever records it first is its preparer."""
    with transaction.atomic():
        if test.pk is None:
            test.preparer = actor
        test.full_clean()
        test.save()
    return test
