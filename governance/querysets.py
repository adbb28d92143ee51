from django.db import models

from accounts.grants import granted


class VisibleQuerySet(models.QuerySet):
    """`visible_to(user, action)`: everything for holders of the model permission; for others,
    the rows a live, time-limited object grant opens to them (auditors: accounts/grants.py).
    """

    def visible_to(self, user, action: str = "view"):
        opts = self.model._meta
        if user.is_authenticated and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self
        return granted(self, user, action)
