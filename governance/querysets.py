from django.db import models


class VisibleQuerySet(models.QuerySet):
    """`visible_to(user, action)`: everything for holders of the model permission, else nothing.

    Auditors hold no governance permission by role; their time-limited object grants arrive
    with the audits issue and will widen this method, not bypass it.
    """

    def visible_to(self, user, action: str = "view"):
        opts = self.model._meta
        if user.is_authenticated and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self
        return self.none()
