from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Regulatory submissions"

    def ready(self):
        from auditlog.registry import auditlog

        from submissions import models

        for model in (
            models.Application,
            models.Sequence,
            models.Leaf,
            models.DocumentVersion,
            models.Correspondence,
            models.SubmissionTemplate,
        ):
            auditlog.register(model)
