"""Quarterly access reviews: open (snapshot), decide keep/revoke, sign off with re-authentication.

A revoke decision takes effect at sign-off: the policy is retired through warehouse's own
service (`warehouse.reads.policy_services.access_policy_retire`) in the same transaction as the
signature, so a refused password or a failed retirement leaves the review and the policy as
they were. Where that service is not installed the decision is recorded, and the item says so.
"""

import importlib
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Signature
from governance.access.scope import (
    active_policies,
    engine_name,
    policy_scope,
    policy_tables,
    tables_by_layer,
)
from governance.access.usage import last_reads, role_members
from governance.models import AccessReview, AccessReviewItem
from governance.services.esign import signed_change
from warehouse.reads.catalog_lookup import live_warehouse_datasets


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def owner_tables(owner) -> set[str]:
    return {
        engine_name(n) for n in live_warehouse_datasets().filter(owner=owner).values_list("name", flat=True)
    }


def _items(review: AccessReview) -> list[AccessReviewItem]:
    mine, layers, latest = owner_tables(review.owner), tables_by_layer(), last_reads()
    policies = [p for p in active_policies() if policy_tables(p, layers) & mine]
    members = role_members([p.role_id for p in policies])
    items = []
    for policy in policies:
        tables = policy_tables(policy, layers) & mine
        used = [latest[(policy.role.name, t)] for t in tables if (policy.role.name, t) in latest]
        items.append(AccessReviewItem(
            review=review, policy=policy, role=policy.role.name, scope=policy_scope(policy),
            clearance=policy.clearance.code, row_filter=policy.get_row_filter_display(),
            members=members.get(policy.role_id, []), last_used_at=max(used, default=None),
        ))  # fmt: skip
    return items


@transaction.atomic
def access_review_open(*, quarter: str, owner) -> AccessReview:
    """The owner's review of `quarter`, opened with a snapshot of the policies on their datasets.

    Idempotent: an existing review of that quarter is returned unchanged.
    """
    existing = AccessReview.objects.filter(quarter=quarter, owner=owner).first()
    if existing is not None:
        return existing
    review = AccessReview(quarter=quarter, owner=owner)
    review.full_clean()
    review.save()
    for item in _items(review):
        item.save()  # one by one: each item's creation reaches the audit trail
    return review


def data_owners():
    """Active users who own at least one current warehouse table in the catalog."""
    owner_ids = live_warehouse_datasets().exclude(owner=None).values("owner_id")
    return get_user_model().objects.filter(pk__in=owner_ids, is_active=True).order_by("pk")


def access_reviews_open_due(*, day: date | None = None) -> list[AccessReview]:
    """Open this quarter's review for every data owner who has none yet."""
    quarter = quarter_of(day or timezone.localdate())
    return [access_review_open(quarter=quarter, owner=owner) for owner in data_owners()]


def _require_open_and_owner(review: AccessReview, actor) -> None:
    if review.is_signed:
        raise ValidationError("This review is signed off and can no longer change.")
    if actor.pk != review.owner_id:
        raise PermissionDenied("Only the review's data owner decides and signs it.")


@transaction.atomic
def access_review_decide(*, item: AccessReviewItem, decision: str, note: str = "", actor) -> AccessReviewItem:
    """Record keep or revoke on one item; a revoke needs a note saying why."""
    item = AccessReviewItem.objects.select_for_update().select_related("review").get(pk=item.pk)
    _require_open_and_owner(item.review, actor)
    if decision not in (AccessReviewItem.Decision.KEEP, AccessReviewItem.Decision.REVOKE):
        raise ValidationError(f"Decide keep or revoke, not {decision!r}.")
    if decision == AccessReviewItem.Decision.REVOKE and not note.strip():
        raise ValidationError("Say why the access is revoked.")
    item.decision, item.note, item.decided_by, item.decided_at = decision, note.strip(), actor, timezone.now()
    item.full_clean()
    item.save()
    return item


def access_review_blockers(review: AccessReview) -> list[str]:
    if review.is_signed:
        return ["The review is already signed off."]
    pending = review.policy_items.filter(decision=AccessReviewItem.Decision.PENDING).count()
    return [f"{pending} item(s) have no decision yet."] if pending else []


def _policy_retire():
    """warehouse's retirement service, when installed (branch i16-policy-admin)."""
    try:
        return importlib.import_module("warehouse.reads.policy_services").access_policy_retire
    except (ImportError, AttributeError):
        return None


def _apply_revocations(review: AccessReview, signer) -> None:
    retire = _policy_retire()
    for item in review.policy_items.filter(decision=AccessReviewItem.Decision.REVOKE).select_related(
        "policy"
    ):
        if retire is None:
            item.outcome = (
                "Revocation recorded; retire the policy in Access policies (no retirement service here)."
            )
        elif item.policy.status != item.policy.Status.ACTIVE:
            item.outcome = f"The policy was already {item.policy.get_status_display().lower()}."
        elif not signer.has_perm("warehouse_reads.approve_accesspolicy"):
            item.outcome = "Revocation recorded; a policy approver must retire it (the signer may not)."
        else:
            retire(policy=item.policy, actor=signer, note=f"{review}: {item.note}")
            item.outcome = "Policy retired at sign-off."
        item.save()


def access_review_sign(
    *, review: AccessReview, signer, password: str, request, comment: str = ""
) -> AccessReview:
    """Sign the review off (approval signature, password again); revocations take effect with it."""
    _require_open_and_owner(review, signer)
    blockers = access_review_blockers(review)
    if blockers:
        raise ValidationError(blockers)

    def sign():
        locked = AccessReview.objects.select_for_update().get(pk=review.pk)
        _require_open_and_owner(locked, signer)
        _apply_revocations(locked, signer)
        locked.status, locked.signed_at = AccessReview.Status.SIGNED, timezone.now()
        locked.save()
        return locked

    signed, _ = signed_change(obj=review, change=sign, signer=signer, password=password, request=request,
                              comment=comment, meaning=Signature.Meaning.APPROVAL)  # fmt: skip
    return signed
