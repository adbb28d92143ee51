from accounts.filtering import BoundedFilterSet
from accounts.models import Organization


class OrganizationFilterSet(BoundedFilterSet):
    class Meta:
        model = Organization
        fields = ["tier", "icp_segment", "region", "data_residency", "is_internal"]
