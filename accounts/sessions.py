"""Sliding session expiry without a session write on every request.

`SESSION_SAVE_EVERY_REQUEST` rewrites the session row on every request to move its expiry:
one UPDATE (and a re-signed payload) per page. This middleware moves it at most once every
`SESSION_REFRESH_SECONDS` instead, so a session ends between `SESSION_COOKIE_AGE` minus that
interval and `SESSION_COOKIE_AGE` after the last request (30 min: 29 to 30 min).
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed"


def refresh_due(session, key: str, every: int) -> bool:
    """True, and `session[key]` set to now, when `session[key]` is older than `every` seconds."""
    now = time.time()
    if now - session.get(key, 0) < every:
        return False
    session[key] = now  # marks the session modified: saved (expiry moved) with this response
    return True


class ThrottledSessionRefreshMiddleware:
    """Moves a signed-in session's expiry forward, at most once every SESSION_REFRESH_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only sessions that exist and hold data (reading them loads them: an unknown or expired
        # key comes back empty), so a visitor without a session never gets one created here.
        session = request.session
        if settings.SESSION_COOKIE_NAME in request.COOKIES and session.keys() and session.session_key:
            refresh_due(session, REFRESHED_KEY, settings.SESSION_REFRESH_SECONDS)
        return self.get_response(request)
