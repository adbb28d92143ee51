import logging

from celery import shared_task
from django.conf import settings

from accounts.services import user_deactivate_dormant

logger = logging.getLogger(__name__)


@shared_task
def deactivate_dormant_users(days: int | None = None) -> int:
    """Deactivate accounts unused for `days` (SOC 2 CC6.2: remove access nobody uses)."""
    return user_deactivate_dormant(days=days or settings.DORMANT_ACCOUNT_DAYS)


@shared_task
def audit_verify() -> dict:
    """Recompute the audit trail's hash chain; a broken link is logged as an error (11.10(e))."""
    from accounts.chain import chain_verify

    report = chain_verify()
    if not report.ok:
        logger.error("Audit trail verification failed: %s", report.summary())
    return {"ok": report.ok, "checked": report.checked, "summary": report.summary()}
