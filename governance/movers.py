"""What moves the readiness score, and readiness per criterion area; both read the day's
`Readiness` results (readiness.py), so they cost no query of their own.

Gains are in points of the *overall* score (the mean of the framework scores), before the floor
at 0:
- a control K with score s (result x freshness x sign-off) mapped to a criterion with n controls
  raises that criterion by (1 - s) / n once it is fully effective, and its framework by
  100 x weight x (1 - s) / n / Σ weight; summed over every criterion K is mapped to;
- a criterion without any control gains 100 x weight / Σ weight once one is mapped and effective;
- a penalty (a finding or CAPA past due) gains its points once closed;
then divided by the number of frameworks. The fix that gains most comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.readiness import Readiness

NO_AREA = "Other"


@dataclass
class Mover:
    kind: str  # "control", "unmapped" (a criterion without control) or "penalty"
    label: str
    gain: float = 0.0
    frameworks: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    object_id: int | None = None  # the control (kind "control") or criterion ("unmapped")


def score_movers(results: list[Readiness], limit: int = 10) -> list[Mover]:
    movers: dict[tuple, Mover] = {}
    for result in results:
        for key, mover, gain in _framework_gains(result):
            entry = movers.setdefault(key, mover)
            entry.gain += gain / len(results)
            if result.framework.name not in entry.frameworks:
                entry.frameworks.append(result.framework.name)
    ranked = sorted(movers.values(), key=lambda m: (-m.gain, m.label))
    for mover in ranked:
        mover.gain = round(mover.gain, 2)
    return [m for m in ranked if m.gain > 0][:limit]


def _framework_gains(result: Readiness):
    weight = result.total_weight or 1
    for criterion_score in result.criteria:
        if criterion_score.score is None:
            continue
        criterion = criterion_score.criterion
        share = 100 * float(criterion.weight) / weight
        if not criterion_score.controls:
            label = f"Map a control to {criterion.ref} {criterion.title}"
            yield ("unmapped", criterion.pk), Mover("unmapped", label, object_id=criterion.pk), share
            continue
        for control_score in criterion_score.controls:
            control = control_score.control
            gain = share * (1 - control_score.score) / len(criterion_score.controls)
            mover = Mover(
                "control",
                f"{control.ref} {control.name}",
                reasons=control_score.reasons,
                object_id=control.pk,
            )
            yield ("control", control.pk), mover, gain
    for penalty in result.penalties:
        yield ("penalty", penalty.reason), Mover("penalty", penalty.reason), penalty.points


@dataclass(frozen=True)
class AreaCell:
    area: str
    score: float  # 0-100: the weighted mean of the area's applicable criteria
    criteria: int


def area_readiness(result: Readiness) -> list[AreaCell]:
    """Readiness per criterion area (the criterion's group) of one framework, penalties aside."""
    areas: dict[str, list] = {}
    for c in result.criteria:
        if c.score is not None:
            areas.setdefault(c.criterion.group or NO_AREA, []).append(c)
    cells = []
    for area, scored in areas.items():
        weight = sum(float(c.criterion.weight) for c in scored) or 1
        value = 100 * sum(float(c.criterion.weight) * c.score for c in scored) / weight
        cells.append(AreaCell(area, round(value, 1), len(scored)))
    return cells
