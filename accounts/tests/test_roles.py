import pytest
from django.contrib.auth.models import Group

from accounts import roles

pytestmark = pytest.mark.django_db


def _perms(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migrations_create_exactly_the_six_roles():
    assert set(Group.objects.values_list("name", flat=True)) == {
        "Compliance officer",
        "Data steward",
        "Submission manager",
        "Auditor",
        "Executive",
        "Customer viewer",
    }


@pytest.mark.parametrize("role", sorted(roles.ROLE_PERMISSIONS))
def test_each_role_holds_exactly_its_intended_permissions(role):
    assert _perms(Group.objects.get(name=role)) == roles.ROLE_PERMISSIONS[role]


def test_auditors_and_customers_hold_no_model_permission():
    # What they see is granted object by object, for a limited time, never by role.
    assert _perms(Group.objects.get(name=roles.AUDITOR)) == set()
    assert _perms(Group.objects.get(name=roles.CUSTOMER_VIEWER)) == set()


def test_no_role_may_delete_users_or_edit_the_audit_log():
    for group in Group.objects.all():
        perms = _perms(group)
        assert "accounts.delete_user" not in perms
        assert not {p for p in perms if p.startswith("auditlog.") and not p.startswith("auditlog.view_")}
        trail = {
            f"accounts.{verb}_{model}"
            for verb in ("add", "change", "delete")
            for model in ("auditentry", "signature")
        }
        assert not perms & trail


def test_compliance_officers_view_and_export_the_audit_trail():
    perms = _perms(Group.objects.get(name=roles.COMPLIANCE_OFFICER))
    assert {"accounts.view_auditentry", "accounts.export_auditentry", "accounts.view_signature"} <= perms


def test_data_steward_edits_catalog_but_cannot_touch_submissions():
    perms = _perms(Group.objects.get(name=roles.DATA_STEWARD))
    assert "catalog.change_system" in perms
    assert not {p for p in perms if p.startswith("submissions.")}
