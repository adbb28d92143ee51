"""Open this quarter's warehouse access review for every data owner who has none yet."""

from django.core.management.base import BaseCommand

from governance.access.reviews import access_reviews_open_due


class Command(BaseCommand):
    help = "Open the current quarter's access review for every owner of warehouse datasets (idempotent)."

    def handle(self, *args, **options):
        reviews = access_reviews_open_due()
        for review in reviews:
            self.stdout.write(
                f"{review}: {review.policy_items.count()} item(s), {review.get_status_display().lower()}"
            )
        self.stdout.write(f"{len(reviews)} data owner(s) have a review this quarter.")
