from celery import shared_task
from django.conf import settings

from accounts.services import user_deactivate_dormant


@shared_task
def deactivate_dormant_users(days: int | None = None) -> int:
    """Deactivate accounts unused for `days` (SOC 2 CC6.2: remove access nobody uses)."""
    return user_deactivate_dormant(days=days or settings.DORMANT_ACCOUNT_DAYS)
