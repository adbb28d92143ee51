"""Staff roles (which see every tenant) only for users of the operating organisation."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts import roles
from accounts.services import organization_update, user_roles_set
from accounts.tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return OrganizationFactory(slug="custodian-labs", name="Custodian Labs", is_internal=True)


@pytest.fixture
def customer_org():
    return OrganizationFactory(slug="helix", name="Helix Pharma")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize("role", sorted(roles.STAFF_ROLES))
def test_the_service_refuses_a_staff_role_in_a_customer_organisation(role, customer_org):
    user = UserFactory(organization=customer_org, role=roles.CUSTOMER_VIEWER)
    with pytest.raises(ValidationError, match="staff roles are for users of the operating organisation"):
        user_roles_set(user=user, organization=customer_org, role_names=[role], actor=user)
    user.refresh_from_db()
    assert _roles(user) == {roles.CUSTOMER_VIEWER} and user.organization == customer_org


def test_the_service_refuses_moving_staff_to_a_customer_or_to_no_organisation(operator, customer_org):
    user = UserFactory(organization=operator, role=roles.DATA_STEWARD)
    for target in (customer_org, None):
        with pytest.raises(ValidationError, match="customer roles only"):
            user_roles_set(user=user, organization=target, role_names=[roles.DATA_STEWARD], actor=user)
    user.refresh_from_db()
    assert user.organization == operator and _roles(user) == {roles.DATA_STEWARD}


def test_the_service_sets_staff_roles_in_the_operating_organisation_and_customer_roles_anywhere(
    operator, customer_org
):
    staff, customer = UserFactory(organization=customer_org), UserFactory(organization=None)
    user_roles_set(user=staff, organization=operator, role_names=[roles.EXECUTIVE], actor=staff)
    user_roles_set(user=customer, organization=customer_org, role_names=[roles.CUSTOMER_VIEWER], actor=staff)
    staff.refresh_from_db()
    customer.refresh_from_db()
    assert (staff.organization, _roles(staff)) == (operator, {roles.EXECUTIVE})
    assert (customer.organization, _roles(customer)) == (customer_org, {roles.CUSTOMER_VIEWER})


def _change_user(admin_client, user, organization, role):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [Group.objects.get(name=role).pk],
        "organization": organization.pk,
    }
    return admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)


def test_the_admin_refuses_a_staff_role_for_a_customer_user(admin_client, customer_org):
    user = UserFactory(organization=customer_org, role=roles.CUSTOMER_VIEWER)
    response = _change_user(admin_client, user, customer_org, roles.COMPLIANCE_OFFICER)
    assert response.status_code == 200
    assert "staff roles are for users of the operating organisation" in response.content.decode()
    user.refresh_from_db()
    assert _roles(user) == {roles.CUSTOMER_VIEWER}


def test_the_admin_saves_a_staff_role_in_the_operating_organisation(admin_client, operator, customer_org):
    user = UserFactory(organization=customer_org, role=roles.CUSTOMER_VIEWER)
    assert _change_user(admin_client, user, operator, roles.COMPLIANCE_OFFICER).status_code == 302
    user.refresh_from_db()
    assert (user.organization, _roles(user)) == (operator, {roles.COMPLIANCE_OFFICER})


def test_the_operating_organisation_cannot_become_a_customer_while_it_has_staff(admin_client, operator):
    UserFactory(username="dana", organization=operator, role=roles.DATA_STEWARD)
    fields = ["name", "slug", "tier", "icp_segment", "region", "data_residency"]
    response = admin_client.post(
        f"/admin/accounts/organization/{operator.pk}/change/", {f: getattr(operator, f) for f in fields}
    )
    assert response.status_code == 200 and "hold staff roles (dana)" in response.content.decode()
    with pytest.raises(ValidationError, match="hold staff roles"):
        organization_update(organization=operator, is_internal=False)
    operator.refresh_from_db()
    assert operator.is_internal


def test_the_api_cannot_turn_the_operating_organisation_into_a_customer(client, operator):
    from accounts.services import api_token_create

    officer = UserFactory(organization=operator, role=roles.COMPLIANCE_OFFICER, is_superuser=True)
    _, raw = api_token_create(user=officer, name="t")
    client.patch(
        f"/api/accounts/organizations/{operator.pk}/",
        {"is_internal": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    operator.refresh_from_db()
    assert operator.is_internal


def test_the_command_refuses_a_staff_role_for_a_customer_user(customer_org):
    user = UserFactory(username="chris", organization=customer_org, role=roles.CUSTOMER_VIEWER)
    with pytest.raises(CommandError, match="customer roles only"):
        call_command("user_roles", "chris", "--organization", "helix", "--role", roles.SUBMISSION_MANAGER)
    assert _roles(user) == {roles.CUSTOMER_VIEWER}


def test_the_command_sets_organisation_and_roles(operator, capsys):
    user = UserFactory(username="sam", organization=None)
    call_command("user_roles", "sam", "--organization", "custodian-labs", "--role", roles.SUBMISSION_MANAGER)
    user.refresh_from_db()
    assert (user.organization, _roles(user)) == (operator, {roles.SUBMISSION_MANAGER})
    assert "sam: Custodian Labs, roles: Submission manager" in capsys.readouterr().out
