"""Access policies: proposed, approved with four eyes (two approvers when access widens), rejected,
retired; through the services and through the admin pages people use."""

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from accounts.models import AuditEntry
from accounts.tests.factories import OrganizationFactory, UserFactory
from catalog.tests.factories import DatasetFactory, level
from warehouse.reads import policy_services as services
from warehouse.reads.models import AccessPolicy, LevelMasking, TenantKey

pytestmark = pytest.mark.django_db
Status = AccessPolicy.Status
POLICIES = "/admin/warehouse_reads/accesspolicy/"


@pytest.fixture
def second_officer(db):
    return UserFactory(role=roles.COMPLIANCE_OFFICER, username="cole", first_name="Cole", last_name="Marsh")


def _role(name="Analyst"):
    """A role of its own by default: the default policies (migration) cover the six roles."""
    return Group.objects.get_or_create(name=name)[0]


def _default(role_name):
    return AccessPolicy.objects.get(role__name=role_name, status=Status.ACTIVE)


def _propose(actor, *, clearance="L2", layer="mart", **kwargs):
    kwargs = {"role": _role(), "layer": layer, "reason": "Board dashboards", **kwargs}
    return services.access_policy_propose(actor=actor, clearance=level(clearance), **kwargs)


def _active(steward, approver, **kwargs):
    return services.access_policy_approve(policy=_propose(steward, **kwargs), actor=approver)


def _snapshot(policy):
    policy.refresh_from_db()
    return (policy.status, policy.approved_by_id, policy.second_approved_by_id, policy.retired_at)


# --- services --------------------------------------------------------------------------------


def test_a_proposal_waits_and_one_other_approver_activates_it(data_steward, compliance_officer):
    policy = _propose(data_steward)
    assert (policy.status, policy.version, policy.proposed_by) == (Status.PROPOSED, 1, data_steward)

    services.access_policy_approve(policy=policy, actor=compliance_officer, note="Agreed")

    policy.refresh_from_db()
    assert (policy.status, policy.approved_by, policy.decided_note) == (
        Status.ACTIVE,
        compliance_officer,
        "Agreed",
    )


def test_the_proposer_cannot_approve_their_own_version(data_steward):
    policy = _propose(data_steward)
    before = _snapshot(policy)
    with pytest.raises(PermissionDenied, match="Four eyes"):
        services.access_policy_approve(policy=policy, actor=data_steward)
    assert _snapshot(policy) == before


def test_someone_without_the_approve_permission_cannot_approve(data_steward, submission_manager):
    policy = _propose(data_steward)
    with pytest.raises(PermissionDenied, match="approve_accesspolicy"):
        services.access_policy_approve(policy=policy, actor=submission_manager)
    assert _snapshot(policy)[0] == Status.PROPOSED


def test_only_stewards_propose(compliance_officer):
    with pytest.raises(PermissionDenied):
        _propose(compliance_officer)
    assert not AccessPolicy.objects.filter(role__name="Analyst").exists()


def test_reading_l4_in_clear_needs_a_second_approver_other_than_both(
    data_steward, compliance_officer, second_officer
):
    default = _default(roles.DATA_STEWARD)
    policy = _propose(data_steward, clearance="L4", role=default.role, layer="", supersedes=default)
    assert services.access_policy_widening(policy) == [
        "it lets Data steward read L4 columns in clear (the catalog requires masking)",
        "it raises the clearance from L2 to L4",
    ]
    services.access_policy_approve(policy=policy, actor=compliance_officer)
    assert _snapshot(policy)[:2] == (Status.PROPOSED, compliance_officer.pk)

    before = _snapshot(policy)
    for same_person in (compliance_officer, data_steward):
        with pytest.raises(PermissionDenied):
            services.access_policy_approve(policy=policy, actor=same_person)
    assert _snapshot(policy) == before

    services.access_policy_approve(policy=policy, actor=second_officer)
    assert _snapshot(policy)[:3] == (Status.ACTIVE, compliance_officer.pk, second_officer.pk)


