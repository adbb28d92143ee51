from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts.audit import register
        from governance import models
        from governance.penalties import overdue_penalties
        from governance.readiness import register_penalty

        auditlog.register(models.Framework)
        auditlog.register(models.Criterion)
        auditlog.register(models.Control)
        auditlog.register(models.ControlMapping)
        auditlog.register(models.Evidence)
        auditlog.register(models.ControlTest)
        auditlog.register(models.ControlTestSample)
        # Audits, findings, CAPA, deviations, training (issue 7): field history in the chained trail.
        register(models.Audit, m2m_fields={"frameworks"})
        register(models.AuditTask)
        register(models.Finding, m2m_fields={"criteria", "controls"})
        register(models.Capa)
        register(models.CapaAction)
        register(models.EffectivenessCheck)
        register(models.Deviation)
        register(models.Course)
        register(models.Curriculum, m2m_fields={"courses"})
        register(models.TrainingRecord)
        # Warehouse access reviews (issue 16): decisions and sign-off state in the trail.
        register(models.AccessReview)
        register(models.AccessReviewItem)
        # Data health: expectations, stale episodes and anomaly acknowledgements (issue 20).
        register(models.FreshnessSla)
        register(models.FreshnessIncident)
        register(models.MetricAnomaly)
        register_penalty(overdue_penalties)
        # Data quality: check definitions and SLAs are audited; results and scores are written once.
        register(models.QualityCheck)
        register(models.QualitySla)
        from governance.quality import metric_sources  # noqa: F401 - registers the mart and null-ratio metrics
        from governance.quality.gate import QualityGate
        from warehouse.hooks import register_quality_gate

        register_quality_gate(QualityGate())
