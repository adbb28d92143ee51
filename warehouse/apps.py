from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "warehouse"
    verbose_name = "Warehouse"

    def ready(self):
        from auditlog.registry import auditlog

        from warehouse import checks  # noqa: F401 - registers the system checks
        from warehouse.models import JobRun

        # Who started or retried a job and how it ended; progress ticks are not history.
        auditlog.register(
            JobRun, include_fields=["job", "selection", "full_refresh", "status", "retries", "error"]
        )
