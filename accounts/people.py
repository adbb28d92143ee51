"""People versus machine accounts, for lists where a person is picked or shown."""

from django.conf import settings
from guardian.conf import settings as guardian_settings


def machine_usernames() -> set[str]:
    """Accounts no person signs in with: the actor automated work runs as, and guardian's
    anonymous user (it holds the permissions of signed-out visitors)."""
    return {settings.SYSTEM_ACTOR_USERNAME, guardian_settings.ANONYMOUS_USER_NAME}


def people(users):
    """`users` without the machine accounts."""
    return users.exclude(username__in=machine_usernames())


def person_name(user) -> str:
    """How a person is shown: their full name, the username only when no name is recorded."""
    return (user.get_full_name() or user.username) if user else "-"