def test_a_new_version_retires_the_one_it_supersedes_on_activation(data_steward, compliance_officer):
    first = _active(data_steward, compliance_officer)
    second = _propose(data_steward, clearance="L1", supersedes=first, reason="Less is enough")
    assert second.version == 2
    assert _snapshot(first)[0] == Status.ACTIVE  # until the new version is approved

    with time_machine.travel("2026-12-10 09:00Z", tick=False):
        services.access_policy_approve(policy=second, actor=compliance_officer)

    first.refresh_from_db()
    assert first.status == Status.RETIRED
    assert first.retired_at.isoformat() == "2026-12-10T09:00:00+00:00"
    assert _snapshot(second)[0] == Status.ACTIVE


def test_dropping_the_own_organisation_filter_needs_a_second_approver(
    data_steward, compliance_officer, second_officer
):
    first = _default(roles.CUSTOMER_VIEWER)  # mart, L2, own organisation (migration)
    wider = _propose(data_steward, role=first.role, row_filter="none", supersedes=first)
    assert services.access_policy_widening(wider) == ["it drops the own-organisation row filter"]

    services.access_policy_approve(policy=wider, actor=compliance_officer)
    assert _snapshot(wider)[0] == Status.PROPOSED
    services.access_policy_approve(policy=wider, actor=second_officer)
    assert _snapshot(wider)[0] == Status.ACTIVE


def test_raising_the_clearance_over_a_layer_is_widening(data_steward, compliance_officer):
    _active(data_steward, compliance_officer, clearance="L1", layer="")
    narrower = _propose(data_steward, clearance="L2", dataset=DatasetFactory(layer="mart"), layer="")
    assert services.access_policy_widening(narrower) == ["it raises the clearance from L1 to L2"]


def test_one_active_and_one_pending_version_per_role_and_scope(data_steward, compliance_officer):
    first = _active(data_steward, compliance_officer)
    with pytest.raises(ValidationError, match="already active"):
        _propose(data_steward)
    _propose(data_steward, supersedes=first, clearance="L1")
    with pytest.raises(ValidationError, match="awaits approval"):
        _propose(data_steward, supersedes=first, clearance="L0")
    assert AccessPolicy.objects.filter(role__name="Analyst").count() == 2


def test_a_version_whose_predecessor_was_retired_meanwhile_is_not_activated(data_steward, compliance_officer):
    first = _active(data_steward, compliance_officer)
    second = _propose(data_steward, supersedes=first, clearance="L1")
    services.access_policy_retire(policy=first, actor=compliance_officer, note="Board dissolved")
    with pytest.raises(ValidationError, match="no longer active"):
        services.access_policy_approve(policy=second, actor=compliance_officer)
    assert _snapshot(second) == (Status.PROPOSED, None, None, None)


def test_layer_and_dataset_together_are_refused(data_steward):
    with pytest.raises(ValidationError, match="not both"):
        _propose(data_steward, dataset=DatasetFactory())
    assert not AccessPolicy.objects.filter(role__name="Analyst").exists()


def test_reject_and_retire_need_a_reason_and_one_approver(
    data_steward, compliance_officer, submission_manager
):
    policy = _propose(data_steward)
    with pytest.raises(ValidationError, match="why"):
        services.access_policy_reject(policy=policy, actor=compliance_officer, note=" ")
    with pytest.raises(PermissionDenied):
        services.access_policy_reject(policy=policy, actor=submission_manager, note="No")
    assert _snapshot(policy)[0] == Status.PROPOSED
    services.access_policy_reject(policy=policy, actor=compliance_officer, note="Use the mart instead")
    assert _snapshot(policy)[0] == Status.REJECTED

    active = _active(data_steward, compliance_officer)
    with pytest.raises(PermissionDenied):
        services.access_policy_retire(policy=active, actor=submission_manager, note="x")
    services.access_policy_retire(policy=active, actor=compliance_officer, note="Role dissolved")
    assert _snapshot(active)[0] == Status.RETIRED


