"""The readiness score: one explainable number per framework, organisation and overall.

The formula is documented in docs/governance.md; keep the two in step. In short, for a day D
and a target window W of the last N days (GOVERNANCE_READINESS_WINDOW_DAYS):

    control  = result x freshness x sign-off
    criterion = mean of its mapped controls (0 when none is mapped; not applicable: excluded)
    framework = 100 x Σ weight·criterion / Σ weight - Σ penalties, at least 0
    overall   = mean of the framework scores

Penalties come from providers registered with `register_penalty` (findings and CAPAs past due:
governance/penalties.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q

from governance.coverage import covered_days
from governance.models import Control, ControlMapping, ControlTest, Criterion, Evidence, Framework

RESULT_WEIGHT = {ControlTest.Result.PASS: 1.0, ControlTest.Result.PARTIAL: 0.5, ControlTest.Result.FAIL: 0.0}
UNREVIEWED_FACTOR = 0.5


@dataclass(frozen=True)
class Penalty:
    points: float
    reason: str


PenaltyProvider = Callable[..., Iterable[Penalty]]
_PENALTY_PROVIDERS: list[PenaltyProvider] = []


def register_penalty(provider: PenaltyProvider) -> PenaltyProvider:
    """Register `provider(framework=, organization=, day=) -> [Penalty]`; usable as a decorator."""
    if provider not in _PENALTY_PROVIDERS:
        _PENALTY_PROVIDERS.append(provider)
    return provider


def unregister_penalty(provider: PenaltyProvider) -> None:
    if provider in _PENALTY_PROVIDERS:
        _PENALTY_PROVIDERS.remove(provider)


@dataclass
class ControlScore:
    control: Control
    result: float
    freshness: float
    signoff: float
    reasons: list[str]

    @property
    def score(self) -> float:
        return self.result * self.freshness * self.signoff


STATUS_LABELS = {
    "effective": "Effective",
    "partial": "Partly effective",
    "failing": "Failing",
    "no_control": "No control mapped",
    "not_applicable": "Not applicable",
}


@dataclass
class CriterionScore:
    criterion: Criterion
    controls: list[ControlScore]
    score: float | None  # None: not applicable, excluded
    reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.score is None:
            return "not_applicable"
        if not self.controls:
            return "no_control"
        return "effective" if self.score >= 0.9999 else ("partial" if self.score > 0 else "failing")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Readiness:
    framework: Framework
    day: date
    criteria: list[CriterionScore]
    penalties: list[Penalty]
    organization: object = None

    @property
    def total_weight(self) -> float:
        return sum(float(c.criterion.weight) for c in self.criteria if c.score is not None)

    @property
    def raw(self) -> float:
        weight = self.total_weight
        if not weight:
            return 0.0
        return (
            100
            * sum(float(c.criterion.weight) * c.score for c in self.criteria if c.score is not None)
            / weight
        )

    @property
    def score(self) -> float:
        return round(max(0.0, self.raw - sum(p.points for p in self.penalties)), 2)

    def movers(self, limit: int = 10) -> list[tuple[CriterionScore, float]]:
        """The criteria whose fixing gains the most points, with the gain."""
        weight = self.total_weight or 1
        gains = [
            (c, round(100 * float(c.criterion.weight) * (1 - c.score) / weight, 2))
            for c in self.criteria
            if c.score is not None and c.score < 1
        ]
        return sorted(gains, key=lambda pair: (-pair[1], pair[0].criterion.position))[:limit]


def readiness_compute(*, framework: Framework, day: date, organization=None) -> Readiness:
    criteria = _criteria(framework, organization)
    window = timedelta(days=settings.GOVERNANCE_READINESS_WINDOW_DAYS - 1)
    cache: dict[int, ControlScore] = {}
    scored = []
    for criterion in criteria:
        controls = [m.control for m in criterion.mappings.all()]
        for control in controls:
            if control.pk not in cache:
                cache[control.pk] = control_score(control, day, day - window)
        scored.append(_criterion_score(criterion, [cache[c.pk] for c in controls]))
    penalties = [p for provider in _PENALTY_PROVIDERS
                 for p in provider(framework=framework, organization=organization, day=day)]  # fmt: skip
    return Readiness(framework, day, scored, penalties, organization)


def readiness_overall(results: list[Readiness]) -> float:
    return round(sum(r.score for r in results) / len(results), 2) if results else 0.0


def _criteria(framework, organization):
    in_scope = Q(control__is_active=True)
    if organization is not None:
        in_scope &= Q(control__organization__isnull=True) | Q(control__organization=organization)
    else:
        in_scope &= Q(control__organization__isnull=True)
    evidence = Evidence.objects.filter(status=Evidence.Status.ACCEPTED).only(
        "control_id", "effective_from", "valid_until", "title"
    )
    mappings = (
        ControlMapping.objects.filter(in_scope)
        .select_related("control")
        .prefetch_related(
            Prefetch("control__evidence", queryset=evidence, to_attr="accepted_evidence"),
            Prefetch(
                "control__tests",
                queryset=ControlTest.objects.order_by("-period_end", "-pk"),
                to_attr="ordered_tests",
            ),
        )
    )
    return list(
        framework.criteria.filter(is_assessable=True, is_retired=False)
        .order_by("position")
        .prefetch_related(Prefetch("mappings", queryset=mappings))
    )


def control_score(control: Control, day: date, window_start: date) -> ControlScore:
    reasons: list[str] = []
    test = next((t for t in control.ordered_tests if t.period_end <= day), None)
    if test is None:
        result, signoff = 0.0, 1.0
        reasons.append(f"{control.ref}: untested")
    else:
        result = RESULT_WEIGHT[test.result]
        signoff = 1.0 if test.reviewer_id else UNREVIEWED_FACTOR
        if result < 1:
            reasons.append(
                f"{control.ref}: latest test {test.get_result_display().lower()} ({test.period_end})"
            )
        if not test.reviewer_id:
            reasons.append(f"{control.ref}: latest test not reviewed")
    freshness = _freshness(control, day, window_start, reasons)
    return ControlScore(control, result, freshness, signoff, reasons)


def _freshness(control, day, window_start, reasons) -> float:
    """1 when valid evidence covers the whole window; the covered share otherwise; 0 once expired."""
    intervals = [
        (e.effective_from, e.valid_until) for e in control.accepted_evidence if e.effective_from <= day
    ]
    if not intervals:
        reasons.append(f"{control.ref}: no accepted evidence")
        return 0.0
    if not any(start <= day <= end for start, end in intervals):
        expired = max(end for _, end in intervals)
        reasons.append(f"{control.ref}: evidence expired on {expired}")
        return 0.0
    days = (day - window_start).days + 1
    share = covered_days(intervals, window_start, day) / days
    if share < 1:
        reasons.append(f"{control.ref}: evidence covers {share:.0%} of the last {days} days")
    return share


def _criterion_score(criterion: Criterion, controls: list[ControlScore]) -> CriterionScore:
    if not criterion.is_applicable:
        return CriterionScore(criterion, controls, None, [f"not applicable: {criterion.applicability_note}"])
    if not controls:
        return CriterionScore(criterion, [], 0.0, ["no mapped control"])
    score = sum(c.score for c in controls) / len(controls)
    return CriterionScore(criterion, controls, score, [r for c in controls for r in c.reasons])


def as_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
