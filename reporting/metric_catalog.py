"""What the metric pages and the API show beside a definition: the mart's catalog entry (for the
lineage link) and the reconciling dbt test's last outcome, for all metrics in two queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.models import DataCheck, Dataset
from reporting.dashboards import DASHBOARDS
from reporting.metric_layer import Metric
from warehouse import config as warehouse_config
from warehouse.reads.catalog_lookup import catalog_identity

DASHBOARD_TITLES = {page.slug: page.title for page in DASHBOARDS}


@dataclass(frozen=True)
class MetricEntry:
    metric: Metric
    dataset: Dataset | None  # the mart in the catalog; None when it is not catalogued
    check: DataCheck | None  # the dbt test named by `reconciled_by`, once dbt has reported it

    @property
    def dashboard_titles(self) -> list[str]:
        return [DASHBOARD_TITLES.get(slug, slug) for slug in self.metric.dashboards]


def metric_entries(metrics: list[Metric]) -> list[MetricEntry]:
    config = warehouse_config.engine_config(read_only=True)
    identities = {m.mart: catalog_identity(m.mart, config) for m in metrics}
    wanted = Q(pk__in=[])
    for namespace, name in set(identities.values()):
        wanted |= Q(namespace=namespace, name=name)
    datasets = {(d.namespace, d.name): d for d in Dataset.objects.filter(wanted, removed_at__isnull=True)}
    tests = [m.reconciled_by for m in metrics if m.reconciled_by]
    checks = {c.name: c for c in DataCheck.objects.filter(name__in=tests)}
    return [
        MetricEntry(metric=m, dataset=datasets.get(identities[m.mart]), check=checks.get(m.reconciled_by))
        for m in metrics
    ]
