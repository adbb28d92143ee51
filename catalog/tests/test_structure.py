"""Meta-test: every catalog model has an admin page and an API endpoint with a visible_to read."""

import pytest
from django.apps import apps
from django.contrib import admin

from catalog.api.urls import router
from catalog.querysets import CatalogQuerySet


@pytest.mark.parametrize("model", list(apps.get_app_config("catalog").get_models()), ids=lambda m: m.__name__)
def test_model_has_admin_api_and_visible_to(model):
    assert isinstance(model.objects.all(), CatalogQuerySet)
    served = {viewset.queryset.model for _, viewset, _ in router.registry}
    exempt = {"GlossaryTermEvent"}  # shown inline on the term's admin page
    assert admin.site.is_registered(model) or model.__name__ in exempt
    assert model in served