def test_the_proposer_may_withdraw_their_own_proposal(data_steward):
    policy = _propose(data_steward)
    services.access_policy_reject(policy=policy, actor=data_steward, note="Wrong layer")
    assert _snapshot(policy)[0] == Status.REJECTED


def test_an_approval_is_in_the_audit_trail_with_its_actor(data_steward, compliance_officer):
    policy = _propose(data_steward)
    services.access_policy_approve(policy=policy, actor=compliance_officer)

    entries = AuditEntry.objects.get_for_object(policy).order_by("timestamp", "pk")
    created, approved = entries
    assert (created.action, created.actor) == (AuditEntry.Action.CREATE, data_steward)
    assert (approved.action, approved.actor) == (AuditEntry.Action.UPDATE, compliance_officer)
    assert approved.changes_dict["status"] == ["proposed", "active"]


# --- admin -----------------------------------------------------------------------------------


def _form(**overrides):
    return {
        "role": _role().pk,
        "layer": "mart",
        "dataset": "",
        "clearance": level("L2").pk,
        "row_filter": "none",
        "reason": "Board dashboards",
        **overrides,
    }


def test_the_add_form_proposes_and_never_saves_an_active_row(client, data_steward):
    client.force_login(data_steward)
    response = client.post(f"{POLICIES}add/", _form())
    policy = AccessPolicy.objects.get(role__name="Analyst")
    assert response.status_code == 302 and response.url == f"{POLICIES}{policy.pk}/change/"
    assert (policy.status, policy.proposed_by, policy.version) == (Status.PROPOSED, data_steward, 1)


def test_the_add_form_shows_a_refusal_and_saves_nothing(client, data_steward):
    client.force_login(data_steward)
    response = client.post(f"{POLICIES}add/", _form(dataset=DatasetFactory().pk))
    assert response.status_code == 200
    assert "Choose a layer or one dataset, not both." in response.content.decode()
    assert not AccessPolicy.objects.filter(role__name="Analyst").exists()


def test_an_active_policy_is_read_only_and_change_proposes_a_new_version(
    client, data_steward, compliance_officer
):
    active = _active(data_steward, compliance_officer)
    client.force_login(data_steward)
    page = client.get(f"{POLICIES}{active.pk}/change/").content.decode()
    assert f"add/?supersedes={active.pk}" in page and 'name="_save"' not in page

    assert client.post(f"{POLICIES}{active.pk}/change/", _form(clearance=level("L4").pk)).status_code == 403
    assert _snapshot(active)[0] == Status.ACTIVE and active.clearance.code == "L2"

    form = client.get(f"{POLICIES}add/?supersedes={active.pk}").context["adminform"].form
    assert set(form.fields) == {"clearance", "row_filter", "requires_grant", "reason"}
    response = client.post(
        f"{POLICIES}add/?supersedes={active.pk}",
        {"clearance": level("L1").pk, "row_filter": "none", "reason": "Totals only"},
    )
    new = AccessPolicy.objects.get(supersedes=active)
    assert response.status_code == 302
    assert (new.version, new.status, new.role, new.layer, new.clearance.code) == (
        2,
        Status.PROPOSED,
        active.role,
        "mart",
        "L1",
    )


def test_the_approver_sees_approve_and_the_proposer_only_withdraw(client, data_steward, compliance_officer):
    policy = _propose(data_steward)
    client.force_login(compliance_officer)
    decisions = client.get(f"{POLICIES}{policy.pk}/change/").context["decisions"]
    assert [label for _, label, _ in decisions] == ["Approve", "Reject"]
    client.force_login(data_steward)
    decisions = client.get(f"{POLICIES}{policy.pk}/change/").context["decisions"]
    assert [label for _, label, _ in decisions] == ["Withdraw"]


