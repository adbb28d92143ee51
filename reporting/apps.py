from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.audit import register
        from reporting.models import SavedReport

        register(SavedReport, m2m_fields={"shared_with_roles", "shared_with_organizations"})

        from reporting import checks  # noqa: F401 - registers the metric layer's system check
        from reporting.freshness import run_finished
        from reporting.schedules import admin as schedules_admin  # noqa: F401 - registers its admin pages
        from warehouse.models import JobRun

        # Cache glue, not business flow (docs/reporting.md): a finished run retires the freshness answer.
        post_save.connect(run_finished, sender=JobRun, dispatch_uid="reporting.freshness.run_finished")
