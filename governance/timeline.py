"""The audit timeline: audits as bars, their tasks as marks, and everything overdue."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q

from governance.models import Audit, AuditTask, Capa, EffectivenessCheck, Finding


@dataclass
class Row:
    audit: Audit
    start: date
    end: date
    left: float = 0.0
    width: float = 0.0
    tasks: list = field(default_factory=list)  # (task, left %, overdue)
    period: tuple[float, float] | None = None  # observation period (left %, width %), when asked for


def _position(day: date, first: date, days: int) -> float:
    return round(100 * (day - first).days / days, 2)


def audit_timeline(*, user, today: date, include_history: bool = False, with_periods: bool = False) -> dict:
    """Audits (current ones, or all with `include_history`), placed on a common date axis;
    `with_periods` places their observation periods too (the axis widens to hold them)."""
    audits = Audit.objects.visible_to(user).select_related("organization", "lead")
    if not include_history:
        audits = audits.exclude(status__in=[Audit.Status.CLOSED, Audit.Status.CANCELLED])
    tasks = AuditTask.objects.select_related("owner").order_by("due_date", "pk")
    audits = (
        audits.annotate(
            open_findings=Count("findings", filter=Q(findings__closed_on__isnull=True), distinct=True),
            all_findings=Count("findings", distinct=True),
        )
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("planned_start", "pk")
    )
    rows = [Row(a, a.actual_start or a.planned_start, a.actual_end or a.planned_end) for a in audits]
    days_seen = [d for r in rows for d in (r.start, r.end, *(t.due_date for t in r.audit.tasks.all()))]
    if with_periods:
        days_seen += [
            d for r in rows if r.audit.period_start for d in (r.audit.period_start, r.audit.period_end)
        ]
    first = min([*days_seen, today]) - timedelta(days=3)
    last = max([*days_seen, today]) + timedelta(days=3)
    span = max((last - first).days, 1)
    for row in rows:
        row.left = _position(row.start, first, span)
        row.width = max(_position(row.end, first, span) - row.left, 0.5)
        row.tasks = [(t, _position(t.due_date, first, span), t.is_overdue) for t in row.audit.tasks.all()]
        if with_periods and row.audit.period_start and row.audit.period_end:
            left = _position(row.audit.period_start, first, span)
            row.period = (left, max(_position(row.audit.period_end, first, span) - left, 0.5))
    return {
        "rows": rows,
        "first": first,
        "last": last,
        "today_left": _position(today, first, span),
        "months": _months(first, last, span),
        "overdue": overdue_items(user=user, today=today),
    }


def _months(first: date, last: date, span: int) -> list[tuple[str, float]]:
    marks, day = [], first.replace(day=1)
    while day <= last:
        if day >= first:
            marks.append((f"{day:%b %Y}", _position(day, first, span)))
        day = (day + timedelta(days=32)).replace(day=1)
    return marks


def overdue_items(*, user, today: date) -> dict:
    """Open items past their due date, each list limited to what the user may see."""
    still_open = Q(closed_on__isnull=True)
    open_tasks = AuditTask.objects.visible_to(user).filter(status=AuditTask.Status.OPEN, due_date__lt=today)
    return {
        "tasks": list(open_tasks.select_related("audit", "owner")[:200]),
        "findings": list(Finding.objects.visible_to(user).filter(still_open, due_date__lt=today)
                         .select_related("owner")[:200]),
        "capas": list(Capa.objects.visible_to(user).filter(still_open, due_date__lt=today)
                      .select_related("owner")[:200]),
        "checks": list(EffectivenessCheck.objects.visible_to(user)
                       .filter(result=EffectivenessCheck.Result.PENDING, due_date__lt=today)
                       .select_related("capa__owner")[:200]),
    }  # fmt: skip
