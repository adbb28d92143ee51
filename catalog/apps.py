from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Data catalog"

    def ready(self):
        from auditlog.registry import auditlog

        from catalog.models import Classification, Column, Dataset, GlossaryTerm, System

        # Field history with the actor: classification and glossary status changes among them.
        auditlog.register(System)
        auditlog.register(Classification)
        auditlog.register(Dataset, exclude_fields=["updated_at", "row_count", "last_updated_at"])
        auditlog.register(Column, m2m_fields={"glossary_terms"})
        auditlog.register(GlossaryTerm, m2m_fields={"reviewers", "related_terms"})
