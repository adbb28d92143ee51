"""Reads for the compliance program."""

import calendar
from datetime import date

from django.db.models import Prefetch, Q

from governance.models import ControlMapping, Evidence, Framework


def month_bounds(month: date) -> tuple[date, date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def framework_by_slug(slug: str) -> Framework:
    framework = Framework.objects.filter(Q(slug=slug) | Q(urn=slug)).first()
    if framework is None:
        known = ", ".join(Framework.objects.exclude(slug=None).values_list("slug", flat=True))
        raise Framework.DoesNotExist(f"No framework {slug!r}; known: {known or 'none (load them first)'}.")
    return framework


def snapshot_evidence(framework: Framework, month: date):
    """Accepted evidence of controls mapped to the framework, valid at some point in the month."""
    start, end = month_bounds(month)
    mappings = ControlMapping.objects.select_related("criterion")
    return (
        Evidence.objects.filter(
            status=Evidence.Status.ACCEPTED,
            control__mappings__criterion__framework=framework,
            control__mappings__criterion__is_retired=False,
            effective_from__lte=end,
            valid_until__gte=start,
        )
        .distinct()
        .select_related("control__owner", "collected_by", "accepted_by")
        .prefetch_related(Prefetch("control__mappings", queryset=mappings))
        .order_by("control__ref", "pk")
    )
