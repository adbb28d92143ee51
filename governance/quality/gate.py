"""The data-quality gate the warehouse pipeline calls (registered in GovernanceConfig.ready())."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from catalog.models import DataCheck, Dataset
from governance.models import CheckResult, QualityCheck
from governance.quality import facets, services, yaml_checks


class QualityGate:
    """Checks each dataset after it is built; error-level failures hold back its descendants."""

    def active(self) -> bool:
        yaml_checks.quality_yaml_sync()
        return QualityCheck.objects.filter(enabled=True).exists()

    def gated(self, nodes):
        datasets = _datasets(nodes).filter(quality_checks__enabled=True, quality_checks__severity="error")
        identities = set(datasets.values_list("namespace", "name"))
        return {node for node, identity in nodes.items() if identity in identities}

    def check(self, *, job_run_id, nodes):
        results = services.quality_checks_run(datasets=_datasets(nodes), job_run_id=job_run_id)
        failed = {
            (r.quality_check.dataset.namespace, r.quality_check.dataset.name)
            for r in services.blocking_failures(results)
        }
        return {node for node, identity in nodes.items() if identity in failed}

    def events(self, *, job_run_id):
        from warehouse.models import JobRun

        return facets.quality_events(job_run_id=job_run_id, job_name=JobRun.objects.get(pk=job_run_id).job)

    def finish(self, *, job_run_id, blocked):
        from warehouse.models import JobRun

        run = JobRun.objects.get(pk=job_run_id)
        results = list(
            CheckResult.objects.filter(job_run_id=job_run_id).select_related("quality_check__dataset")
        )
        failures = services.blocking_failures(results)
        if failures:
            services.quality_failure_alert(job_run_id=job_run_id, failures=failures, blocked=blocked)
        tested = DataCheck.objects.filter(last_run_at__gte=run.started_at).values("dataset")
        checked = {r.quality_check.dataset_id for r in results}
        for dataset in Dataset.objects.filter(Q(pk__in=checked) | Q(pk__in=tested)):
            services.quality_score_record(dataset=dataset, job_run_id=job_run_id)


def _datasets(nodes):
    if not nodes:
        return Dataset.objects.none()
    return Dataset.objects.filter(reduce(or_, (Q(namespace=ns, name=name) for ns, name in nodes.values())))
