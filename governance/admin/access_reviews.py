"""Warehouse access: quarterly reviews (decisions inline, sign-off page), drift and unused access."""

import csv

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_filters import PersonListFilter
from accounts.admin_signatures import SignaturesInline
from accounts.people import person_name
from governance.access.drift import access_drift
from governance.access.reviews import access_review_blockers, access_review_decide, access_review_sign
from governance.access.usage import UNUSED_AFTER_DAYS, unused_access
from governance.admin.capa import PasswordForm, SignPageMixin
from governance.models import AccessReview, AccessReviewItem


class ItemForm(forms.ModelForm):
    class Meta:
        model = AccessReviewItem
        fields = ["decision", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 1, "cols": 30})}


class AccessReviewItemInline(admin.TabularInline):
    model = AccessReviewItem
    form = ItemForm
    fields = [
        "role",
        "scope",
        "clearance",
        "row_filter",
        "member_names",
        "last_used",
        "decision",
        "note",
        "outcome",
    ]
    readonly_fields = ["role", "scope", "clearance", "row_filter", "member_names", "last_used", "outcome"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only the data owner decides, and only while the review is open.
        return obj is not None and not obj.is_signed and obj.owner_id == request.user.pk

    @admin.display(description="Members")
    def member_names(self, item):
        return ", ".join(item.members) or "nobody"

    @admin.display(description="Last use")
    def last_used(self, item):
        return f"{item.last_used_at:%Y-%m-%d}" if item.last_used_at else "none in 12 months"


@admin.register(AccessReview)
class AccessReviewAdmin(SignPageMixin, admin.ModelAdmin):
    list_display = ["quarter", "owner_name", "status", "items_count", "undecided", "revokes", "signed_at"]
    list_filter = ["status", "quarter", ("owner", PersonListFilter)]
    search_fields = ["quarter", "owner__first_name", "owner__last_name", "owner__username"]
    list_select_related = ["owner"]
    fields = ["quarter", "owner_name", "status", "opened_at", "signed_at", "sign_off"]
    readonly_fields = fields
    inlines = [AccessReviewItemInline, SignaturesInline]

    def get_queryset(self, request):
        decided = Q(policy_items__decision=AccessReviewItem.Decision.PENDING)
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_items=Count("policy_items", distinct=True),
                n_undecided=Count("policy_items", filter=decided, distinct=True),
                n_revokes=Count(
                    "policy_items",
                    filter=Q(policy_items__decision=AccessReviewItem.Decision.REVOKE),
                    distinct=True,
                ),
            )
        )

    def has_add_permission(self, request):
        return False  # opened each quarter by the beat task or `manage.py access_reviews_open`

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Data owner", ordering="owner__last_name")
    def owner_name(self, review):
        return person_name(review.owner)

    @admin.display(description="Items", ordering="n_items")
    def items_count(self, review):
        return review.n_items

    @admin.display(description="Undecided", ordering="n_undecided")
    def undecided(self, review):
        return review.n_undecided

    @admin.display(description="Revoked", ordering="n_revokes")
    def revokes(self, review):
        return review.n_revokes

    @admin.display(description="Sign-off")
    def sign_off(self, review):
        if review.is_signed:
            return "Signed off; the review is read-only."
        blockers = access_review_blockers(review)
        if blockers:
            return "Cannot sign yet: " + " ".join(blockers)
        url = reverse("admin:governance_accessreview_sign", args=[review.pk])
        return format_html('<a class="button" href="{}">Sign off the review</a>', url)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AccessReviewItem:
            return super().save_formset(request, form, formset, change)
        for item_form in formset.forms:
            if item_form.has_changed():
                data = item_form.cleaned_data
                try:
                    access_review_decide(
                        item=item_form.instance,
                        decision=data["decision"],
                        note=data["note"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    self.message_user(
                        request, f"{item_form.instance}: {' '.join(exc.messages)}", level="ERROR"
                    )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("drift/", wrap(self.drift_view), name="governance_access_drift"),
            path("unused/", wrap(self.unused_view), name="governance_access_unused"),
            path("<int:object_id>/sign/", wrap(self.sign_view), name="governance_accessreview_sign"),
            *super().get_urls(),
        ]

    def sign_view(self, request, object_id):
        review = self.get_object(request, str(object_id))
        if review is not None and review.owner_id != request.user.pk:
            raise PermissionDenied
        return self._sign_page(
            request, review, form=PasswordForm(request.POST or None), title=f"Sign off {review}",
            intro="Your approval signature closes the review: every decision becomes final and the "
                  "policies you revoke are retired with it.",
            blockers=access_review_blockers(review) if review else (),
            perform=lambda obj, data: access_review_sign(
                review=obj, signer=request.user, request=request, **data),
        )  # fmt: skip

    def _report(self, request, *, template, rows, csv_name, header, csv_row, **context):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{csv_name}-{timezone.localdate()}.csv"'
            writer = csv.writer(response)
            writer.writerow(header)
            writer.writerows(csv_row(row) for row in rows)
            return response
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "rows": rows, **context}
        return TemplateResponse(request, template, context)

    def drift_view(self, request):
        return self._report(
            request, template="admin/governance/access/drift.html", rows=access_drift(),
            csv_name="access-drift",
            title="Warehouse access drift",
            header=["kind", "table", "column", "catalog level", "applied", "problem", "reads", "last read"],
            csv_row=lambda d: [d.kind, d.table, d.column, d.catalog_level, d.applied, d.problem, d.reads,
                               d.last_read_at.isoformat() if d.last_read_at else ""],
        )  # fmt: skip

    def unused_view(self, request):
        return self._report(
            request, template="admin/governance/access/unused.html", rows=unused_access(),
            csv_name="unused-access",
            title=f"Warehouse access unused for {UNUSED_AFTER_DAYS} days", days=UNUSED_AFTER_DAYS,
            header=["role", "scope", "clearance", "row filter", "policy version", "members", "last use"],
            csv_row=lambda u: [u.role, u.scope, u.policy.clearance.code, u.policy.get_row_filter_display(),
                               u.policy.version, "; ".join(u.members),
                               u.last_used_at.isoformat() if u.last_used_at else ""],
        )  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "access_reports": True}
        return super().changelist_view(request, extra_context)
