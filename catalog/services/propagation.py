"""Classification propagation along column lineage, as suggestions a steward confirms."""

from catalog.impact import propagation_walk
from catalog.models import ClassificationSuggestion, Column, Job

Suggestion = ClassificationSuggestion


def _chains(rows, start: Column) -> dict[int, list[tuple[int, int]]]:
    """For each reached column, the (column, job) hops back to the start along a shortest path."""
    first_parent = {}
    for node, _depth, parent, job in rows:
        first_parent.setdefault(node, (parent, job))
    chains = {}
    for node in first_parent:
        chain, cursor = [], node
        while cursor != start.pk and cursor in first_parent:
            parent, job = first_parent[cursor]
            chain.append((parent, job))
            cursor = parent
        chains[node] = chain
    return chains


def _reason(chain, columns, jobs) -> str:
    hops = [f"{columns[parent]} via job {jobs[job].name}" for parent, job in chain]
    return "derived from " + ", derived from ".join(hops)


def classification_propagate(*, column: Column, actor) -> list[ClassificationSuggestion]:
    """Suggest `column`'s classification to every downstream column that is less strict.

    Returns the suggestions created; existing pending ones for the same level are kept, not doubled.
    """
    rows = propagation_walk(column.pk)
    chains = _chains(rows, column)
    ids = set(chains) | {p for chain in chains.values() for p, _ in chain}
    columns = Column.objects.select_related("dataset", "classification").in_bulk(ids | {column.pk})
    jobs = Job.objects.in_bulk({j for chain in chains.values() for _, j in chain})
    level = column.classification
    created = []
    for node, chain in chains.items():
        target = columns[node]
        if target.classification and target.classification.level >= level.level:
            continue
        suggestion, new = Suggestion.objects.get_or_create(
            column=target,
            detector=Suggestion.Detector.PROPAGATION,
            suggested_classification=level,
            status=Suggestion.Status.PENDING,
            defaults={"reason": _reason(chain, columns, jobs), "suggested_pii_category": column.pii_category},
        )
        if new:
            created.append(suggestion)
    return created
