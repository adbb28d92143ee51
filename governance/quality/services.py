"""Writes of data quality: running checks and storing their results, scores and alerts."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from catalog.models import Column, DataCheck, Dataset
from governance.models import CheckResult, QualityCheck, QualityScore
from governance.quality import runner, score
from governance.quality.compile import Spec
from governance.quality.relations import NotInWarehouse, datasets_named, relation_of

logger = logging.getLogger(__name__)
Status = CheckResult.Status


def quality_checks_run(*, datasets, job_run_id: int | None = None, now=None) -> list[CheckResult]:
    """Run every enabled check of `datasets` (one scan per table) and store one result per check."""
    now = now or timezone.now()
    checks = list(QualityCheck.objects.filter(dataset__in=datasets, enabled=True).select_related("dataset"))
    by_dataset: dict[Dataset, list[QualityCheck]] = defaultdict(list)
    for check in checks:
        by_dataset[check.dataset].append(check)
    tables, unreadable = [], {}
    for dataset, its_checks in by_dataset.items():
        try:
            tables.append(_table_run(dataset, its_checks))
        except NotInWarehouse as exc:
            unreadable |= {c.pk: str(exc) for c in its_checks}
    verdicts = runner.run_tables(tables, now=now) if tables else {}
    results = [
        _result(check, verdicts.get(check.pk), unreadable.get(check.pk), job_run_id, now) for check in checks
    ]
    with transaction.atomic():
        CheckResult.objects.bulk_create(results)
    return results


def _table_run(dataset: Dataset, checks: list[QualityCheck]) -> runner.TableRun:
    columns = list(
        Column.objects.filter(dataset=dataset, removed_at__isnull=True).select_related("classification")
    )
    fallback = dataset.classification.level if dataset.classification else None
    previous = {}
    for check in checks:
        if check.check_type == "volume_change":
            last = check.results.exclude(rows_checked=None).order_by("-ran_at").first()
            previous[check.pk] = last.rows_checked if last else None
    return runner.TableRun(
        relation=relation_of(dataset),
        specs=[Spec(c.pk, c.check_type, c.column, c.params or {}) for c in checks],
        related={c.pk: relation_of(_referenced(c)) for c in checks if c.check_type == "referential"},
        previous_rows=previous,
        catalog_columns={c.name: c.data_type for c in columns},
        levels={c.name: c.classification.level if c.classification else fallback for c in columns},
    )


def _referenced(check: QualityCheck) -> Dataset:
    """The dataset a referential check points at: `to` is a catalogued name or its last parts."""
    to = str(check.params.get("to") or "")
    found = list(datasets_named(to)[:2])
    if len(found) != 1:
        raise NotInWarehouse(
            f"referential check {check.pk}: `to` = {to!r} names {len(found)} datasets, not one."
        )
    return found[0]


def _result(check, measured, unreadable, job_run_id, now) -> CheckResult:
    if measured is None:
        return CheckResult(
            quality_check=check,
            job_run_id=job_run_id,
            status=Status.ERROR,
            ran_at=now,
            message=unreadable or "not run",
        )
    verdict, ms = measured
    if verdict.error:
        status = Status.ERROR
    elif verdict.ok:
        status = Status.PASS
    else:
        status = Status.FAIL if check.severity == "error" else Status.WARN
    return CheckResult(
        quality_check=check,
        job_run_id=job_run_id,
        status=status,
        observed=verdict.observed,
        rows_checked=verdict.rows,
        failing_count=verdict.failing,
        samples=verdict.samples,
        message=(f"{verdict.message} (expected {verdict.expected})" if verdict.expected else verdict.message)[
            :2000
        ],
        ran_at=now,
        duration_ms=ms,
    )


def blocking_failures(results: list[CheckResult]) -> list[CheckResult]:
    """Results that stop downstream models: error-level checks that failed or could not run."""
    return [
        r for r in results if r.quality_check.severity == "error" and r.status in {Status.FAIL, Status.ERROR}
    ]


def quality_score_record(*, dataset: Dataset, job_run_id: int | None = None, now=None) -> QualityScore | None:
    """Score `dataset` from the latest result of each of its checks and its dbt tests."""
    outcomes = [*_check_outcomes(dataset), *_dbt_outcomes(dataset)]
    dims = score.score(outcomes)
    if dims is None:
        return None
    return QualityScore.objects.create(
        dataset=dataset, job_run_id=job_run_id, computed_at=now or timezone.now(), **dims
    )


def _check_outcomes(dataset: Dataset) -> list[score.Outcome]:
    latest = {}
    results = CheckResult.objects.filter(quality_check__dataset=dataset, quality_check__enabled=True)
    for result in results.select_related("quality_check").order_by("quality_check", "-ran_at"):
        latest.setdefault(result.quality_check_id, result)
    return [
        score.Outcome(r.quality_check.check_type, r.status == Status.PASS, r.failing_count, r.rows_checked)
        for r in latest.values()
    ]


def _dbt_outcomes(dataset: Dataset) -> list[score.Outcome]:
    """dbt tests stay in the catalog (imported with each run); read there, never copied."""
    tests = DataCheck.objects.filter(dataset=dataset, removed_at__isnull=True).exclude(last_status="")
    return [
        score.Outcome(t.test_type, t.last_status == "pass", t.last_failures, dataset.row_count) for t in tests
    ]


def quality_failure_alert(
    *, job_run_id: int | None, failures: list[CheckResult], blocked: dict[str, str]
) -> None:
    """E-mail the active data stewards about failed error-level checks and what they held back."""
    from django.contrib.auth.models import Group
    from django.core.mail import send_mail

    from accounts import roles

    group = Group.objects.filter(name=roles.DATA_STEWARD).first()
    recipients = sorted({u.email for u in group.user_set.filter(is_active=True) if u.email}) if group else []
    lines = [f"- {r.quality_check}: {r.message}" for r in failures]
    held = [f"- {node.split('.')[-1]}" for node in sorted(blocked)]
    body = "Error-level data-quality checks failed:\n" + "\n".join(lines)
    if held:
        body += "\n\nHeld back in this run (their previous output stays):\n" + "\n".join(held)
    if recipients:
        send_mail(f"[Custodian] data-quality checks failed in job run {job_run_id}", body, None, recipients)
    logger.error("Data-quality failures in job run %s: %s", job_run_id, "; ".join(lines))
