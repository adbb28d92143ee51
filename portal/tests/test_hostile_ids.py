"""Ids beyond what the database holds are a 400 naming the filter, or a 404 in a URL, never a 500."""

import pytest
from django.contrib import admin
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter, NumberFilter
from django_filters.utils import get_model_field

from accounts.api.urls import router as accounts_router
from accounts.filtering import BoundedFilterBackend, is_integer_key
from catalog.api.urls import router as catalog_router
from catalog.tests.factories import ColumnFactory

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"  # 2**63: one more than the largest 64-bit id
ROUTERS = [("/api/accounts/", accounts_router), ("/api/catalog/", catalog_router)]


def _integer_filters(viewset):
    """The name of every filter of the list endpoint that takes an id or an integer."""
    queryset = viewset.queryset
    filterset = BoundedFilterBackend().get_filterset_class(viewset(), queryset)
    if filterset is None:
        return []
    model = queryset.model
    return [
        name
        for name, filter_ in filterset.base_filters.items()
        if isinstance(filter_, (ModelChoiceFilter, ModelMultipleChoiceFilter))
        or (isinstance(filter_, NumberFilter) and is_integer_key(get_model_field(model, filter_.field_name)))
    ]


def _cases():
    for root, router in ROUTERS:
        for prefix, viewset, _ in router.registry:
            for name in _integer_filters(viewset):
                yield f"{root}{prefix}/", name


CASES = list(_cases())


def test_the_walk_covers_the_id_filters_of_every_filtered_list():
    assert ("/api/catalog/columns/", "glossary_terms") in CASES
    assert len({url for url, _ in CASES}) >= 8, CASES


@pytest.mark.parametrize(("url", "name"), CASES)
def test_every_id_filter_refuses_an_id_beyond_64_bits_and_names_it(client, compliance_officer, url, name):
    client.force_login(compliance_officer)
    response = client.get(url, {name: HUGE})
    assert response.status_code == 400, (url, name, response.content[:300])
    assert "is not a valid id" in " ".join(response.json()[name])


def test_a_multiple_id_filter_names_the_bad_value_among_good_ones(client, compliance_officer):
    column = ColumnFactory()
    client.force_login(compliance_officer)
    response = client.get("/api/catalog/columns/", {"glossary_terms": ["1", f"-{HUGE}1"]})
    assert response.status_code == 400
    assert response.json() == {
        "glossary_terms": [f"-{HUGE}1 is not a valid id: ids are whole numbers up to {int(HUGE) - 1}."]
    }
    assert client.get("/api/catalog/columns/", {"dataset": column.dataset_id}).json()["count"] == 1


@pytest.mark.parametrize("prefix", ["/api/catalog/columns/", "/api/accounts/organizations/"])
def test_a_30_digit_id_in_an_api_url_is_not_found(client, compliance_officer, prefix):
    client.force_login(compliance_officer)
    assert client.get(f"{prefix}{'9' * 30}/").status_code == 404


@pytest.fixture
def admin_client(client):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "query", [{"dataset": HUGE}, {"dataset__id__in": f"1,{HUGE}"}, {"glossary_terms": HUGE}]
)
def test_admin_changelist_refuses_an_id_filter_beyond_64_bits_and_names_it(admin_client, query):
    ColumnFactory()
    response = admin_client.get("/admin/catalog/column/", query)
    assert response.status_code == 400
    name = next(iter(query))
    assert f"<code>{name}</code>" in response.text and "cannot exist" in response.text
    assert "result_list" not in response.text


def test_admin_changelist_still_filters_by_a_real_id(admin_client):
    column = ColumnFactory()
    response = admin_client.get("/admin/catalog/column/", {"dataset": column.dataset_id})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [column]


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_admin_pages_of_a_30_digit_id_are_not_found(admin_client, view):
    assert admin_client.get(f"/admin/catalog/dataset/{'9' * 30}/{view}/").status_code == 404


def _filter_names(model_admin):
    for item in model_admin.list_filter:
        name = item[0] if isinstance(item, tuple) else item
        yield name if isinstance(name, str) else name.parameter_name


@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_list_and_autocomplete_survives_ids_beyond_64_bits(admin_client, model):
    model_admin, opts = admin.site._registry[model], model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/"
    by_id = admin_client.get(url, {"id__in": f"1,{HUGE}"})
    assert by_id.status_code == 400 and "<code>id__in</code>" in by_id.text
    for name in _filter_names(model_admin):
        response = admin_client.get(url, {name: HUGE})
        assert response.status_code in (200, 302, 400), (name, response.status_code)
        assert response.status_code != 400 or f"<code>{name}</code>" in response.text
    for field in model_admin.autocomplete_fields:
        query = {
            "app_label": opts.app_label,
            "model_name": opts.model_name,
            "field_name": field,
            "term": HUGE,
        }
        assert admin_client.get("/admin/autocomplete/", query).json()["results"] == []
