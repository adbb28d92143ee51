"""Quarterly warehouse access reviews: snapshot, decisions, Part 11 sign-off, admin pages."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import roles
from accounts.signatures import SignatureRejected, signatures_for
from accounts.tests.factories import PASSWORD
from governance.access.reviews import access_review_decide, access_review_open, access_review_sign
from governance.models import AccessReview, AccessReviewItem
from governance.tests.access_helpers import policy, read, warehouse_table
from governance.tests.capa_helpers import request_for
from warehouse.reads.models import AccessPolicy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_default_policies")]

NOW = datetime(2027, 4, 2, 12, tzinfo=UTC)


@pytest.fixture
def owned(data_steward, executive, customer_viewer):
    """The steward owns one mart; executives and customers reach it, stewards reach everything."""
    mine = warehouse_table("marts.mart_usage", owner=data_steward, columns={"tenant_id": "L1", "email": "L3"})
    warehouse_table("curated.fact_orders", layer="curated")
    policies = {
        "exec": policy(roles.EXECUTIVE, layer="mart"),
        "customer": policy(roles.CUSTOMER_VIEWER, layer="mart", row_filter="own_organization"),
        "steward_curated": policy(roles.DATA_STEWARD, layer="curated"),
    }
    read(executive, "marts.mart_usage", datetime(2027, 3, 20, tzinfo=UTC), roles=[roles.EXECUTIVE])
    return mine, policies


def open_review(owner):
    return access_review_open(quarter="2027-Q2", owner=owner)


def decide_all(review, owner, decision="keep"):
    for item in review.policy_items.all():
        access_review_decide(item=item, decision=decision, note="not needed any more", actor=owner)


@time_machine.travel(NOW, tick=False)
def test_opening_snapshots_the_policies_reaching_the_owners_tables(owned, data_steward, executive):
    review = open_review(data_steward)

    items = {i.role: i for i in review.policy_items.all()}
    assert set(items) == {roles.EXECUTIVE, roles.CUSTOMER_VIEWER}  # the curated policy misses her table
    assert items[roles.EXECUTIVE].members == [executive.get_full_name()]
    assert items[roles.EXECUTIVE].last_used_at == datetime(2027, 3, 20, tzinfo=UTC)
    assert items[roles.CUSTOMER_VIEWER].last_used_at is None
    assert items[roles.CUSTOMER_VIEWER].row_filter == "Rows of the reader's own organisation"
    assert (items[roles.EXECUTIVE].scope, items[roles.EXECUTIVE].clearance) == ("layer Mart", "L2")


def test_opening_twice_returns_the_same_review_unchanged(owned, data_steward):
    first = open_review(data_steward)
    policy(roles.EXECUTIVE, dataset=owned[0])  # a new policy after opening is not added

    again = open_review(data_steward)
    assert again.pk == first.pk and again.policy_items.count() == 2


def test_a_malformed_quarter_is_refused(owned, data_steward):
    with pytest.raises(ValidationError, match="2027-Q1"):
        access_review_open(quarter="2027-5", owner=data_steward)
    assert not AccessReview.objects.exists()


@time_machine.travel(date(2027, 4, 1), tick=False)
def test_the_command_opens_this_quarters_review_for_every_data_owner(owned, data_steward, capsys):
    call_command("access_reviews_open")
    call_command("access_reviews_open")

    assert list(AccessReview.objects.values_list("quarter", "owner")) == [("2027-Q2", data_steward.pk)]
    assert "1 data owner(s)" in capsys.readouterr().out


def test_only_the_owner_decides_and_a_revoke_needs_a_reason(owned, data_steward, compliance_officer):
    item = open_review(data_steward).policy_items.first()

    with pytest.raises(PermissionDenied):
        access_review_decide(item=item, decision="keep", actor=compliance_officer)
    with pytest.raises(ValidationError, match="why"):
        access_review_decide(item=item, decision="revoke", note=" ", actor=data_steward)
    item.refresh_from_db()
    assert item.decision == AccessReviewItem.Decision.PENDING


def test_sign_off_waits_for_every_decision(owned, data_steward):
    review = open_review(data_steward)
    access_review_decide(item=review.policy_items.first(), decision="keep", actor=data_steward)

    with pytest.raises(ValidationError, match="1 item"):
        access_review_sign(
            review=review, signer=data_steward, password=PASSWORD, request=request_for(data_steward)
        )


def test_a_wrong_password_signs_nothing_and_changes_nothing(owned, data_steward):
    review = open_review(data_steward)
    decide_all(review, data_steward, "revoke")

    with pytest.raises(SignatureRejected):
        access_review_sign(
            review=review, signer=data_steward, password="wrong", request=request_for(data_steward)
        )
    review.refresh_from_db()
    assert review.status == AccessReview.Status.OPEN and signatures_for(review) == []
    assert set(review.policy_items.values_list("outcome", flat=True)) == {""}


def test_signing_off_is_an_approval_signature_and_makes_the_review_read_only(owned, data_steward):
    review = open_review(data_steward)
    decide_all(review, data_steward, "revoke")

    signed = access_review_sign(
        review=review, signer=data_steward, password=PASSWORD, request=request_for(data_steward)
    )

    assert signed.status == AccessReview.Status.SIGNED
    [(signature, status)] = signatures_for(signed)
    assert signature.meaning == "approval" and status.valid
    outcomes = set(signed.policy_items.values_list("outcome", flat=True))
    # Without warehouse's retirement service the decision is recorded and says what is left to do.
    assert all(o.startswith(("Revocation recorded", "Policy retired")) for o in outcomes)
    with pytest.raises(ValidationError, match="signed off"):
        access_review_decide(item=signed.policy_items.first(), decision="keep", actor=data_steward)


def test_revoked_policies_are_retired_at_sign_off_when_the_service_exists(owned, data_steward):
    pytest.importorskip("warehouse.reads.policy_services")
    review = open_review(data_steward)
    decide_all(review, data_steward, "revoke")
    access_review_sign(
        review=review, signer=data_steward, password=PASSWORD, request=request_for(data_steward)
    )

    assert not AccessPolicy.objects.filter(pk=owned[1]["exec"].pk, status="active").exists()


# --- admin pages ---


def test_review_list_and_page_show_names_and_counts(
    owned, data_steward, client, django_assert_max_num_queries
):
    open_review(data_steward)
    client.force_login(data_steward)

    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:governance_accessreview_changelist"))
    assert data_steward.get_full_name() in page.text and "2027-Q2" in page.text

    review = AccessReview.objects.get()
    page = client.get(reverse("admin:governance_accessreview_change", args=[review.pk]))
    assert "layer Mart" in page.text and "Cannot sign yet: 2 item(s) have no decision yet." in page.text


def test_the_owner_decides_inline_and_signs_in_the_admin(owned, data_steward, client):
    review = open_review(data_steward)
    items = list(review.policy_items.order_by("pk"))
    client.force_login(data_steward)
    form = {
        "policy_items-TOTAL_FORMS": 2, "policy_items-INITIAL_FORMS": 2,
        "signatures-accounts-signature-content_type-object_pk-TOTAL_FORMS": 0,
        "signatures-accounts-signature-content_type-object_pk-INITIAL_FORMS": 0,
    }  # fmt: skip
    for n, item in enumerate(items):
        form.update(
            {
                f"policy_items-{n}-id": item.pk,
                f"policy_items-{n}-review": review.pk,
                f"policy_items-{n}-decision": "keep",
            }
        )
    change = reverse("admin:governance_accessreview_change", args=[review.pk])
    assert client.post(change, form).status_code == 302
    assert set(review.policy_items.values_list("decision", flat=True)) == {"keep"}

    sign = reverse("admin:governance_accessreview_sign", args=[review.pk])
    assert "Signing as" in client.get(sign).text
    assert client.post(sign, {"password": PASSWORD, "comment": "Q2 done"}).status_code == 302
    review.refresh_from_db()
    assert review.is_signed


def test_someone_else_cannot_open_the_sign_page(owned, data_steward, compliance_officer, client):
    review = open_review(data_steward)
    client.force_login(compliance_officer)
    assert client.get(reverse("admin:governance_accessreview_sign", args=[review.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_drift_and_unused_pages_and_their_csv(owned, data_steward, client):
    warehouse_table("marts.mart_gaps", columns={"notes": None})
    client.force_login(data_steward)

    drift = client.get(reverse("admin:governance_access_drift"))
    assert "no classification in the catalog" in drift.text
    csv_lines = (
        client.get(reverse("admin:governance_access_drift") + "?format=csv").content.decode().splitlines()
    )
    assert csv_lines[0].startswith("kind,table,column") and "gap,marts.mart_gaps,notes" in csv_lines[1]

    unused = client.get(reverse("admin:governance_access_unused") + "?format=csv").content.decode()
    assert "Customer viewer,layer Mart" in unused and "Executive,layer Mart" not in unused


def test_people_without_the_permission_see_no_reports(owned, submission_manager, client):
    client.force_login(submission_manager)
    assert client.get(reverse("admin:governance_access_drift")).status_code == 403
