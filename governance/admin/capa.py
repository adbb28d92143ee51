"""CAPA pages: actions inline, checks, signatures, and the sign pages for closure and approval."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Min, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.admin_filters import PersonListFilter
from accounts.admin_signatures import SignaturesInline
from accounts.admin_trail import ReadOnlyAdmin
from accounts.signatures import SignatureRejected
from governance.admin.filters import CheckOverdueFilter, OverdueFilter
from governance.models import Capa, CapaAction, CapaEvent, EffectivenessCheck
from governance.services.capa import (
    capa_action_save,
    capa_close,
    capa_closure_blockers,
    capa_closure_signature,
    capa_reopen,
    capa_save,
    check_approval,
    effectiveness_check_approve,
    effectiveness_check_plan,
    effectiveness_check_record,
)


class PasswordForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput, help_text="Your password again: this is your electronic signature."
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded as the reason for change."
    )


class SignPageMixin:
    """A page at `<id>/<name>/` that runs `perform(obj, form, request)` and returns to the record."""

    def _sign_page(self, request, obj, *, form, title, intro, perform, blockers=()):
        # The model permission, not has_change_permission(obj): a closed CAPA is read-only in its
        # form but may still be reopened here.
        opts = self.model._meta
        if obj is None or not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            raise PermissionDenied
        if request.method == "POST" and form.is_valid() and not blockers:
            try:
                perform(obj, form.cleaned_data)
            except SignatureRejected as exc:
                form.add_error("password", str(exc))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(request, f"{title}: done.", messages.SUCCESS)
                return redirect(
                    reverse(f"admin:governance_{self.model._meta.model_name}_change", args=[obj.pk])
                )
        context = {**self.admin_site.each_context(request), "form": form, "object": obj, "title": title,
                   "intro": intro, "blockers": blockers, "opts": self.model._meta,
                   "signing": "password" in form.fields}  # fmt: skip
        return TemplateResponse(request, "admin/governance/sign_change.html", context)


class CapaActionInline(admin.TabularInline):
    model = CapaAction
    fields = ["kind", "description", "owner", "due_date", "status", "completed_on"]
    autocomplete_fields = ["owner"]
    # Django's default 40x10 textarea made the row, and the page, wider than a 1,400 px screen.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.status == Capa.Status.CLOSED)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.status == Capa.Status.CLOSED)


class CheckInline(admin.TabularInline):
    model = EffectivenessCheck
    fields = ["check_link", "due_date", "result", "performed_on", "performed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("capa", "performed_by")

    @admin.display(description="check")
    def check_link(self, obj):
        url = reverse("admin:governance_effectivenesscheck_change", args=[obj.pk])
        return format_html('<a href="{}">record / approve →</a>', url)


@admin.register(Capa)
class CapaAdmin(SignPageMixin, admin.ModelAdmin):
    list_display = ["ref", "title", "source", "finding", "owner", "due_date", "status", "overdue",
                    "open_actions", "next_check"]  # fmt: skip
    list_filter = ["status", "source", OverdueFilter, ("due_date", admin.DateFieldListFilter),
                   ("owner", PersonListFilter),
                   "finding__severity"]  # fmt: skip
    search_fields = ["ref", "title", "description", "root_cause", "source_reference", "finding__ref"]
    list_select_related = ["finding", "owner"]
    autocomplete_fields = ["finding", "owner"]
    readonly_fields = ["status", "actions_closed_on", "closed_on", "closed_by", "times_reopened",
                       "flagged_overdue_on", "closure"]  # fmt: skip
    inlines = [CapaActionInline, CheckInline, SignaturesInline]
    fieldsets = [
        (None, {"fields": ["ref", "title", "source", "finding", "source_reference", "description", "owner",
                           "opened_on", "due_date"]}),
        ("Containment and root cause", {"fields": ["containment", "root_cause_method", "root_cause"]}),
        ("Status and closure", {"fields": ["effectiveness_days", "status", "actions_closed_on", "closed_on",
                                           "closed_by", "times_reopened", "flagged_overdue_on", "closure"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_open_actions=Count(
                    "actions", filter=Q(actions__status=CapaAction.Status.OPEN), distinct=True
                ),
                next_check_due=Min(
                    "checks__due_date", filter=Q(checks__result=EffectivenessCheck.Result.PENDING)
                ),
            )
        )

    def has_change_permission(self, request, obj=None):
        # Closed: read-only until reopened (the reopen page checks the model permission itself).
        return super().has_change_permission(request, obj) and not (obj and obj.status == Capa.Status.CLOSED)

    def save_model(self, request, obj, form, change):
        capa_save(capa=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CapaAction:
            return super().save_formset(request, form, formset, change)
        for action in formset.save(commit=False):
            action.capa = form.instance
            capa_action_save(action=action, actor=request.user)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="open actions", ordering="n_open_actions")
    def open_actions(self, obj):
        return obj.n_open_actions

    @admin.display(description="check due", ordering="next_check_due")
    def next_check(self, obj):
        return obj.next_check_due or "-"

    @admin.display(description="closure")
    def closure(self, obj):
        if obj.pk is None:
            return "-"
        signed = capa_closure_signature(obj)
        if obj.status == Capa.Status.CLOSED:
            reopen = reverse("admin:governance_capa_reopen", args=[obj.pk])
            signer, status = signed or ("nobody", "")
            return format_html('Closed, signed by {} ({}). <a href="{}">Reopen…</a>', signer, status, reopen)
        link = format_html('<a class="button" href="{}">Close with your signature</a>',
                           reverse("admin:governance_capa_close", args=[obj.pk]))  # fmt: skip
        blockers = capa_closure_blockers(obj)
        last = format_html(" Earlier closure: {} — {}.", *signed) if signed else ""
        if blockers:
            return format_html("Cannot close yet: {}{}", "; ".join(blockers), last)
        return format_html("{}{}", link, last)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/close/", wrap(self.close_view), name="governance_capa_close"),
            path("<int:object_id>/reopen/", wrap(self.reopen_view), name="governance_capa_reopen"),
            *super().get_urls(),
        ]

    def close_view(self, request, object_id):
        capa = self.get_object(request, str(object_id))
        return self._sign_page(
            request, capa, form=PasswordForm(request.POST or None), title=f"Close {capa}",
            intro="Your approval signature closes the CAPA. It is bound to the closed record: "
                  "any later change, a reopening included, voids it.",
            blockers=capa_closure_blockers(capa) if capa else (),
            perform=lambda obj, data: capa_close(capa=obj, signer=request.user, request=request, **data),
        )  # fmt: skip

    def reopen_view(self, request, object_id):
        capa = self.get_object(request, str(object_id))
        return self._sign_page(
            request, capa, form=ReopenForm(request.POST or None), title=f"Reopen {capa}",
            intro="Reopening voids the closure signature.",
            perform=lambda obj, data: capa_reopen(capa=obj, actor=request.user, reason=data["reason"]),
        )  # fmt: skip


class CheckForm(forms.ModelForm):
    evidence_link = forms.URLField(required=False, assume_scheme="https", max_length=500)

    class Meta:
        model = EffectivenessCheck
        fields = ["plan", "result", "performed_on", "evidence", "evidence_link"]


@admin.register(EffectivenessCheck)
class EffectivenessCheckAdmin(SignPageMixin, admin.ModelAdmin):
    form = CheckForm
    list_display = ["__str__", "capa", "due_date", "result", "performed_on", "performed_by"]
    list_filter = ["result", CheckOverdueFilter, ("due_date", admin.DateFieldListFilter)]
    search_fields = ["capa__ref", "capa__title", "evidence"]
    list_select_related = ["capa", "performed_by"]
    readonly_fields = ["capa", "due_date", "performed_by", "approval"]
    inlines = [SignaturesInline]

    def has_add_permission(self, request):
        return False  # checks are scheduled by the CAPA, never added by hand

    def has_change_permission(self, request, obj=None):
        closed = obj is not None and obj.capa.status == Capa.Status.CLOSED
        return super().has_change_permission(request, obj) and not closed

    def save_model(self, request, obj, form, change):
        if obj.result == EffectivenessCheck.Result.PENDING:
            effectiveness_check_plan(check=obj, plan=obj.plan, actor=request.user)
            return
        effectiveness_check_record(
            check=obj,
            actor=request.user,
            result=obj.result,
            evidence=obj.evidence,
            performed_on=obj.performed_on,
            evidence_link=obj.evidence_link,
        )

    @admin.display(description="approval")
    def approval(self, obj):
        if obj.result == EffectivenessCheck.Result.PENDING:
            return "Record the result first."
        signature = check_approval(obj)
        if signature:
            return f"Approved: {signature}"
        url = reverse("admin:governance_effectivenesscheck_approve", args=[obj.pk])
        return format_html('Not approved. <a class="button" href="{}">Approve with your signature</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.approve_view)
        return [path("<int:object_id>/approve/", view, name="governance_effectivenesscheck_approve"),
                *super().get_urls()]  # fmt: skip

    def approve_view(self, request, object_id):
        check = self.get_object(request, str(object_id))
        return self._sign_page(
            request, check, form=PasswordForm(request.POST or None), title=f"Approve {check}",
            intro="Your approval signature confirms this result. Any later change to the check voids it.",
            perform=lambda obj, data: effectiveness_check_approve(check=obj, signer=request.user,
                                                                  request=request, **data),
        )  # fmt: skip


@admin.register(CapaEvent)
class CapaEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "capa", "actor", "detail"]
    list_filter = ["kind"]
    search_fields = ["capa__ref", "detail"]
    list_select_related = ["capa", "actor"]
