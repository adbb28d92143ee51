"""The compliance dashboard: readiness per framework and organisation, open CAPAs by age, overdue
deviations, training compliance, readiness by criterion area, the audit timeline and what moves
the score.

Every number reads the relational store through `visible_to(user)` (governance models), not the
warehouse, and links to the admin list behind it. The query count depends on the number of
frameworks (reference data), never on the number of CAPAs, deviations, audits or organisations.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from governance.models import Capa, Deviation, Finding, Framework, ReadinessScore
from governance.movers import area_readiness, score_movers
from governance.readiness import readiness_compute, readiness_overall
from governance.timeline import audit_timeline
from governance.training import training_compliance_by_role, training_compliance_overall
from reporting.charts import Chart

# Age of an open CAPA in days (today - opened on): (first day, last day or None, label).
AGE_BUCKETS = (
    (0, 30, "0 to 30 days"),
    (31, 60, "31 to 60 days"),
    (61, 90, "61 to 90 days"),
    (91, None, "over 90 days"),
)
SEVERITY_ORDER = [*Finding.Severity.values, None]
NO_FINDING = "No finding (deviation, complaint, agency)"
DEVIATION_ROWS = 10


def admin_list(name: str, **filters) -> str:
    """The URL of an admin changelist (`app_model`), filtered like the number it stands behind."""
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def dashboard_context(request, params) -> dict:
    data = compliance_data(request.user, timezone.localdate())
    charts = dashboard_charts_from(data)
    return {**data, "charts": {key: chart for key, chart in charts.items() if chart.rows}}


def dashboard_charts(request, params) -> dict[str, Chart]:
    return dashboard_charts_from(compliance_data(request.user, timezone.localdate()))


def compliance_data(user, today: date) -> dict:
    frameworks = Framework.objects.visible_to(user).filter(criteria__isnull=False).distinct()
    results = [readiness_compute(framework=f, day=today) for f in frameworks]
    return {
        "today": today,
        "readiness": [(r, reverse("admin:governance_readiness", args=[r.framework.pk])) for r in results],
        "overall": readiness_overall(results),
        "overview_url": reverse("admin:governance_readiness_overview"),
        "tenants": tenant_readiness(user, [r.framework for r in results]),
        "heatmap": [(r.framework, area_readiness(r)) for r in results],
        "movers": [(m, _mover_url(m, user)) for m in score_movers(results)],
        "capa_ages": capa_ages(user, today),
        "deviations": overdue_deviations(user, today),
        "training": training_summary(user, today),
        "timeline": audit_timeline(user=user, today=today, with_periods=True),
    }


def tenant_readiness(user, frameworks) -> dict:
    """The latest recorded scores of each organisation with controls of its own.

    Per-organisation readiness is computed and stored daily by `readiness_record` (overall and per
    framework, for organisations with controls of their own); the others are covered by the
    company-wide controls alone, so their readiness is the company-wide score.
    """
    scores = ReadinessScore.objects.visible_to(user).filter(organization__isnull=False)
    newest = scores.filter(organization=OuterRef("organization")).order_by("-day").values("day")[:1]
    latest = scores.filter(day=Subquery(newest)).select_related("organization").order_by("organization__name")
    rows: dict[int, dict] = {}
    for score in latest:
        org = score.organization
        row = rows.setdefault(org.pk, {"organization": org, "day": score.day, "overall": None, "cells": {}})
        query = f"?organization={org.pk}"
        if score.framework_id is None:
            row["overall"] = (score.score, reverse("admin:governance_readiness_overview") + query)
        else:
            url = reverse("admin:governance_readiness", args=[score.framework_id]) + query
            row["cells"][score.framework_id] = (score.score, url)
    for row in rows.values():
        row["by_framework"] = [row["cells"].get(f.pk) for f in frameworks]
    return {"frameworks": frameworks, "rows": list(rows.values())}


def capa_ages(user, today: date) -> dict:
    """Open CAPAs per severity (of the finding they answer) and age bucket, with their list URLs."""
    open_capas = Capa.objects.visible_to(user).exclude(status=Capa.Status.CLOSED)
    counts = {
        f"age{i}": Count("pk", filter=_opened_within(lo, hi, today))
        for i, (lo, hi, _) in enumerate(AGE_BUCKETS)
    }
    by_severity = {
        row["finding__severity"]: row
        for row in open_capas.values("finding__severity").annotate(**counts).order_by()
    }
    labels = dict(Finding.Severity.choices)
    rows, totals = [], [0] * len(AGE_BUCKETS)
    for severity in SEVERITY_ORDER:
        found = by_severity.get(severity)
        if not found:
            continue
        cells = []
        for i, (lo, hi, _) in enumerate(AGE_BUCKETS):
            totals[i] += found[f"age{i}"]
            cells.append((found[f"age{i}"], _capa_list(severity, lo, hi, today)))
        rows.append(
            {"severity": labels.get(severity, NO_FINDING), "cells": cells, "total": sum(c[0] for c in cells)}
        )
    buckets = [label for _, _, label in AGE_BUCKETS]
    total_cells = [
        (n, _capa_list("any", lo, hi, today)) for n, (lo, hi, _) in zip(totals, AGE_BUCKETS, strict=True)
    ]
    return {
        "buckets": buckets,
        "rows": rows,
        "totals": total_cells,
        "total": sum(totals),
        "url": _capa_list("any", 0, None, today),
    }


def _opened_within(lo: int, hi: int | None, today: date) -> Q:
    q = Q(opened_on__lte=today - timedelta(days=lo))
    return q & Q(opened_on__gte=today - timedelta(days=hi)) if hi is not None else q


def _capa_list(severity, lo, hi, today) -> str:
    filters = {"status__in": "open,verifying", "opened_on__lte": today - timedelta(days=lo)}
    if hi is not None:
        filters["opened_on__gte"] = today - timedelta(days=hi)
    if severity is None:
        filters["finding__isnull"] = "True"
    elif severity != "any":
        filters["finding__severity__exact"] = severity
    return admin_list("governance_capa", **filters)


def overdue_deviations(user, today: date) -> dict:
    """Deviations not closed whose due date has passed, the longest overdue first."""
    overdue = (
        Deviation.objects.visible_to(user).exclude(status=Deviation.Status.CLOSED).filter(due_date__lt=today)
    )
    items = overdue.select_related("owner").order_by("due_date", "ref")[:DEVIATION_ROWS]
    return {
        "count": overdue.count(),
        "items": [
            (d, (today - d.due_date).days, reverse("admin:governance_deviation_change", args=[d.pk]))
            for d in items
        ],
        "url": admin_list("governance_deviation", overdue="yes"),
        "can_view": user.has_perm("governance.view_deviation"),
    }


def training_summary(user, today: date) -> dict | None:
    """Training compliance for those who may see everyone's records (as on the compliance page)."""
    if not user.has_perm("governance.change_trainingrecord"):
        return None
    return {
        "overall": training_compliance_overall(day=today),
        "by_role": training_compliance_by_role(day=today),
        "url": reverse("admin:governance_training_compliance"),
        "overdue_url": admin_list("governance_trainingrecord", overdue="yes"),
    }


