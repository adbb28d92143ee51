"""Part 11 signatures: re-authentication, printed name/time/meaning, binding, voiding."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

from accounts.models import AccessEvent, AuditEntry, Organization, Signature
from accounts.models.trail import AuditTrailImmutable
from accounts.services import organization_update
from accounts.signatures import SignatureRejected, signature_sign, signature_status, signatures_for
from accounts.tests.factories import PASSWORD, OrganizationFactory
from accounts.tests.trail_helpers import tamper

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().post("/admin/sign/", REMOTE_ADDR="10.0.0.7")
    request.user = user
    return request


def _sign(user, obj, password=PASSWORD, meaning="approval", **kw):
    return signature_sign(
        obj=obj, signer=user, password=password, meaning=meaning, request=_request(user), **kw
    )


@pytest.fixture
def record(db):
    return OrganizationFactory(name="Helix")


def test_signature_shows_printed_name_utc_time_and_meaning(compliance_officer, record):
    compliance_officer.first_name, compliance_officer.last_name = "Carla", "Mendes"
    compliance_officer.save()
    sig = _sign(compliance_officer, record, meaning="review", comment="Checked against SOP-7")
    assert sig.printed_name == "Carla Mendes"
    assert sig.signed_at.utcoffset().total_seconds() == 0
    assert str(sig).startswith("Carla Mendes — Review — ") and str(sig).endswith(" UTC")
    assert signature_status(sig).valid
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.SIGN).get()
    assert (entry.actor, entry.object_pk, entry.additional_data["meaning"]) == (
        compliance_officer,
        str(record.pk),
        "review",
    )
    assert entry.additional_data["record_hash"] == sig.record_hash
    assert entry.reason == "Checked against SOP-7"


def test_wrong_password_signs_nothing_and_is_recorded(compliance_officer, record):
    with pytest.raises(SignatureRejected):
        _sign(compliance_officer, record, password="not-my-password")
    assert not Signature.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_FAILED, object_pk=str(record.pk)).exists()
    assert AccessEvent.objects.filter(kind="login_failed", username="carla").count() == 1
    assert AccessAttempt.objects.get(username="carla").failures_since_start == 1


@override_settings(AXES_FAILURE_LIMIT=2)
def test_failed_signatures_count_toward_lockout(compliance_officer, record):
    for _ in range(2):
        with pytest.raises(SignatureRejected):
            _sign(compliance_officer, record, password="wrong")
    with pytest.raises(SignatureRejected):
        _sign(compliance_officer, record)  # right password, but the account is locked now
    assert not Signature.objects.exists()
    assert AccessEvent.objects.filter(kind="locked_out", username="carla").exists()


def test_deactivated_user_cannot_sign(compliance_officer, record):
    compliance_officer.is_active = False
    compliance_officer.save()
    with pytest.raises(SignatureRejected):
        _sign(compliance_officer, record)
    assert not Signature.objects.exists()


def test_a_later_change_to_the_record_voids_the_signature(compliance_officer, record):
    sig = _sign(compliance_officer, record)
    organization_update(organization=record, name="Helix Pharma")
    status = signature_status(Signature.objects.get(pk=sig.pk))
    assert (status.valid, status.reason) == (False, "void: the record changed after signing")
    # Signing the new version gives a new, valid signature; the old one stays, void.
    _sign(compliance_officer, record)
    assert [s.valid for _, s in signatures_for(record)] == [True, False]


def test_deleting_the_record_voids_the_signature(compliance_officer):
    org = OrganizationFactory()
    sig = _sign(compliance_officer, org)
    Organization.objects.filter(pk=org.pk).delete()
    assert signature_status(Signature.objects.get(pk=sig.pk)).reason == "void: the signed record was deleted"


def test_a_signature_copied_to_another_record_is_void(compliance_officer, record):
    other = OrganizationFactory(name="Other")
    sig = _sign(compliance_officer, record)
    tamper(
        "UPDATE accounts_signature SET object_pk = %s, record_hash = %s, seal = %s WHERE id = %s",
        [str(other.pk), sig.record_hash, sig.seal, sig.pk],
    )
    status = signature_status(Signature.objects.get(pk=sig.pk))
    assert status.reason == "void: the signature row was altered or moved"


def test_signatures_cannot_be_edited_removed_or_signed_twice_for_the_same_version(compliance_officer, record):
    sig = _sign(compliance_officer, record)
    sig.meaning = "authorship"
    with pytest.raises(AuditTrailImmutable):
        sig.save()
    with pytest.raises(AuditTrailImmutable):
        sig.delete()
    with pytest.raises(ValidationError, match="already signed this version"):
        _sign(compliance_officer, record)
    assert Signature.objects.get().meaning == "approval"


def test_unsaved_records_and_unknown_meanings_are_refused(compliance_officer, record):
    with pytest.raises(ValueError, match="saved"):
        _sign(compliance_officer, Organization(name="x"))
    with pytest.raises(ValueError, match="meaning"):
        _sign(compliance_officer, record, meaning="liked")
    assert not Signature.objects.exists()


def test_admin_lists_signatures_with_validity_in_few_queries(
    admin_client, compliance_officer, django_assert_max_num_queries
):
    for _ in range(3):
        _sign(compliance_officer, OrganizationFactory())
    changed = OrganizationFactory(name="Changes later")
    _sign(compliance_officer, changed)
    organization_update(organization=changed, name="Changed")
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/accounts/signature/").content.decode()
    assert page.count("void: the record changed after signing") == 1
    assert page.count(">valid<") == 3


@pytest.mark.urls("accounts.tests.signing_site")
def test_reusable_sign_page_signs_only_with_the_password(client, compliance_officer, record):
    compliance_officer.is_superuser = True  # this test site has no role permissions of its own
    compliance_officer.save()
    client.force_login(compliance_officer)
    url = f"/admin/accounts/organization/{record.pk}/sign/"
    page = client.post(url, {"meaning": "approval", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    assert page.status_code == 200 and "nothing was signed" in page.content.decode()
    assert not Signature.objects.exists()
    response = client.post(url, {"meaning": "approval", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    change_page = client.get(f"/admin/accounts/organization/{record.pk}/change/").content.decode()
    assert Signature.objects.get().printed_name in change_page and ">valid<" in change_page


@pytest.mark.urls("accounts.tests.signing_site")
def test_sign_page_refuses_users_without_permission(client, executive, record):
    client.force_login(executive)
    response = client.post(f"/admin/accounts/organization/{record.pk}/sign/", {"password": PASSWORD})
    assert response.status_code in (302, 403)
    assert not Signature.objects.exists()


@pytest.mark.services("postgres")
def test_postgresql_rejects_update_and_delete_on_signatures(compliance_officer, record):
    from django.db import connection, transaction

    sig = _sign(compliance_officer, record)
    for sql in (
        "UPDATE accounts_signature SET meaning = 'review' WHERE id = %s",
        "DELETE FROM accounts_signature WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [sig.pk])
    assert Signature.objects.get(pk=sig.pk).meaning == "approval"
