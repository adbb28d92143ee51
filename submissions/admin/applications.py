from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.signatures import signatures_for
from submissions.admin.package_downloads import PackageDownloadMixin, build_download
from submissions.models import Application, Leaf, PackageBuild, Sequence, SubmissionEvent
from submissions.reference import submission_type_label
from submissions.selectors import dossier_current_view, sequence_missing_items
from submissions.services import (
    SubmissionError,
    leaf_add,
    leaf_validate,
    package_build,
    sequence_sign_off,
    sequence_transition,
)


class SequenceInline(admin.TabularInline):
    model = Sequence
    fields = ["label_link", "submission_type", "status", "planned_date", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description="Sequence")
    def label_link(self, obj):
        return obj.label

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "product",
        "application_type",
        "region",
        "dossier_format",
        "agency_number",
        "sequence_count",
        "open_questions",
    ]
    list_filter = ["application_type", "region", "dossier_format"]
    search_fields = ["product", "agency_number", "company_name"]
    inlines = [SequenceInline]
    readonly_fields = ["current_dossier"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sequence_count=Count("sequences", distinct=True),
                open_questions=Count(
                    "correspondence", filter=~Q(correspondence__status="sent"), distinct=True
                ),
            )
        )

    @admin.display(description="Sequences", ordering="sequence_count")
    def sequence_count(self, obj):
        return obj.sequence_count

    @admin.display(description="Open agency questions", ordering="open_questions")
    def open_questions(self, obj):
        return obj.open_questions

    @admin.display(description="Dossier in force (after the latest sequence)")
    def current_dossier(self, obj):
        leaves = dossier_current_view(application=obj) if obj.pk else []
        if not leaves:
            return "No documents yet."
        return format_html(
            "<table><tr><th>Section</th><th>Title</th><th>Since</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((x.section, x.title, x.sequence.label) for x in leaves),
            ),
        )


