"""The quality score of a dataset (documented in docs/quality.md, tested on hand-computed cases).

Each check contributes a value between 0 and 1 to its dimension:
- passed: 1;
- failed (or warned) with a count of failing rows out of the rows checked:
  ½ + ½ * (1 - failing ÷ rows) if any row passed at all, so one bad row in a million costs half
  the check, not all of it, and a column that fails everywhere costs it all;
- failed without such a count (row count, volume, freshness, schema drift), or could not run: 0.

A dimension's score is 100 * the mean of its checks' values. The total is the weighted mean of the
dimensions that have checks (weights renormalised over those): completeness 0.25, validity 0.25,
uniqueness 0.20, consistency 0.15, timeliness 0.15. A dataset without checks has no score.
"""

from __future__ import annotations

from dataclasses import dataclass

WEIGHTS = {
    "completeness": 0.25,
    "validity": 0.25,
    "uniqueness": 0.20,
    "consistency": 0.15,
    "timeliness": 0.15,
}
DIMENSION_OF = {
    "row_count": "completeness",
    "volume_change": "completeness",
    "not_null": "completeness",
    "unique": "uniqueness",
    "unique_combination_of_columns": "uniqueness",
    "accepted_values": "validity",
    "range": "validity",
    "custom_sql": "validity",
    "referential": "consistency",
    "relationships": "consistency",
    "schema_drift": "consistency",
    "freshness": "timeliness",
}


@dataclass(frozen=True)
class Outcome:
    """One check's result as the score sees it (our checks and dbt tests alike)."""

    check_type: str
    passed: bool
    failing: int | None = None
    rows: int | None = None

    @property
    def dimension(self) -> str:
        return DIMENSION_OF.get(self.check_type, "validity")  # other dbt tests assert valid values

    @property
    def value(self) -> float:
        if self.passed:
            return 1.0
        if self.failing is None or not self.rows:
            return 0.0
        return 0.5 + 0.5 * max(0.0, 1 - self.failing / self.rows)


def score(outcomes: list[Outcome]) -> dict[str, float | None] | None:
    """{dimension: 0-100 or None, "total": 0-100}, or None without any outcome."""
    if not outcomes:
        return None
    dims: dict[str, float | None] = {}
    for dimension in WEIGHTS:
        values = [o.value for o in outcomes if o.dimension == dimension]
        dims[dimension] = round(100 * sum(values) / len(values), 2) if values else None
    present = {d: v for d, v in dims.items() if v is not None}
    weight = sum(WEIGHTS[d] for d in present)
    dims["total"] = round(sum(WEIGHTS[d] * v for d, v in present.items()) / weight, 2)
    return dims
