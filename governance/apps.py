from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from auditlog.registry import auditlog

        from governance import models

        auditlog.register(models.Framework)
        auditlog.register(models.Criterion)
        auditlog.register(models.Control)
        auditlog.register(models.ControlMapping)
        auditlog.register(models.Evidence)
        auditlog.register(models.ControlTest)
        auditlog.register(models.ControlTestSample)
