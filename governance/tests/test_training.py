"""Training: assignment from the role curricula, completion, expiry, compliance %."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts import roles
from accounts.tests.factories import OrganizationFactory, UserFactory
from governance.models import Course, Curriculum, TrainingRecord
from governance.services.training import curriculum_assign, training_complete
from governance.training import (
    training_compliance_by_organization,
    training_compliance_by_role,
    training_compliance_overall,
)

pytestmark = pytest.mark.django_db
JAN_1 = date(2026, 1, 1)


@pytest.fixture
def setup(compliance_officer, data_steward):
    """Stewards need GXP-101 (valid 365 days) and SOP-7 (never expires); officers need GXP-101."""
    org_a, org_b = OrganizationFactory(name="A"), OrganizationFactory(name="B")
    for user in (compliance_officer, data_steward):
        user.organization = org_a
        user.save()
    steward2 = UserFactory(role=roles.DATA_STEWARD, username="stu", organization=org_b)
    UserFactory(role=roles.DATA_STEWARD, username="gone", is_active=False)  # inactive: not counted
    gxp = Course.objects.create(code="GXP-101", title="GxP basics", validity_days=365)
    sop = Course.objects.create(code="SOP-7", title="Change control")
    stewards = Curriculum.objects.create(role=Group.objects.get(name=roles.DATA_STEWARD))
    stewards.courses.set([gxp, sop])
    officers = Curriculum.objects.create(role=Group.objects.get(name=roles.COMPLIANCE_OFFICER), due_days=14)
    officers.courses.set([gxp])
    return {"stewards": stewards, "officers": officers, "steward2": steward2, "gxp": gxp, "sop": sop}


def _assign_all(setup, actor, day=JAN_1):
    return sum(curriculum_assign(curriculum=setup[k], day=day, actor=actor) for k in ("stewards", "officers"))


def _complete(user, course, on):
    record = TrainingRecord.objects.get(user=user, course=course, completed_on__isnull=True)
    return training_complete(record=record, completed_on=on, actor=user)


def test_assignment_follows_the_role_curricula_and_is_idempotent(setup, compliance_officer):
    assert _assign_all(setup, compliance_officer) == 5  # 2 stewards x 2 courses + 1 officer
    assert _assign_all(setup, compliance_officer) == 0
    record = TrainingRecord.objects.get(user=compliance_officer)
    assert (record.assigned_on, record.due_on) == (JAN_1, date(2026, 1, 15))


def test_compliance_per_role_and_organisation_counts_expiry(setup, compliance_officer, data_steward):
    _assign_all(setup, compliance_officer)
    gxp, sop, stu = setup["gxp"], setup["sop"], setup["steward2"]
    done = _complete(data_steward, gxp, date(2026, 1, 10))
    assert done.expires_on == date(2027, 1, 10)
    assert _complete(data_steward, sop, date(2026, 1, 10)).expires_on is None
    _complete(stu, gxp, date(2026, 1, 5))
    _complete(compliance_officer, gxp, date(2026, 1, 2))

    june = date(2026, 6, 1)
    by_role = {r.name: (r.required, r.current, r.percent) for r in training_compliance_by_role(day=june)}
    assert by_role == {"Compliance officer": (1, 1, 100.0), "Data steward": (4, 3, 75.0)}
    by_org = {
        r.name: (r.required, r.current, r.percent) for r in training_compliance_by_organization(day=june)
    }
    assert by_org == {"A": (3, 3, 100.0), "B": (2, 1, 50.0)}
    assert training_compliance_overall(day=june).percent == 80.0
    # Only Tenant B's people, per role:
    only_b = training_compliance_by_role(day=june, organization=stu.organization)
    assert {r.name: r.percent for r in only_b} == {"Compliance officer": None, "Data steward": 50.0}

    # A year on, every GXP-101 completion has expired; SOP-7 never does.
    later = date(2027, 1, 11)
    assert training_compliance_overall(day=later).current == 1
    assert _assign_all(setup, compliance_officer, day=later) == 3  # the expired ones, assigned again


def test_completion_before_assignment_is_refused(setup, compliance_officer):
    _assign_all(setup, compliance_officer)
    record = TrainingRecord.objects.get(user=compliance_officer)
    with pytest.raises(ValidationError):
        training_complete(record=record, completed_on=date(2025, 12, 31), actor=compliance_officer)
    record.refresh_from_db()
    assert record.completed_on is None


def test_staff_see_their_own_training_and_officers_see_everyones(
    setup, compliance_officer, data_steward, outsider
):
    _assign_all(setup, compliance_officer)
    assert set(TrainingRecord.objects.visible_to(data_steward).values_list("user", flat=True)) == {
        data_steward.pk
    }
    assert TrainingRecord.objects.visible_to(compliance_officer).count() == 5
    assert not TrainingRecord.objects.visible_to(outsider).exists()
    assert not TrainingRecord.objects.visible_to(data_steward, "change").exists()
