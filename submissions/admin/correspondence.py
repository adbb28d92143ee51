from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_filters import PersonListFilter
from submissions.models import Correspondence, CorrespondenceLink
from submissions.services import SubmissionError, correspondence_transition


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("week", "Due within 7 days"), ("answered", "Answered")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "week":
            return queryset.due_between(today, today + timedelta(days=7))
        if self.value() == "answered":
            return queryset.filter(status=Correspondence.Status.SENT)
        return queryset


class LinkInline(admin.TabularInline):
    model = CorrespondenceLink
    fields = ["content_type", "object_id", "note"]
    extra = 0


def _move(to, description):
    def action(modeladmin, request, queryset):
        for item in queryset:
            try:
                correspondence_transition(item=item, to=to, actor=request.user)
            except SubmissionError as exc:
                modeladmin.message_user(request, f"{item}: {exc}", messages.ERROR)

    action.__name__ = f"move_to_{to}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Correspondence)
class CorrespondenceAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "application", "received_on", "due_on", "clock", "status", "owner"]
    list_filter = [DueFilter, "status", "kind", "application__region", ("owner", PersonListFilter)]
    list_select_related = ["application", "owner"]
    search_fields = ["subject", "reference", "application__product"]
    date_hierarchy = "due_on"
    readonly_fields = ["status", "responded_on"]
    autocomplete_fields = ["application", "response_sequence"]
    inlines = [LinkInline]
    actions = [
        _move(Correspondence.Status.REVIEW, "Response: send to review"),
        _move(Correspondence.Status.SIGNED, "Response: signed"),
        _move(Correspondence.Status.SENT, "Response: sent to the agency"),
    ]

    @admin.display(description="Response clock", ordering="due_on")
    def clock(self, obj):
        if obj.status == Correspondence.Status.SENT:
            return f"answered {obj.responded_on}"
        days = (obj.due_on - timezone.localdate()).days
        if days < 0:
            return format_html('<strong style="color:#ba2121">overdue by {} day(s)</strong>', -days)
        return f"{days} day(s) left"

    def get_urls(self):
        dashboard = path(
            "dashboard/", self.admin_site.admin_view(self.dashboard_view), name="submissions_dashboard"
        )
        return [dashboard, *super().get_urls()]

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            return TemplateResponse(request, "403.html", status=403)
        today = timezone.localdate()
        items = Correspondence.objects.select_related("application", "owner")
        context = {
            **self.admin_site.each_context(request),
            "title": "Agency correspondence: what is due",
            "today": today,
            "overdue": items.overdue(today),
            "this_week": items.due_between(today, today + timedelta(days=7)),
            "answered": items.filter(
                status=Correspondence.Status.SENT, responded_on__gte=today - timedelta(days=30)
            ),
        }
        return TemplateResponse(request, "submissions/dashboard.html", context)