def _mover_url(mover, user) -> str | None:
    if mover.kind == "control" and user.has_perm("governance.view_control"):
        return reverse("admin:governance_control_change", args=[mover.object_id])
    if mover.kind == "unmapped" and user.has_perm("governance.view_criterion"):
        return reverse("admin:governance_criterion_change", args=[mover.object_id])
    if mover.kind == "penalty":
        model = "capa" if mover.label.startswith("CAPA") else "finding"
        if user.has_perm(f"governance.view_{model}"):
            return admin_list(f"governance_{model}", overdue="yes")
    return None


def dashboard_charts_from(data: dict) -> dict[str, Chart]:
    charts = {
        "readiness": Chart.bar(
            "Readiness by framework",
            [{"framework": r.framework.name, "score": r.score} for r, _ in data["readiness"]],
            x="framework",
            y="score",
            unit="score",
            labels={"framework": "Framework", "score": "Readiness"},
            id="readiness",
        ),
        "capa_ages": Chart.stacked_bar(
            "Open CAPAs by age",
            [
                {"age": bucket, "severity": row["severity"], "capas": n}
                for row in data["capa_ages"]["rows"]
                for bucket, (n, _) in zip(data["capa_ages"]["buckets"], row["cells"], strict=True)
            ],
            x="age",
            y="capas",
            color="severity",
            labels={"age": "Age", "severity": "Severity", "capas": "Open CAPAs"},
            id="capa_ages",
        ),
        "areas": Chart.heatmap(
            "Readiness by criterion area",
            [
                {"area": cell.area, "framework": framework.name, "score": cell.score}
                for framework, cells in data["heatmap"]
                for cell in cells
            ],
            x="area",
            y="framework",
            value="score",
            unit="score",
            labels={"area": "Criterion area", "framework": "Framework", "score": "Readiness"},
            id="areas",
        ),
    }
    if data["training"]:
        charts["training"] = Chart.bar(
            "Training compliance by role",
            [
                {"role": c.name, "percent": c.percent / 100}  # the chart's percent unit is a ratio
                for c in data["training"]["by_role"]
                if c.percent is not None
            ],
            x="role",
            y="percent",
            unit="percent",
            labels={"role": "Role", "percent": "Compliant %"},
            id="training",
        )
    return charts
