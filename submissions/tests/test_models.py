import pytest
from django.db import IntegrityError, transaction

from submissions.models import Application

pytestmark = pytest.mark.django_db


def test_agency_number_is_unique_within_a_region_once_assigned():
    Application.objects.create(application_type="nda", region="us", product="A", agency_number="123456")
    Application.objects.create(application_type="maa", region="eu", product="A", agency_number="123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(application_type="ind", region="us", product="B", agency_number="123456")


def test_many_applications_may_wait_for_a_number():
    Application.objects.create(application_type="ind", region="us", product="A")
    Application.objects.create(application_type="ind", region="us", product="B")
    assert Application.objects.filter(agency_number="").count() == 2


def test_submission_manager_adds_an_application_in_the_admin(client, submission_manager):
    client.force_login(submission_manager)
    response = client.post(
        "/admin/submissions/application/add/",
        {
            "application_type": "510k",
            "region": "us",
            "dossier_format": "ectd",
            "product": "Pump",
            "agency_number": "",
            "sequences-TOTAL_FORMS": "0",
            "sequences-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert str(Application.objects.get()) == "510(k): Pump"
