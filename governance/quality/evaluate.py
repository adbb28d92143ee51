"""Verdicts from the measured values (plain Python): what passed, what failed and by how much."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from governance.quality.compile import Spec


@dataclass
class Verdict:
    """One check's outcome before it is stored; `ok` ignores severity (the caller applies it)."""

    ok: bool
    observed: float | None = None
    rows: int | None = None
    failing: int | None = None
    message: str = ""
    expected: str = ""
    samples: list = field(default_factory=list)
    error: bool = False  # the check could not run (bad definition, missing table)


def from_scan(spec: Spec, row: dict, *, previous_rows: int | None, now: datetime) -> Verdict:
    """The verdict of a check answered by the table's aggregate scan (`row`: alias → value)."""
    k, p, n = spec.key, spec.params, row["n"]
    if spec.check_type == "row_count":
        low, high = p.get("min"), p.get("max")
        ok = (low is None or n >= low) and (high is None or n <= high)
        return Verdict(ok, n, n, message=f"{n} rows", expected=_between(low, high))
    if spec.check_type == "volume_change":
        return _volume(n, previous_rows, float(p.get("max_change_pct", 50)))
    if spec.check_type == "not_null":
        nulls = n - row[f"c{k}"]
        ratio = 1.0 if n == 0 else row[f"c{k}"] / n
        minimum = float(p.get("min_ratio", 1.0))
        return Verdict(
            ratio >= minimum, round(ratio, 6), n, nulls, f"{nulls} nulls in {n} rows", f"≥ {minimum}"
        )
    if spec.check_type == "unique":
        duplicates = row[f"c{k}"] - row[f"d{k}"]
        return Verdict(duplicates == 0, duplicates, n, duplicates, f"{duplicates} repeated values", "0")
    if spec.check_type == "freshness":
        return _freshness(row[f"x{k}"], float(p.get("max_age_hours", 24)), n, now)
    failing = row[f"f{k}"] or 0
    allowed = int(p.get("max_failing", 0))
    seen = f" (min {row[f'lo{k}']}, max {row[f'hi{k}']})" if f"lo{k}" in row else ""
    return Verdict(failing <= allowed, failing, n, failing, f"{failing} rows outside{seen}", f"≤ {allowed}")


def from_count(spec: Spec, failing: int, rows: int) -> Verdict:
    """Referential integrity and custom SQL: the count of failing rows their own query found."""
    allowed = int(spec.params.get("max_failing", 0))
    what = "rows without a match" if spec.check_type == "referential" else "failing rows"
    return Verdict(failing <= allowed, failing, rows, failing, f"{failing} {what}", f"≤ {allowed}")


def schema_drift(actual: dict[str, str], catalogued: dict[str, str]) -> Verdict:
    """Columns added, removed or retyped against the catalog (types compared when both are known)."""
    added = sorted(set(actual) - set(catalogued))
    removed = sorted(set(catalogued) - set(actual))
    retyped = sorted(
        c
        for c in set(actual) & set(catalogued)
        if catalogued[c] and actual[c] and catalogued[c].lower() != actual[c].lower()
    )
    parts = [
        f"{label}: {', '.join(cols)}"
        for label, cols in (("added", added), ("removed", removed), ("type changed", retyped))
        if cols
    ]
    drift = len(added) + len(removed) + len(retyped)
    return Verdict(drift == 0, drift, None, drift, "; ".join(parts) or "matches the catalog", "0 changes")


def _volume(n: int, previous: int | None, max_pct: float) -> Verdict:
    if previous is None:
        return Verdict(True, None, n, message=f"{n} rows; no previous run to compare with")
    change = 0.0 if previous == n else (100.0 if previous == 0 else abs(n - previous) * 100 / previous)
    return Verdict(
        change <= max_pct,
        round(change, 2),
        n,
        message=f"{previous} → {n} rows ({change:.1f} %)",
        expected=f"≤ {max_pct:g} %",
    )


def _freshness(newest, max_hours: float, n: int, now: datetime) -> Verdict:
    if newest is None:
        return Verdict(False, None, n, message="no rows with a timestamp", expected=f"≤ {max_hours:g} h")
    if isinstance(newest, date) and not isinstance(newest, datetime):
        newest = datetime.combine(newest, time.max)
    if newest.tzinfo is None:
        newest = newest.replace(tzinfo=UTC)  # warehouse timestamps are UTC
    age = max((now - newest).total_seconds() / 3600, 0.0)
    return Verdict(
        age <= max_hours,
        round(age, 2),
        n,
        message=f"newest row {newest:%Y-%m-%d %H:%M} UTC, {age:.1f} h old",
        expected=f"≤ {max_hours:g} h",
    )


def _between(low, high) -> str:
    return f"{'' if low is None else low}..{'' if high is None else high}"
