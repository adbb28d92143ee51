from rest_framework import serializers

from accounts.models import Organization, User


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "tier",
            "icp_segment",
            "region",
            "data_residency",
            "is_internal",
            "created_at",
        ]
        read_only_fields = ["id", "is_internal", "created_at"]


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True, allow_null=True)
    roles = serializers.SlugRelatedField(source="groups", many=True, read_only=True, slug_field="name")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "organization", "roles"]
