"""System checks for the embed settings, so a bad value fails at start, not when a link is made."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def embed_settings_check(app_configs, **kwargs):
    errors = []
    if not 1 <= settings.EMBED_LINK_MAX_DAYS <= 366:
        errors.append(
            checks.Error(
                f"EMBED_LINK_MAX_DAYS is {settings.EMBED_LINK_MAX_DAYS}: a link must be able to live "
                "at least a day and no more than a year.",
                hint="Set EMBED_LINK_MAX_DAYS between 1 and 366 (90 by default).",
                id="portal.E101",
            )
        )
    if settings.PRODUCTION and settings.EMBED_ALLOW_HTTP_LOOPBACK:
        errors.append(
            checks.Error(
                "EMBED_ALLOW_HTTP_LOOPBACK is on in production: plain-http loopback origins could be "
                "saved as allowed embedding origins.",
                hint="Unset EMBED_ALLOW_HTTP_LOOPBACK; it exists for tests and local trials.",
                id="portal.E102",
            )
        )
    return errors
