"""Demo warehouse access reviews: the marts owned by the executive, the other layers by the data
steward, and this quarter's review opened for each (the steward has kept the first items)."""

from django.contrib.auth import get_user_model

from catalog.models import Dataset
from catalog.services.datasets import dataset_update
from governance.access.reviews import access_review_decide, access_reviews_open_due
from governance.models import AccessReviewItem
from warehouse.reads.catalog_lookup import live_warehouse_datasets


def seed_access_reviews() -> str:
    users = get_user_model().objects.in_bulk(["executive", "steward"], field_name="username")
    if len(users) < 2:
        return "no demo owners"
    for dataset in live_warehouse_datasets().filter(owner=None):
        owner = users["executive"] if dataset.layer == Dataset.Layer.MART else users["steward"]
        dataset_update(dataset=dataset, actor=users["steward"], owner=owner)
    reviews = access_reviews_open_due()
    steward_review = next((r for r in reviews if r.owner_id == users["steward"].pk), None)
    if steward_review is not None and not steward_review.policy_items.exclude(decision="").exists():
        for item in steward_review.policy_items.order_by("pk")[:2]:
            access_review_decide(
                item=item,
                decision=AccessReviewItem.Decision.KEEP,
                note="Still needed.",
                actor=users["steward"],
            )
    return f"{len(reviews)} access reviews open this quarter"
