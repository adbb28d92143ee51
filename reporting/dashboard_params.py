"""The GET parameters of the executive and operational dashboards, checked before any read.

    ?grain=quarter&period=2026-04-01&tier=enterprise&by=region

A bad value (unknown grain or tier, a malformed date) becomes a message for the page and no
warehouse read is made: the page says what to fix instead of failing or guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from accounts.models import Organization
from reporting.metric_layer import GRAINS, Grain
from reporting.series import period_start

GRAIN_LABELS = {"month": "Monthly", "quarter": "Quarterly", "year": "Year on year"}

# The codes the warehouse holds: the product's own (accounts.Organization) and those of the
# demo source generator (warehouse.source.simulation), which predates some of them.
TIER_LABELS = {"starter": "Starter", "growth": "Growth", **dict(Organization.Tier.choices)}
SEGMENT_LABELS = {
    **dict(Organization.Segment.choices),
    "smb": "Small business",
    "mid_market": "Mid-market",
    "enterprise": "Enterprise",
}
REGION_LABELS = {**dict(Organization.Region.choices), "us": "United States"}
DIMENSION_LABELS = {"tier": "Tier", "icp_segment": "ICP segment", "region": "Region", "tenant_id": "Tenant"}
CODE_LABELS = {"tier": TIER_LABELS, "icp_segment": SEGMENT_LABELS, "region": REGION_LABELS}


def segment_label(dimension: str, code) -> str:
    """A segment's name for people; an unknown code (a new tier, a masked value) is shown as is."""
    if code is None:
        return "Not set"
    return CODE_LABELS.get(dimension, {}).get(code, str(code))


def segment_name(dimension: str, value, names: dict[int, str]) -> str:
    """`segment_label`, with tenants by their organisation's name (`names`: tenant id -> name)."""
    if dimension != "tenant_id":
        return segment_label(dimension, value)
    if isinstance(value, int):
        return names.get(value, f"Tenant {value} (no organisation linked)")
    # the reader's clearance hides tenant ids (hashed): the rows stay, their names cannot be shown
    return f"Masked tenant {str(value)[:8]}"


@dataclass(frozen=True)
class DashboardParams:
    grain: Grain = "month"
    period: date | None = None  # first day of the chosen period; None = the latest with data
    where: dict = field(default_factory=dict)  # dimension -> code
    by: str = ""
    errors: tuple[str, ...] = ()

    def query(self, **changes) -> str:
        """The query string of these parameters with `changes` applied (None drops a key)."""
        values = {"grain": self.grain, "by": self.by, **self.where}
        if self.period:
            values["period"] = self.period.isoformat()
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in (None, "")})


def dashboard_params(params, *, choices: dict[str, dict], breakdowns: tuple[str, ...]) -> DashboardParams:
    """Check `params` (a QueryDict) against the filter `choices` (dimension -> {code: label})."""
    errors = []
    grain = params.get("grain") or "month"
    if grain not in GRAINS:
        errors.append(f"Unknown grain {grain!r}: choose month, quarter or year.")
        grain = "month"
    period = _period(params.get("period"), grain, errors)
    where = {}
    for dimension, allowed in choices.items():
        value = params.get(dimension) or ""
        if value and value not in allowed:
            names = ", ".join(allowed.values()) or "none"
            errors.append(f"Unknown {DIMENSION_LABELS[dimension].lower()} {value!r}: choose one of {names}.")
        elif value:
            where[dimension] = value
    by = params.get("by") or breakdowns[0]
    if by not in breakdowns:
        names = ", ".join(DIMENSION_LABELS[d].lower() for d in breakdowns)
        errors.append(f"Cannot break the figures down by {by!r}: choose {names}.")
        by = breakdowns[0]
    return DashboardParams(grain=grain, period=period, where=where, by=by, errors=tuple(errors))


def _period(value: str | None, grain: Grain, errors: list) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError:
        errors.append(f"Period {value!r} is not a date: give the first day of a period, like 2026-04-01.")
        return None
    return period_start(day, grain)
