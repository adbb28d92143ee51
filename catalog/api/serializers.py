from django.contrib.auth import get_user_model
from rest_framework import serializers

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
    System,
)

Slug = serializers.SlugRelatedField
User = get_user_model()


class SystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = System
        fields = ["id", "name", "kind", "description", "storage_region", "owner"]


class ClassificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Classification
        fields = [
            "id",
            "code",
            "urn",
            "level",
            "name",
            "description",
            "masking_required",
            "allowed_regions",
            "minimum_retention_days",
            "source_version",
        ]


def classification_source_field():
    """Read-only, set by the service that sets the level; blank where no level is set yet (declared
    here because a read-only model field loses `allow_blank`, and the schema would omit "")."""
    return serializers.ChoiceField(choices=ClassificationSource.choices, allow_blank=True, read_only=True)


class DatasetSerializer(serializers.ModelSerializer):
    classification_source = classification_source_field()

    # Optional links: null until someone sets them, and the schema says so.
    classification = Slug(slug_field="code", read_only=True, allow_null=True)
    system = Slug(slug_field="name", read_only=True, allow_null=True)
    owner = Slug(slug_field="username", read_only=True, allow_null=True)
    steward = Slug(slug_field="username", read_only=True, allow_null=True)
    removed = serializers.BooleanField(
        source="is_removed", read_only=True, help_text="Its source no longer has it: kept for history only."
    )

    class Meta:
        model = Dataset
        fields = [
            "id",
            "namespace",
            "name",
            "layer",
            "system",
            "owner",
            "steward",
            "description",
            "classification",
            "classification_source",
            "tags",
            "retention_policy_ref",
            "row_count",
            "last_updated_at",
            "source",
            "dbt_unique_id",
            "removed",
            "removed_at",
        ]


class ColumnSerializer(serializers.ModelSerializer):
    classification_source = classification_source_field()

    classification = Slug(slug_field="code", read_only=True, allow_null=True)
    glossary_terms = Slug(slug_field="name", many=True, read_only=True)
    removed = serializers.BooleanField(
        source="is_removed", read_only=True, help_text="Removed from its table, or its table removed."
    )

    class Meta:
        model = Column
        fields = [
            "id",
            "dataset",
            "name",
            "data_type",
            "ordinal_position",
            "description",
            "nullable",
            "classification",
            "classification_source",
            "pii_category",
            "glossary_terms",
            "removed",
            "removed_at",
        ]


class ColumnClassifySerializer(serializers.Serializer):
    classification = Slug(slug_field="code", queryset=Classification.objects.all(), allow_null=True)
    pii_category = serializers.ChoiceField(
        choices=Column._meta.get_field("pii_category").choices, required=False
    )


class GlossaryTermSerializer(serializers.ModelSerializer):
    owner = Slug(slug_field="username", read_only=True, allow_null=True)
    last_edited_by = Slug(slug_field="username", read_only=True, allow_null=True)
    approved_by = Slug(slug_field="username", read_only=True, allow_null=True)
    reviewers = Slug(slug_field="username", many=True, read_only=True)
    related_terms = Slug(slug_field="name", many=True, read_only=True)

    class Meta:
        model = GlossaryTerm
        fields = [
            "id",
            "name",
            "definition",
            "synonyms",
            "related_terms",
            "parent",
            "owner",
            "reviewers",
            "status",
            "last_edited_by",
            "last_edited_at",
            "approved_by",
            "approved_at",
        ]
        read_only_fields = ["status", "last_edited_at", "approved_at"]


class GlossaryTermEventSerializer(serializers.ModelSerializer):
    actor = Slug(slug_field="username", read_only=True)

    class Meta:
        model = GlossaryTermEvent
        fields = ["id", "term", "action", "from_status", "to_status", "actor", "at", "note"]


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "namespace", "name", "description"]


class LineageEventSerializer(serializers.ModelSerializer):
    """A summary: stored bodies can be megabytes, so they have their own, size-capped endpoint."""

    job = serializers.StringRelatedField()
    received_by = Slug(slug_field="username", read_only=True)
    body_url = serializers.HyperlinkedIdentityField(view_name="catalog-api:lineageevent-body")

    class Meta:
        model = LineageEvent
        fields = [
            "id",
            "event_hash",
            "event_type",
            "event_time",
            "run_id",
            "job",
            "received_at",
            "received_by",
            "body_url",
        ]


class LineageEdgeSerializer(serializers.ModelSerializer):
    input_dataset = serializers.StringRelatedField()
    output_dataset = serializers.StringRelatedField()
    job = serializers.StringRelatedField()

    class Meta:
        model = LineageEdge
        fields = ["id", "input_dataset", "output_dataset", "job", "source", "created_at"]


class ColumnLineageEdgeSerializer(serializers.ModelSerializer):
    input_column = serializers.StringRelatedField()
    output_column = serializers.StringRelatedField()
    job = serializers.StringRelatedField()

    class Meta:
        model = ColumnLineageEdge
        fields = [
            "id",
            "input_column",
            "output_column",
            "job",
            "transformation_type",
            "subtype",
            "masking",
            "description",
        ]


class DataCheckSerializer(serializers.ModelSerializer):
    dataset = serializers.StringRelatedField()
    column = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = DataCheck
        fields = [
            "id",
            "unique_id",
            "dataset",
            "column",
            "name",
            "test_type",
            "severity",
            "source",
            "last_status",
            "last_failures",
            "last_message",
            "last_run_at",
            "removed_at",
        ]


class ClassificationSuggestionSerializer(serializers.ModelSerializer):
    column = serializers.StringRelatedField()
    suggested_classification = Slug(slug_field="code", read_only=True)
    reviewed_by = Slug(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ClassificationSuggestion
        fields = [
            "id",
            "column",
            "detector",
            "suggested_classification",
            "suggested_pii_category",
            "reason",
            "score",
            "status",
            "created_at",
            "reviewed_by",
            "reviewed_at",
        ]


class ImpactNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    depth = serializers.IntegerField()


class ImpactSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DictField()
    direction = serializers.CharField()
    depth = serializers.IntegerField()
    max_nodes = serializers.IntegerField()
    truncated = serializers.BooleanField()
    truncated_by_depth = serializers.BooleanField()
    truncated_by_node_cap = serializers.BooleanField()
    nodes = ImpactNodeSerializer(many=True)


class DatasetUpdateSerializer(serializers.ModelSerializer):
    classification = Slug(
        slug_field="code", queryset=Classification.objects.all(), allow_null=True, required=False
    )
    owner = Slug(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    steward = Slug(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Dataset
        fields = [
            "description",
            "layer",
            "owner",
            "steward",
            "classification",
            "tags",
            "retention_policy_ref",
        ]


class GlossaryTermWriteSerializer(serializers.ModelSerializer):
    """Wording and reviewers; the status changes only through submit/approve/deprecate."""

    owner = Slug(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    reviewers = Slug(
        slug_field="username", queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    related_terms = Slug(slug_field="name", queryset=GlossaryTerm.objects.all(), many=True, required=False)

    class Meta:
        model = GlossaryTerm
        fields = ["name", "definition", "synonyms", "related_terms", "parent", "owner", "reviewers"]
