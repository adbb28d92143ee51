"""Sign-in failures counted per client IP, in Django's cache, apart from account lockout.

django-axes locks a (username, IP) pair. This counter is the other half: one address that
fails too often is refused (429) for the rest of its window, whatever username it tries, and
no account is marked locked by it, so its owner still signs in from anywhere else.
"""

from django.conf import settings
from django.core.cache import cache


def _key(ip: str) -> str:
    return f"accounts:login-failures:{ip}"


def login_failure_count(ip: str | None) -> int:
    return cache.get(_key(ip), 0) if ip else 0


def login_failure_record(ip: str | None) -> None:
    """Count one failure; the window starts with the address's first failure."""
    if not ip:
        return
    key = _key(ip)
    if not cache.add(key, 1, timeout=settings.LOGIN_IP_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # the window closed between add and incr
            cache.add(key, 1, timeout=settings.LOGIN_IP_WINDOW_SECONDS)


def login_throttled(ip: str | None) -> bool:
    return login_failure_count(ip) >= settings.LOGIN_IP_FAILURE_LIMIT
