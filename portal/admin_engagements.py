"""Admin for engagements (with their auditors' grants) and evidence requests (the owners' tasks)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts import roles
from accounts.models import AccessGrant, User
from governance.models import Evidence, Snapshot
from portal.models import Engagement, EvidenceRequest
from portal.services import (
    engagement_auditor_add,
    engagement_auditor_revoke,
    engagement_create,
    engagement_findings_add,
    engagement_snapshot_add,
    evidence_request_answer,
)


class AuditorForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(groups__name=roles.AUDITOR, is_active=True))
    valid_from = forms.DateTimeField(help_text="UTC, YYYY-MM-DD HH:MM")
    valid_until = forms.DateTimeField(help_text="UTC, YYYY-MM-DD HH:MM")


class SnapshotForm(forms.Form):
    snapshot = forms.ModelChoiceField(queryset=Snapshot.objects.none())


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["name", "firm", "framework", "period_start", "period_end", "auditors", "open_requests"]
    list_filter = ["framework", "firm"]
    list_select_related = ["framework"]
    search_fields = ["name", "firm", "audit_reference"]
    fields = [
        "name",
        "firm",
        "framework",
        "period_start",
        "period_end",
        "audit",
        "audit_reference",
        "confidentiality_terms",
    ]

    def get_queryset(self, request):
        return (
            Engagement.objects.visible_to(request.user)
            .select_related("framework")
            .annotate(
                auditor_count=Count("grants", distinct=True),
                open_count=Count("requests", filter=Q(requests__status="open"), distinct=True),
            )
        )

    @admin.display(description="Auditors", ordering="auditor_count")
    def auditors(self, obj):
        return obj.auditor_count

    @admin.display(description="Open requests", ordering="open_count")
    def open_requests(self, obj):
        return obj.open_count

    actions = ["share_audit_findings"]

    @admin.action(description="Share the linked audit's findings with the auditors", permissions=["change"])
    def share_audit_findings(self, request, queryset):
        for engagement in queryset.select_related("audit"):
            try:
                added = engagement_findings_add(engagement=engagement, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{engagement}: {exc.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{engagement}: {added} finding(s) newly shared.")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.full_clean()
            obj.save()
        else:
            fields = {f: form.cleaned_data[f] for f in self.fields}
            obj.pk = engagement_create(actor=request.user, **fields).pk

    def get_urls(self):
        view = self.admin_site.admin_view(self.access_view)
        return [path("<int:pk>/access/", view, name="portal_engagement_access"), *super().get_urls()]

    def access_view(self, request, pk):
        """Name auditors, add snapshots, revoke grants: each through its service."""
        engagement = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, engagement):
            raise PermissionDenied
        auditor_form = AuditorForm(request.POST if "add_auditor" in request.POST else None)
        snapshot_form = SnapshotForm(request.POST if "add_snapshot" in request.POST else None)
        snapshot_form.fields["snapshot"].queryset = Snapshot.objects.visible_to(request.user).filter(
            framework=engagement.framework
        )
        if request.method == "POST" and self._handle(request, engagement, auditor_form, snapshot_form):
            return redirect(reverse("admin:portal_engagement_access", args=[engagement.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": engagement,
            "title": f"Access to {engagement}", "auditor_form": auditor_form, "snapshot_form": snapshot_form,
            "grants": engagement.grants.select_related("user", "revoked_by").order_by("user__username"),
            "item_count": engagement.items.count(),
        }  # fmt: skip
        return TemplateResponse(request, "admin/portal/engagement/access.html", context)

    def _handle(self, request, engagement, auditor_form, snapshot_form) -> bool:
        try:
            if "revoke" in request.POST:
                grant = get_object_or_404(AccessGrant, pk=request.POST["revoke"], scope_id=engagement.pk)
                engagement_auditor_revoke(grant=grant, actor=request.user)
            elif "add_auditor" in request.POST and auditor_form.is_valid():
                engagement_auditor_add(engagement=engagement, actor=request.user, **auditor_form.cleaned_data)
            elif "add_snapshot" in request.POST and snapshot_form.is_valid():
                engagement_snapshot_add(
                    engagement=engagement, actor=request.user, **snapshot_form.cleaned_data
                )
            else:
                return False
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return False
        messages.success(request, "Done.")
        return True


class AnswerForm(forms.Form):
    evidence = forms.ModelChoiceField(queryset=Evidence.objects.none(), help_text="Accepted evidence only.")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


@admin.register(EvidenceRequest)
class EvidenceRequestAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "engagement",
        "control",
        "assignee",
        "status",
        "due_date",
        "requested_by",
        "requested_at",
    ]
    list_filter = ["status", "engagement"]
    list_select_related = ["engagement", "control", "assignee", "requested_by"]
    search_fields = ["description", "control__ref"]
    readonly_fields = [
        "engagement", "control", "description", "due_date", "requested_by", "assignee", "status",
        "answer", "answer_note", "answered_by", "answered_at", "decision_note", "decided_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        return EvidenceRequest.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False  # auditors raise requests in the portal

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_module_permission(self, request):
        return request.user.is_staff

    def get_urls(self):
        view = self.admin_site.admin_view(self.answer_view)
        return [path("<int:pk>/answer/", view, name="portal_evidencerequest_answer"), *super().get_urls()]

    def answer_view(self, request, pk):
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        form = AnswerForm(request.POST or None)
        # The control's owner answers from their own control's evidence even without the
        # model permission; anyone else (an officer answering for them) through visible_to.
        mine = request.user.pk == item.assignee_id
        evidence = Evidence.objects.all() if mine else Evidence.objects.visible_to(request.user)
        form.fields["evidence"].queryset = evidence.filter(
            control=item.control, status=Evidence.Status.ACCEPTED
        )
        if request.method == "POST" and form.is_valid():
            try:
                evidence_request_answer(request=item, actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, "Answered: the auditor can now see the evidence.")
                return redirect(reverse("admin:portal_evidencerequest_change", args=[item.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": item,
            "title": f"Answer request #{item.pk}", "form": form,
        }  # fmt: skip
        return TemplateResponse(request, "admin/portal/evidencerequest/answer.html", context)
