from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, OrganizationSerializer
from accounts.filtersets import OrganizationFilterSet
from accounts.models import Organization
from accounts.services import organization_update


class OrganizationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Tenants. Read with `view_organization`, update with `change_organization`."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]
    queryset = Organization.objects.all()

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return Organization.objects.visible_to(self.request.user, action)

    def perform_update(self, serializer):
        serializer.instance = organization_update(
            organization=serializer.instance, **serializer.validated_data
        )


class MeView(APIView):
    """The authenticated user, with organisation and roles."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)
