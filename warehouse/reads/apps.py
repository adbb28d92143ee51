from django.apps import AppConfig


class WarehouseReadsConfig(AppConfig):
    name = "warehouse.reads"
    label = "warehouse_reads"
    verbose_name = "Warehouse access"

    def ready(self):
        from accounts.audit import register
        from warehouse.reads.models import AccessPolicy, LevelMasking, TenantKey

        # Every policy version, its approvals and retirement; how levels are masked; which
        # organisation is which tenant. The access log is not registered: it is itself the record.
        register(AccessPolicy)
        register(LevelMasking)
        register(TenantKey)
