from django.db import models


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Every tenant for holders of the model permission, none for anyone else.

        Customers and auditors reach tenant data through object grants in the portal, not here.
        """
        if user.is_authenticated and user.has_perm(f"accounts.{action}_organization"):
            return self
        return self.none()
