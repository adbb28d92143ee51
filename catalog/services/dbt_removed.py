"""What a dbt project no longer has: datasets and tests marked removed (kept, with their history).

A model deleted or disabled (`enabled: false` moves it to the manifest's `disabled` section)
leaves its dataset, edges and test results in the catalog; they stay for history and drop out
of current lineage and impact analysis. Only nodes of the projects this manifest speaks for
(the root project and its packages) are considered, so importing one project never removes
another's datasets.
"""

from django.utils import timezone

from catalog.models import DataCheck, Dataset
from catalog.services.datasets import dataset_mark_removed


def _project(unique_id: str) -> str:
    """`model.jaffle_shop.orders` -> `jaffle_shop`."""
    parts = unique_id.split(".")
    return parts[1] if len(parts) > 2 else ""


def manifest_projects(manifest: dict) -> set[str]:
    ids = [*manifest["nodes"], *manifest["sources"], *(manifest.get("disabled") or {})]
    return {_project(unique_id) for unique_id in ids} - {""}


def dbt_mark_removed(*, manifest: dict, current: set[int]) -> tuple[int, int]:
    """Mark removed the imported datasets (not in `current`, by pk) and tests the manifest lacks.

    Saved one by one: a dataset's removal reaches the audit trail. Returns (datasets, tests).
    """
    projects = manifest_projects(manifest)
    candidates = Dataset.objects.filter(removed_at__isnull=True).exclude(dbt_unique_id="").order_by("pk")
    datasets = sum(
        dataset_mark_removed(dataset=dataset)
        for dataset in candidates.exclude(pk__in=current)
        if _project(dataset.dbt_unique_id) in projects
    )
    tests = 0
    for check in DataCheck.objects.filter(source="dbt", removed_at__isnull=True).order_by("pk"):
        if check.unique_id not in manifest["nodes"] and _project(check.unique_id) in projects:
            check.removed_at = timezone.now()
            check.save(update_fields=["removed_at"])
            tests += 1
    return datasets, tests
