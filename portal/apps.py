from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from accounts.audit import register
        from portal.celery import log_execution_mode
        from portal.embeds import checks  # noqa: F401  (registers the embed settings' checks)
        from portal.models import EmbedOrigin

        log_execution_mode()
        # Links write explicit events (portal.embeds.services); origins are plain rows, so diffs.
        register(EmbedOrigin)
