"""Catalog admin: display and navigation; changes with business rules go through services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms import Textarea

from accounts.admin_filters import PersonListFilter
from accounts.admin_trail import ReadOnlyMixin
from catalog import selectors, services
from catalog.models import (
    Classification,
    ClassificationSource,
    ClassificationSuggestion,
    Column,
    ColumnLineageEdge,
    DataCheck,
    Dataset,
    GlossaryTerm,
    GlossaryTermEvent,
    Job,
    LineageEdge,
    LineageEvent,
    PiiCategory,
    System,
)


class CatalogAdmin(admin.ModelAdmin):
    """Every catalog page reads through the same permission-aware queryset as the API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user, "view")


class ReadOnlyAdmin(ReadOnlyMixin, CatalogAdmin):
    """Rows written only by importers and services."""


def _run_each(modeladmin, request, queryset, service, done: str, **kwargs):
    ok = 0
    for obj in queryset:
        try:
            service(actor=request.user, **{kwargs["arg"]: obj})
            ok += 1
        except (PermissionDenied, ValidationError) as error:
            text = "; ".join(getattr(error, "messages", [str(error)]))
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
    if ok:
        modeladmin.message_user(request, f"{ok} {done}.", messages.SUCCESS)


@admin.register(System)
class SystemAdmin(CatalogAdmin):
    list_display = ["name", "kind", "storage_region", "owner"]
    list_filter = ["kind", "storage_region"]
    list_select_related = ["owner"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["owner"]


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "masking_required", "minimum_retention_days", "source_version"]
    search_fields = ["code", "name"]


class PiiCategoryFilter(admin.SimpleListFilter):
    title = "PII category"
    parameter_name = "pii"

    def lookups(self, request, model_admin):
        return PiiCategory.choices[1:]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(columns__pii_category=self.value()).distinct()
        return queryset


class HasDescriptionFilter(admin.SimpleListFilter):
    title = "has description"
    parameter_name = "described"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(description="")
        if self.value() == "no":
            return queryset.filter(description="")
        return queryset


class RemovedFilter(admin.SimpleListFilter):
    """Current rows, or those a schema sync or dbt import no longer found (kept for history)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("removed", "Removed")]

    def queryset(self, request, queryset):
        if self.value() in ("current", "removed"):
            return queryset.filter(removed_at__isnull=self.value() == "current")
        return queryset


class ColumnInline(admin.TabularInline):
    model = Column
    fields = [
        "name",
        "data_type",
        "ordinal_position",
        "nullable",
        "classification",
        "pii_category",
        "description",
        "removed_at",
    ]
    # Classification changes go through the column page, which runs propagation.
    readonly_fields = ["classification", "pii_category", "removed_at"]
    # A full-size description box per row pushed the table past the page's width.
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
    extra = 0
    show_change_link = True
    ordering = ["ordinal_position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("classification")


@admin.register(Dataset)
class DatasetAdmin(CatalogAdmin):
    # System and removal have their filters; the list keeps room for the names people scan.
    list_display = [
        "name",
        "namespace",
        "layer",
        "classification",
        "owner",
        "steward",
        "column_count",
        "source",
    ]
    list_filter = [
        RemovedFilter,
        "layer",
        "system",
        "classification",
        PiiCategoryFilter,
        ("owner", PersonListFilter),
        HasDescriptionFilter,
        "source",
    ]
    list_select_related = ["system", "classification", "owner", "steward"]
    search_fields = ["name", "namespace", "description"]
    autocomplete_fields = ["owner", "steward", "system"]
    readonly_fields = [
        "classification_source",
        "source",
        "dbt_unique_id",
        "removed_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ColumnInline]
    change_form_template = "admin/catalog/dataset/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(column_total=Count("columns"))

    @admin.display(description="columns", ordering="column_total")
    def column_count(self, obj):
        return obj.column_total

    def save_model(self, request, obj, form, change):
        if "classification" in form.changed_data:  # a steward's level: no dbt import replaces it
            obj.classification_source = ClassificationSource.STEWARD if obj.classification else ""
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dataset = self.get_object(request, object_id)
        if dataset is not None:
            extra_context = {**(extra_context or {}), "lineage": selectors.dataset_graph(dataset=dataset)}
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Column)
class ColumnAdmin(CatalogAdmin):
    list_display = [
        "name",
        "dataset",
        "data_type",
        "classification",
        "classification_source",
        "pii_category",
        "removed_at",
    ]
    list_filter = [
        RemovedFilter,
        "classification",
        "classification_source",
        "pii_category",
        "dataset__layer",
        "dataset__system",
    ]
    readonly_fields = ["classification_source", "removed_at"]
    list_select_related = ["dataset", "classification"]
    search_fields = ["name", "description", "dataset__name"]
    autocomplete_fields = ["dataset"]
    filter_horizontal = ["glossary_terms"]

    change_form_template = "admin/catalog/column/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        column = self.get_object(request, object_id)
        if column is not None:
            lineage = {
                direction: selectors.impact_get(kind="column", start=column, direction=direction)
                for direction in ("upstream", "downstream")
            }
            extra_context = {**(extra_context or {}), "column_lineage": lineage}
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "glossary_terms":
            kwargs["queryset"] = GlossaryTerm.objects.filter(status=GlossaryTerm.Status.APPROVED)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        classification_changed = {"classification", "pii_category"} & set(form.changed_data)
        super().save_model(request, obj, form, change)
        if classification_changed:
            services.column_classify(
                column=obj,
                classification=obj.classification,
                pii_category=obj.pii_category,
                actor=request.user,
            )


def _status_label(code: str) -> str:
    """A glossary status's label; events store the bare code (empty before the first status)."""
    return dict(GlossaryTerm.Status.choices).get(code, code) or "-"


