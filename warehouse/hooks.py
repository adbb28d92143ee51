"""Extension points of the pipeline that higher apps fill from their AppConfig.ready().

The warehouse may not import governance; governance registers its data-quality gate here, and
`warehouse.services.job_run_execute` calls whatever is registered.
"""

from __future__ import annotations

from typing import Protocol

Identity = tuple[str, str]  # (namespace, name) of a dataset, as catalog.naming gives it


class QualityGate(Protocol):
    def active(self) -> bool:
        """Whether any check is enabled at all (otherwise the run builds in one go, unchecked)."""

    def gated(self, nodes: dict[str, Identity]) -> set[str]:
        """Of `nodes` (dbt unique id → dataset), those with an enabled error-level check."""

    def check(self, *, job_run_id: int, nodes: dict[str, Identity]) -> set[str]:
        """Run the checks of these freshly built nodes; return those whose error-level checks failed."""

    def events(self, *, job_run_id: int) -> list[dict]:
        """OpenLineage events carrying the run's check results, handed to the lineage sink."""

    def finish(self, *, job_run_id: int, blocked: dict[str, str]) -> None:
        """After the run and its lineage: scores and alerts (`blocked`: held-back node → reason)."""


_gates: list[QualityGate] = []


def register_quality_gate(gate: QualityGate) -> None:
    if gate not in _gates:
        _gates.append(gate)


def quality_gates() -> list[QualityGate]:
    return list(_gates)
