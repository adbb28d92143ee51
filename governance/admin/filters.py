"""List filters shared by the audit, finding, CAPA and training admin pages."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone


class OverdueFilter(admin.SimpleListFilter):
    """Past due (due date before today and still open) or not; `open_q` says what open means."""

    title = "overdue"
    parameter_name = "overdue"
    open_q = Q(closed_on__isnull=True)
    due_field = "due_date"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("soon", "Due within 14 days"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        due = self.due_field
        if self.value() == "yes":
            return queryset.filter(self.open_q, **{f"{due}__lt": today})
        if self.value() == "soon":
            return queryset.filter(
                self.open_q, **{f"{due}__gte": today, f"{due}__lte": today + timedelta(days=14)}
            )
        if self.value() == "no":
            return queryset.exclude(Q(self.open_q) & Q(**{f"{due}__lt": today}))
        return queryset


class TaskOverdueFilter(OverdueFilter):
    open_q = Q(status="open")


class CheckOverdueFilter(OverdueFilter):
    open_q = Q(result="pending")


class TrainingOverdueFilter(OverdueFilter):
    open_q = Q(completed_on__isnull=True)
    due_field = "due_on"


class DeviationOverdueFilter(OverdueFilter):
    open_q = ~Q(status="closed")