class GlossaryTermEventInline(admin.TabularInline):
    model = GlossaryTermEvent
    fields = ["at", "action", "from_status_label", "to_status_label", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="from status")
    def from_status_label(self, obj):
        return _status_label(obj.from_status)

    @admin.display(description="to status")
    def to_status_label(self, obj):
        return _status_label(obj.to_status)

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(CatalogAdmin):
    list_display = ["name", "status", "parent", "owner", "last_edited_by", "approved_by", "approved_at"]
    list_filter = ["status", ("owner", PersonListFilter)]
    list_select_related = ["parent", "owner", "last_edited_by", "approved_by"]
    search_fields = ["name", "definition", "synonyms"]
    autocomplete_fields = ["parent", "owner"]
    filter_horizontal = ["reviewers", "related_terms"]
    readonly_fields = ["status", "last_edited_by", "last_edited_at", "approved_by", "approved_at"]
    inlines = [GlossaryTermEventInline]
    actions = ["submit_for_review", "approve", "deprecate"]

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in ("definition", "synonyms", "parent", "owner")}
        if change:
            services.glossary_term_update(term=obj, actor=request.user, name=obj.name, **fields)
        else:
            created = services.glossary_term_create(name=obj.name, actor=request.user, **fields)
            obj.pk = created.pk

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        _run_each(self, request, queryset, services.glossary_term_submit, "submitted", arg="term")

    @admin.action(description="Approve (four eyes: not your own edit)", permissions=["review"])
    def approve(self, request, queryset):
        _run_each(self, request, queryset, services.glossary_term_approve, "approved", arg="term")

    @admin.action(description="Deprecate", permissions=["review"])
    def deprecate(self, request, queryset):
        _run_each(self, request, queryset, services.glossary_term_deprecate, "deprecated", arg="term")

    def has_review_permission(self, request):
        return request.user.has_perm("catalog.review_glossaryterm")


@admin.register(ClassificationSuggestion)
class ClassificationSuggestionAdmin(ReadOnlyAdmin):
    list_display = [
        "column",
        "detector",
        "suggested_classification",
        "suggested_pii_category",
        "status",
        "reason",
        "reviewed_by",
    ]
    list_filter = ["status", "detector", "suggested_classification", "suggested_pii_category"]
    list_select_related = ["column__dataset", "suggested_classification", "reviewed_by"]
    search_fields = ["column__name", "column__dataset__name", "reason"]
    actions = ["accept", "reject"]

    @admin.action(description="Accept and apply to the column", permissions=["review"])
    def accept(self, request, queryset):
        _run_each(self, request, queryset, services.suggestion_accept, "accepted", arg="suggestion")

    @admin.action(description="Reject", permissions=["review"])
    def reject(self, request, queryset):
        _run_each(self, request, queryset, services.suggestion_reject, "rejected", arg="suggestion")

    def has_review_permission(self, request):
        return request.user.has_perm("catalog.change_classificationsuggestion")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["name", "namespace"]
    list_filter = ["namespace"]
    search_fields = ["name", "namespace"]


@admin.register(LineageEvent)
class LineageEventAdmin(ReadOnlyAdmin):
    list_display = ["event_time", "event_type", "job", "run_id", "received_by", "received_at"]
    list_filter = ["event_type", "job__namespace"]
    list_select_related = ["job", "received_by"]
    search_fields = ["run_id", "job__name", "event_hash"]
    date_hierarchy = "event_time"


@admin.register(LineageEdge)
class LineageEdgeAdmin(ReadOnlyAdmin):
    list_display = ["input_dataset", "output_dataset", "job", "source", "created_at"]
    list_filter = ["source", "job__namespace"]
    list_select_related = ["input_dataset", "output_dataset", "job"]
    search_fields = ["input_dataset__name", "output_dataset__name", "job__name"]


@admin.register(ColumnLineageEdge)
class ColumnLineageEdgeAdmin(ReadOnlyAdmin):
    list_display = ["input_column", "output_column", "job", "transformation_type", "subtype", "masking"]
    list_filter = ["transformation_type", "subtype", "masking"]
    list_select_related = ["input_column__dataset", "output_column__dataset", "job"]
    search_fields = ["input_column__name", "output_column__name", "job__name"]


@admin.register(DataCheck)
class DataCheckAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "dataset",
        "column",
        "test_type",
        "severity",
        "last_status",
        "last_failures",
        "last_run_at",
        "removed_at",
    ]
    list_filter = [RemovedFilter, "test_type", "last_status", "severity", "source"]
    list_select_related = ["dataset", "column__dataset"]
    search_fields = ["name", "unique_id", "dataset__name"]
