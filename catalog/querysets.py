from django.db import models


class CatalogQuerySet(models.QuerySet):
    """The one permission-aware read for catalog models.

    Catalog metadata is internal: holders of the model permission (data stewards, compliance
    officers) see every row; anyone else sees none. Auditors and customers reach catalog facts
    through portal grants, never through these querysets.
    """

    def visible_to(self, user, action: str = "view"):
        opts = self.model._meta
        if user.is_authenticated and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self
        return self.none()


CatalogManager = models.Manager.from_queryset(CatalogQuerySet)
