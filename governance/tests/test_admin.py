import pytest

from accounts.tests.factories import UserFactory
from governance.models import Framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def soc2():
    return Framework.objects.create(
        urn="urn:custodian:framework:soc2-2017", name="SOC 2", version="2017", is_builtin=True
    )


def test_builtin_framework_cannot_be_deleted_even_by_a_superuser(client, soc2):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(f"/admin/governance/framework/{soc2.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Framework.objects.filter(pk=soc2.pk).exists()


def test_compliance_officer_edits_wording_but_not_the_identifier(client, compliance_officer, soc2):
    client.force_login(compliance_officer)
    response = client.post(
        f"/admin/governance/framework/{soc2.pk}/change/",
        {"name": "SOC 2 Trust Services Criteria", "description": "AICPA", "urn": "urn:changed"},
    )
    assert response.status_code == 302
    soc2.refresh_from_db()
    assert (soc2.name, soc2.urn) == ("SOC 2 Trust Services Criteria", "urn:custodian:framework:soc2-2017")