def test_buttons_approve_twice_for_l4_with_messages(client, data_steward, compliance_officer, second_officer):
    policy = _propose(data_steward, clearance="L4")
    decide = f"{POLICIES}{policy.pk}/decide/approve/"
    client.force_login(compliance_officer)
    page = client.get(f"{POLICIES}{policy.pk}/change/").content.decode()
    assert "Two approvers other than the proposer, because it lets Analyst read L4" in page

    response = client.post(decide, {"note": ""}, follow=True)
    assert "it is now awaiting second approval" in response.content.decode()
    response = client.post(decide, follow=True)  # the same person again: refused, shown, unchanged
    assert "the second must come from a third person" in response.content.decode()
    assert _snapshot(policy)[:3] == (Status.PROPOSED, compliance_officer.pk, None)

    client.force_login(second_officer)
    decisions = client.get(f"{POLICIES}{policy.pk}/change/").context["decisions"]
    assert decisions[0][1] == "Second approval"
    client.post(decide)
    assert _snapshot(policy)[0] == Status.ACTIVE


def test_decisions_are_post_only(client, data_steward, compliance_officer):
    policy = _propose(data_steward)
    client.force_login(compliance_officer)
    assert client.get(f"{POLICIES}{policy.pk}/decide/approve/").status_code == 405
    assert client.post(f"{POLICIES}{policy.pk}/decide/delete/").status_code == 404
    assert _snapshot(policy)[0] == Status.PROPOSED


def test_retire_button_with_reason(client, data_steward, compliance_officer):
    active = _active(data_steward, compliance_officer)
    client.force_login(compliance_officer)
    client.post(f"{POLICIES}{active.pk}/decide/retire/", {"note": "Quarterly review"})
    active.refresh_from_db()
    assert (active.status, active.decided_note) == (Status.RETIRED, "Quarterly review")


def test_the_list_shows_names_labels_and_every_version(client, data_steward, compliance_officer):
    first = _active(data_steward, compliance_officer)
    _propose(data_steward, supersedes=first, clearance="L1")
    client.force_login(compliance_officer)
    page = client.get(POLICIES).content.decode()
    assert "Test Dana" in page and "Test Carla" in page and "Mart layer" in page
    assert "Awaiting approval" in page and ">dana<" not in page

    rows = client.get(f"{POLICIES}?status__exact=active&role__id__exact={first.role_id}").context["cl"]
    assert [p.version for p in rows.result_list] == [1]
    history = client.get(f"{POLICIES}{first.pk}/change/").content.decode()
    assert ">v1<" in history and ">v2<" in history


def test_policy_list_queries_stay_flat(
    client, data_steward, compliance_officer, django_assert_max_num_queries
):
    def grow(n):
        for _ in range(n):
            _propose(data_steward, dataset=DatasetFactory(layer="mart"), layer="")

    client.force_login(compliance_officer)
    grow(3)
    with django_assert_max_num_queries(20) as small:
        client.get(POLICIES)
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(POLICIES).context["cl"].result_list) == 15 + 5  # and the defaults


def test_roles_outside_data_work_do_not_see_policies(client, executive):
    client.force_login(executive)
    assert client.get(POLICIES).status_code == 403


def test_stewards_edit_masking_and_tenant_keys_and_the_trail_keeps_it(client, data_steward):
    masking = LevelMasking.objects.update_or_create(classification=level("L3"), defaults={"method": "hash"})[
        0
    ]
    client.force_login(data_steward)
    url = f"/admin/warehouse_reads/levelmasking/{masking.pk}/change/"
    assert client.post(url, {"classification": level("L3").pk, "method": "partial"}).status_code == 302
    entry = AuditEntry.objects.get_for_object(masking).latest("timestamp")
    assert (entry.actor, entry.changes_dict["method"]) == (data_steward, ["hash", "partial"])

    org = OrganizationFactory(name="Northwind Pharma")
    response = client.post("/admin/warehouse_reads/tenantkey/add/", {"organization": org.pk, "tenant_id": 7})
    assert response.status_code == 302
    assert TenantKey.objects.get().tenant_id == 7
    assert (
        client.post(f"/admin/warehouse_reads/tenantkey/{TenantKey.objects.get().pk}/delete/").status_code
        == 403
    )