class LeafInline(admin.TabularInline):
    model = Leaf
    fields = ["section", "title", "operation", "modified_leaf", "version", "leaf_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BuildInline(admin.TabularInline):
    model = PackageBuild
    fields = ["built_at", "kind", "path", "error_count", "warning_count", "built_by", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Zip")
    def download(self, obj):
        return build_download(obj)


def _transition_action(to, description):
    def action(modeladmin, request, queryset):
        for sequence in queryset:
            try:
                sequence_transition(sequence=sequence, to=to, actor=request.user)
                modeladmin.message_user(request, f"{sequence}: {Sequence.Status(to).label}.")
            except SubmissionError as exc:
                modeladmin.message_user(request, f"{sequence}: {exc}", messages.ERROR)

    action.__name__ = f"mark_{to}"
    return admin.action(description=description, permissions=["change"])(action)


class SubmissionTypeFilter(admin.SimpleListFilter):
    """Submission types by their labels, only those some sequence has."""

    title = "submission type"
    parameter_name = "submission_type"

    def lookups(self, request, model_admin):
        keys = Sequence.objects.order_by().values_list("submission_type", flat=True).distinct()
        return sorted(((key, submission_type_label(key)) for key in keys), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(submission_type=self.value()) if self.value() else queryset


@admin.register(Sequence)
class SequenceAdmin(PackageDownloadMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "application",
        "submission_type_display",
        "status",
        "latest_package",
        "planned_date",
        "sent_at",
        "gateway_ack_id",
    ]
    list_filter = ["status", "application__region", SubmissionTypeFilter]
    list_select_related = ["application"]
    search_fields = ["application__product", "application__agency_number", "description", "gateway_ack_id"]
    inlines = [LeafInline, BuildInline]

    @admin.display(description="submission type", ordering="submission_type")
    def submission_type_display(self, obj):
        return submission_type_label(obj.submission_type)

    readonly_fields = [
        "number",
        "status",
        "sent_at",
        "gateway_ack_id",
        "gateway_received_at",
        "created_by",
        "missing_items",
        "latest_report",
        "sign_off",
    ]
    fields = [
        "application",
        "number",
        "submission_type",
        "submission_sub_type",
        "activity_start",
        "description",
        "template",
        "planned_date",
        "status",
        "sent_at",
        "gateway_ack_id",
        "gateway_received_at",
        "missing_items",
        "latest_report",
        "sign_off",
    ]
    actions = [
        "build_package",
        _transition_action(Sequence.Status.QA_REVIEW, "Send to QA review"),
        _transition_action(Sequence.Status.SENT, "Mark as sent (refused while validation errors remain)"),
    ]

    def has_add_permission(self, request):
        # Sequence numbers are allocated by the service (manage.py or the API), never typed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return (
            self.fields if obj is not None and obj.status != Sequence.Status.DRAFT else self.readonly_fields
        )

    @admin.display(description="Still missing (from the template)")
    def missing_items(self, obj):
        missing = sequence_missing_items(obj)
        if not missing:
            return "Nothing: every expected item is in place." if obj.template_id else "No template chosen."
        return format_html_join(
            "",
            "<div>{} {} {}</div>",
            ((m["section"], m["title"], "(required)" if m["required"] else "") for m in missing),
        )

    @admin.display(description="Latest validation report")
    def latest_report(self, obj):
        build = obj.builds.order_by("-built_at", "-pk").first()
        if build is None:
            return "Not built yet: use the 'Build package' action."
        rows = ((r["status"].upper(), r["check"], r["path"], r["message"]) for r in build.report)
        return format_html(
            "<p>{} — {} error(s), {} warning(s)</p><table>{}</table>",
            build.path,
            build.error_count,
            build.warning_count,
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="Sign-off (electronic signature on the latest package)")
    def sign_off(self, obj):
        build = obj.builds.order_by("-built_at", "-pk").first()
        signed = signatures_for(build) if build else []
        rows = format_html_join(
            "",
            "<div>{} — {} — {} UTC — {}</div>",
            (
                (sig.printed_name, sig.get_meaning_display(), f"{sig.signed_at:%Y-%m-%d %H:%M}", status)
                for sig, status in signed
            ),
        )
        if obj.status == Sequence.Status.QA_REVIEW:
            return format_html('{}<a class="button" href="sign-off/">Sign off with your password</a>', rows)
        return rows or "Not signed off."

    def get_urls(self):
        view = self.admin_site.admin_view(self.sign_off_view)
        return [
            path("<path:object_id>/sign-off/", view, name="submissions_sequence_sign_off"),
            *super().get_urls(),
        ]

    def sign_off_view(self, request, object_id):
        sequence = self.get_object(request, object_id)
        if sequence is None or not self.has_change_permission(request, sequence):
            raise PermissionDenied
        form = SignOffForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                sequence_sign_off(
                    sequence=sequence, signer=request.user, request=request, **form.cleaned_data
                )
            except SubmissionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{sequence} signed off.", messages.SUCCESS)
                return redirect("../change/")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "object": sequence,
            "opts": self.model._meta,
            "title": f"Sign off {sequence}",
        }
        return TemplateResponse(request, "submissions/sign_off.html", context)

    @admin.action(description="Build package and validate it", permissions=["change"])
    def build_package(self, request, queryset):
        for sequence in queryset.select_related("application"):
            out = f"{settings.SUBMISSIONS_PACKAGE_DIR}/{timezone.now():%Y%m%dT%H%M%S}"
            try:
                build = package_build(sequence=sequence, out_dir=out, actor=request.user)
            except SubmissionError as exc:
                self.message_user(request, f"{sequence}: {exc}", messages.ERROR)
                continue
            level = messages.WARNING if build.error_count else messages.SUCCESS
            self.message_user(
                request, f"{sequence}: built at {build.path}, {build.error_count} error(s).", level
            )


class SignOffForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput,
        help_text="Your password again: this is your electronic signature (approval).",
    )
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LeafForm(forms.ModelForm):
    class Meta:
        model = Leaf
        fields = [
            "sequence",
            "section",
            "title",
            "operation",
            "modified_leaf",
            "version",
            "attributes",
            "form_type",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            leaf_validate(
                **{
                    k: data.get(k)
                    for k in [
                        "sequence",
                        "section",
                        "operation",
                        "version",
                        "modified_leaf",
                        "attributes",
                        "form_type",
                    ]
                }
            )
        except SubmissionError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(Leaf)
class LeafAdmin(admin.ModelAdmin):
    form = LeafForm
    list_display = ["sequence", "section", "title", "operation", "leaf_id"]
    list_filter = ["operation", "section", "sequence__application__region"]
    list_select_related = ["sequence__application"]
    search_fields = ["title", "leaf_id", "sequence__application__product"]
    autocomplete_fields = ["sequence", "modified_leaf", "version"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data.get(k) for k in LeafForm.Meta.fields}
        saved = leaf_add(**data, actor=request.user)
        obj.pk, obj.leaf_id = saved.pk, saved.leaf_id


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ["at", "sequence", "kind", "actor"]
    list_filter = ["kind", "at"]
    list_select_related = ["sequence__application", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
