import django_filters

from accounts.models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    class Meta:
        model = Organization
        fields = ["tier", "icp_segment", "region", "data_residency", "is_internal"]
