"""Admin of warehouse access: policies (proposed, approved by four eyes, retired through
`policy_services`), masking per level, tenant keys; the access log pages are in `admin_log`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from accounts.people import person_name
from warehouse.reads import admin_log  # noqa: F401  (registers the access log's admins)
from warehouse.reads import policy_services as services
from warehouse.reads.models import AccessPolicy, LevelMasking, TenantKey

Status = AccessPolicy.Status
SCOPE_FIELDS = ["role", "layer", "dataset"]
TERMS_FIELDS = ["clearance", "row_filter", "requires_grant", "reason"]


class ProposalForm(forms.ModelForm):
    """A proposal: checked by the same rules as the service before anything is saved."""

    class Meta:
        model = AccessPolicy
        fields = [*SCOPE_FIELDS, *TERMS_FIELDS]

    def __init__(self, *args, supersedes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.supersedes = supersedes
        if supersedes is not None:  # a new version keeps the scope: only its terms are edited
            for name in SCOPE_FIELDS:
                self.fields.pop(name, None)
            for name in TERMS_FIELDS:
                self.initial.setdefault(name, getattr(supersedes, name))

    def scope(self) -> dict:
        """Role, layer and dataset: the superseded version's, or as entered."""
        if self.supersedes is not None:
            source = {name: getattr(self.supersedes, name) for name in SCOPE_FIELDS}
        else:
            source = {name: self.cleaned_data.get(name) for name in SCOPE_FIELDS}
        return source | {"layer": source["layer"] or ""}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.access_policy_check_proposal(
                **self.scope(), reason=data.get("reason", ""), supersedes=self.supersedes
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return data


def _name(user) -> str:
    return person_name(user) if user else "-"


@admin.register(AccessPolicy)
class AccessPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "role",
        "scope",
        "clearance_code",
        "rows",
        "status_label",
        "version_label",
        "people",
    ]
    list_display_links = ["role", "scope"]
    list_filter = ["status", "role", "layer", "clearance"]
    list_select_related = ["role", "dataset", "clearance", "proposed_by", "approved_by", "second_approved_by"]
    search_fields = ["role__name", "dataset__name", "reason"]
    autocomplete_fields = ["dataset"]
    form = ProposalForm
    change_form_template = "admin/warehouse_reads/accesspolicy/change_form.html"
    readonly_fields = [
        "role",
        "scope",
        "clearance",
        "row_filter",
        "requires_grant",
        "reason",
        "status_label",
        "version",
        "approval_needed",
        "proposer",
        "approvers",
        "decided_note",
        "retired_at",
        "versions",
    ]

    # --- columns -------------------------------------------------------------------------
    @admin.display(description="scope", ordering="dataset__name")
    def scope(self, obj):
        if obj.dataset_id:
            return obj.dataset.name
        return f"{obj.get_layer_display()} layer" if obj.layer else "Every layer"

    @admin.display(description="clearance", ordering="clearance__level")
    def clearance_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.clearance, obj.clearance.code)

    @admin.display(description="rows", ordering="row_filter")
    def rows(self, obj):
        return "Own organisation" if obj.row_filter == AccessPolicy.RowFilter.OWN_ORGANIZATION else "All"

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        if obj.status == Status.PROPOSED and obj.approved_by_id:
            return "Awaiting second approval"
        return obj.get_status_display()

    @admin.display(description="proposed by", ordering="proposed_by__last_name")
    def proposer(self, obj):
        return _name(obj.proposed_by)

    @admin.display(description="approved by")
    def approvers(self, obj):
        names = [_name(u) for u in (obj.approved_by, obj.second_approved_by) if u]
        return ", ".join(names) or "-"

    @admin.display(description="ver.", ordering="version")
    def version_label(self, obj):
        return f"v{obj.version}"

    @admin.display(description="proposed / approved")
    def people(self, obj):
        return format_html('{}<div class="help">{}</div>', self.proposer(obj), self.approvers(obj))

    @admin.display(description="approval needed")
    def approval_needed(self, obj):
        if obj.status != Status.PROPOSED:
            return "-"
        reasons = services.access_policy_widening(obj)
        if not reasons:
            return "One approver other than the proposer."
        return "Two approvers other than the proposer, because " + "; ".join(reasons) + "."

    @admin.display(description="versions of this role and scope")
    def versions(self, obj):
        rows = (
            (
                reverse("admin:warehouse_reads_accesspolicy_change", args=[v.pk]),
                f"v{v.version}",
                self.status_label(v),
                v.clearance.code,
                v.get_row_filter_display(),
                _name(v.proposed_by),
                self.approvers(v),
                f"{v.proposed_at:%Y-%m-%d %H:%M}",
            )
            for v in services.access_policy_versions(obj)
        )
        body = format_html_join("", "<tr><td><a href='{}'>{}</a></td>" + "<td>{}</td>" * 6 + "</tr>", rows)
        head = format_html_join(
            "",
            "<th>{}</th>",
            [
                (h,)
                for h in ("Version", "Status", "Clearance", "Rows", "Proposed by", "Approved by", "Proposed")
            ],
        )
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)

    # --- the form: adding proposes; an existing version is never edited in place --------------
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # versions are history: retire or reject instead

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def _supersedes(self, request):
        pk = request.GET.get("supersedes", "")
        if not pk.isdigit():
            return None
        return AccessPolicy.objects.filter(pk=pk, status=Status.ACTIVE).first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        supersedes = self._supersedes(request)
        base = super().get_form(request, None, change=False, **kwargs)

        class Form(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, supersedes=supersedes, **form_kwargs)

        return Form

    def get_fields(self, request, obj=None):
        if obj is not None:
            return self.readonly_fields
        return TERMS_FIELDS if self._supersedes(request) else [*SCOPE_FIELDS, *TERMS_FIELDS]

    def add_view(self, request, form_url="", extra_context=None):
        supersedes = self._supersedes(request)
        if supersedes is not None:
            extra_context = {**(extra_context or {}), "supersedes": supersedes}
            extra_context["title"] = f"Propose a new version of {supersedes}"
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        created = services.access_policy_propose(
            actor=request.user,
            **form.scope(),
            **{name: form.cleaned_data[name] for name in TERMS_FIELDS},
            supersedes=form.supersedes,
        )
        obj.pk, obj.version = created.pk, created.version
        for name in SCOPE_FIELDS:  # the admin's own log names the row it was told of
            setattr(obj, name, getattr(created, name))

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many fields, and the row was written by the service

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request, f"Proposed v{obj.version}: it takes effect once approved.", messages.SUCCESS
        )
        return redirect(reverse("admin:warehouse_reads_accesspolicy_change", args=[obj.pk]))

    # --- decisions ------------------------------------------------------------------------
    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path(
                "<path:object_id>/decide/<slug:decision>/", decide, name="warehouse_reads_accesspolicy_decide"
            ),
            *super().get_urls(),
        ]

    DECISIONS = {
        "approve": (services.access_policy_approve, "approved"),
        "reject": (services.access_policy_reject, "rejected"),
        "retire": (services.access_policy_retire, "retired"),
    }

    def decide_view(self, request, object_id, decision):
        policy = self.get_object(request, object_id)
        if policy is None or decision not in self.DECISIONS:
            raise Http404("No such policy or decision.")
        service, done = self.DECISIONS[decision]
        try:
            policy = service(policy=policy, actor=request.user, note=request.POST.get("note", ""))
        except (PermissionDenied, ValidationError) as error:
            text = "; ".join(getattr(error, "messages", None) or [str(error)])
            self.message_user(request, text, messages.ERROR)
        else:
            state = self.status_label(policy).lower()
            self.message_user(request, f"{policy} {done}; it is now {state}.", messages.SUCCESS)
        return redirect(reverse("admin:warehouse_reads_accesspolicy_change", args=[object_id]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["decisions"] = self._decisions(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _decisions(self, request, obj) -> list[tuple[str, str, bool]]:
        """(decision, button label, needs a note) the user may take on this version."""
        user = request.user
        may_approve = user.has_perm(services.APPROVE_PERMISSION)
        if obj.status == Status.PROPOSED:
            found = []
            if may_approve and user.pk not in (obj.proposed_by_id, obj.approved_by_id):
                label = "Second approval" if obj.approved_by_id else "Approve"
                found.append(("approve", label, False))
            if may_approve or user.pk == obj.proposed_by_id:
                found.append(("reject", "Reject" if user.pk != obj.proposed_by_id else "Withdraw", True))
            return found
        if obj.status == Status.ACTIVE and may_approve:
            return [("retire", "Retire", True)]
        return []


@admin.register(LevelMasking)
class LevelMaskingAdmin(admin.ModelAdmin):
    list_display = ["classification", "method"]
    list_select_related = ["classification"]

    def has_delete_permission(self, request, obj=None):
        return False  # every level keeps a masking method; change it instead


@admin.register(TenantKey)
class TenantKeyAdmin(admin.ModelAdmin):
    list_display = ["organization", "tenant_id"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "=tenant_id"]

    def has_delete_permission(self, request, obj=None):
        return False  # the row filter of customer viewers depends on it
