"""Role home pages: each staff role's open work, as panels declared once as data.

Every panel reads through its model's `visible_to(user)` and fetches a bounded page of rows
with their related objects in one query, so a page costs the same with 5 rows or 5,000.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from accounts import roles
from accounts.people import person_name as person
from catalog.models import ClassificationSuggestion
from governance.models import AuditTask, Capa, Evidence, Finding, ReadinessScore
from submissions.models import Correspondence
from warehouse.models import JobRun, WarehouseModel

ROWS = 15


@dataclass(frozen=True)
class Row:
    url: str
    cells: tuple


@dataclass(frozen=True)
class Panel:
    title: str
    columns: tuple[str, ...]
    empty: str
    rows: Callable[[object, date], list[Row]]
    more: str  # admin URL name of the full list, with its filter: "app_model_changelist?status__exact=open"

    def more_url(self) -> str:
        name, _, query = self.more.partition("?")
        return reverse(f"admin:{name}") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class RoleHome:
    slug: str
    role: str
    intro: str
    panels: tuple[Panel, ...]


def _url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _days(due: date, today: date) -> str:
    days = (due - today).days
    return f"overdue by {-days} day(s)" if days < 0 else f"{days} day(s) left"


def audit_tasks_due(user, today):
    tasks = AuditTask.objects.visible_to(user).filter(
        status=AuditTask.Status.OPEN, due_date__lte=today + timedelta(days=14)
    )
    return [
        Row(
            _url(AuditTask, t.pk),
            (t.due_date, _days(t.due_date, today), t.title, t.audit.title, person(t.owner)),
        )
        for t in tasks.select_related("audit", "owner").order_by("due_date", "pk")[:ROWS]
    ]


def open_capas(user, today, overdue_only=False):
    capas = Capa.objects.visible_to(user).exclude(status=Capa.Status.CLOSED)
    if overdue_only:
        capas = capas.filter(due_date__lt=today)
    return [
        Row(_url(Capa, c.pk), (c.due_date, f"{c.ref} {c.title}", c.get_status_display(), person(c.owner)))
        for c in capas.select_related("owner").order_by("due_date", "pk")[:ROWS]
    ]


def findings_open(user, today, overdue_only=True):
    findings = Finding.objects.visible_to(user).exclude(status=Finding.Status.CLOSED)
    if overdue_only:
        findings = findings.filter(due_date__lt=today)
    return [
        Row(
            _url(Finding, f.pk), (f.due_date, f"{f.ref} {f.title}", f.get_severity_display(), person(f.owner))
        )
        for f in findings.select_related("owner").order_by("due_date", "pk")[:ROWS]
    ]


def evidence_expiring(user, today):
    evidence = Evidence.objects.visible_to(user).filter(
        status=Evidence.Status.ACCEPTED, valid_until__gte=today, valid_until__lte=today + timedelta(days=30)
    )
    return [
        Row(_url(Evidence, e.pk), (e.valid_until, e.title, f"{e.control.ref} {e.control.name}"))
        for e in evidence.select_related("control").order_by("valid_until", "pk")[:ROWS]
    ]


def failed_jobs(user, today):
    runs = JobRun.objects.visible_to(user).filter(status=JobRun.Status.FAILED)
    return [
        Row(_url(JobRun, r.pk), (r.created_at, r.job, _short(r.error)))
        for r in runs.order_by("-created_at", "-pk")[:ROWS]
    ]


def failing_models(user, today):
    models = WarehouseModel.objects.visible_to(user).filter(last_status__in=["error", "fail"])
    return [
        Row(_url(WarehouseModel, m.pk), (m.name, m.layer, m.last_status, _short(m.last_message)))
        for m in models.order_by("layer", "name")[:ROWS]
    ]


def suggestions_pending(user, today):
    pending = ClassificationSuggestion.objects.visible_to(user).filter(
        status=ClassificationSuggestion.Status.PENDING
    )
    return [
        Row(_url(ClassificationSuggestion, s.pk), (str(s.column), s.get_detector_display(), _short(s.reason)))
        for s in pending.select_related("column__dataset").order_by("-created_at", "-pk")[:ROWS]
    ]


def response_clocks(user, today):
    items = Correspondence.objects.visible_to(user).open()
    return [
        Row(
            _url(Correspondence, c.pk),
            (c.due_on, _days(c.due_on, today), str(c), c.application.product, person(c.owner)),
        )
        for c in items.select_related("application", "owner").order_by("due_on", "pk")[:ROWS]
    ]


def readiness_latest(user, today):
    scores = ReadinessScore.objects.visible_to(user).filter(organization=None, framework__isnull=False)
    newest = scores.filter(framework=OuterRef("framework")).order_by("-day").values("day")[:1]
    return [
        Row(reverse("admin:governance_readiness", args=[s.framework_id]), (s.framework.name, s.score, s.day))
        for s in scores.filter(day=Subquery(newest)).select_related("framework").order_by("framework__name")
    ]


DUE = ("Due", "Clock")
# Both the compliance officer's and the executive's homes show it.
FINDINGS_PAST_DUE = Panel(
    "Findings past their due date",
    ("Due", "Finding", "Severity", "Owner"),
    "No finding is past its due date.",
    findings_open,
    "governance_finding_changelist?overdue=yes",
)

ROLE_HOMES = (
    RoleHome(
        "compliance",
        roles.COMPLIANCE_OFFICER,
        "Audit work falling due, open corrective actions and evidence about to lapse.",
        (
            Panel(
                "Audit tasks due within 14 days",
                (*DUE, "Task", "Audit", "Owner"),
                "No audit task falls due in the next 14 days.",
                audit_tasks_due,
                "governance_audittask_changelist?status__exact=open",
            ),
            Panel(
                "Open CAPAs",
                ("Due", "CAPA", "Status", "Owner"),
                "No CAPA is open.",
                open_capas,
                "governance_capa_changelist",
            ),
            FINDINGS_PAST_DUE,
            Panel(
                "Evidence expiring within 30 days",
                ("Valid until", "Evidence", "Control"),
                "No accepted evidence expires in the next 30 days.",
                evidence_expiring,
                "governance_evidence_changelist",
            ),
        ),
    ),
    RoleHome(
        "data",
        roles.DATA_STEWARD,
        "Warehouse runs that failed, models whose last build failed, and classifications to review.",
        (
            Panel(
                "Failed warehouse jobs",
                ("Started", "Job", "Error"),
                "No warehouse job has failed.",
                failed_jobs,
                "warehouse_jobrun_changelist?status__exact=failed",
            ),
            Panel(
                "Models whose last run failed",
                ("Model", "Layer", "Status", "Message"),
                "Every warehouse model built in its last run.",
                failing_models,
                "warehouse_warehousemodel_changelist",
            ),
            Panel(
                "Classification suggestions to review",
                ("Column", "Detector", "Reason"),
                "No classification suggestion is waiting.",
                suggestions_pending,
                "catalog_classificationsuggestion_changelist?status__exact=pending",
            ),
        ),
    ),
    RoleHome(
        "submissions",
        roles.SUBMISSION_MANAGER,
        "Agency response clocks still running, soonest first.",
        (
            Panel(
                "Agency response clocks",
                (*DUE, "Item", "Product", "Owner"),
                "No agency letter is waiting for an answer.",
                response_clocks,
                "submissions_dashboard",
            ),
        ),
    ),
    RoleHome(
        "executive",
        roles.EXECUTIVE,
        "Readiness per framework, and the corrective work that is late.",
        (
            Panel(
                "Readiness by framework",
                ("Framework", "Score", "Computed on"),
                "No readiness score computed yet: scores are recorded daily.",
                readiness_latest,
                "governance_readinessscore_changelist",
            ),
            Panel(
                "Overdue CAPAs",
                ("Due", "CAPA", "Status", "Owner"),
                "No CAPA is overdue.",
                lambda user, today: open_capas(user, today, overdue_only=True),
                "governance_capa_changelist?overdue=yes",
            ),
            FINDINGS_PAST_DUE,
        ),
    ),
)


def role_homes_for(user) -> list[RoleHome]:
    """The home pages open to `user`: those of the roles they hold (all of them for superusers)."""
    if not (user.is_active and user.is_staff):
        return []
    if user.is_superuser:
        return list(ROLE_HOMES)
    held = roles.held_roles(user)
    return [home for home in ROLE_HOMES if home.role in held]
