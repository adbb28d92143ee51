"""The readiness penalty for findings and CAPAs past their due date (docs/governance.md).

On scoring day D, for framework F and organisation O (None: company-wide):

* a finding counts when it concerns F (one of its criteria belongs to F, or one of its
  controls maps to a criterion of F), belongs to O or is company-wide (company-wide score:
  company-wide findings only), its due date is before D and it was not closed on or before D;
  it costs GOVERNANCE_PENALTY_FINDING_POINTS[severity] points;
* a CAPA counts when its finding counts by the same scope rules (whether or not the finding is
  itself past due), its due date is before D and it was not closed on or before D; it costs
  GOVERNANCE_PENALTY_CAPA_POINTS points.
"""

from django.conf import settings
from django.db.models import Q

from governance.models import Capa, Finding
from governance.readiness import Penalty


def _findings_in_scope(framework, organization):
    concerns = Q(criteria__framework=framework) | Q(controls__mappings__criterion__framework=framework)
    scope = Q(organization__isnull=True)
    if organization is not None:
        scope |= Q(organization=organization)
    ids = Finding.objects.filter(concerns).values("pk")
    return Finding.objects.filter(scope, pk__in=ids)


def _open_on(day):
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


def overdue_penalties(*, framework, organization, day) -> list[Penalty]:
    points = settings.GOVERNANCE_PENALTY_FINDING_POINTS
    in_scope = _findings_in_scope(framework, organization)
    penalties = [
        Penalty(
            float(points.get(f.severity, 0)), f"Finding {f.ref} ({f.severity}) past due since {f.due_date}"
        )
        for f in in_scope.filter(_open_on(day), due_date__lt=day, identified_on__lte=day).order_by(
            "due_date", "ref"
        )
    ]
    capas = Capa.objects.filter(_open_on(day), finding__in=in_scope, due_date__lt=day, opened_on__lte=day)
    capa_points = float(settings.GOVERNANCE_PENALTY_CAPA_POINTS)
    penalties += [
        Penalty(capa_points, f"CAPA {c.ref} past due since {c.due_date}")
        for c in capas.order_by("due_date", "ref")
    ]
    return [p for p in penalties if p.points]
