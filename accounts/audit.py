"""Who is acting: the actor that django-auditlog writes on every change.

The request middleware sets it for web and API requests; `acting_as` sets it for Celery tasks
(portal/celery.py) and management commands (accounts.commands.AuditedCommand). Work that
nobody in particular asked for is attributed to the inactive system account.
"""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model


def current_actor():
    """The user the next audit entry would be attributed to, or None."""
    actor = auditlog_value.get({}).get("actor")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


@contextmanager
def restoring_actor():
    """auditlog leaves its context set after a block ends; put back what was there before."""
    outer = auditlog_value.get(None)
    try:
        yield
    finally:
        auditlog_value.set(outer if outer is not None else {})


@contextmanager
def acting_as(user, remote_addr=None):
    """Attribute every audited change inside the block to `user`; restores the outer actor."""
    with restoring_actor(), set_actor(user, remote_addr=remote_addr):
        yield


def system_user():
    """The account automated work runs as. It cannot log in: inactive, no usable password."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=settings.SYSTEM_ACTOR_USERNAME,
        defaults={"first_name": "Custodian", "last_name": "system", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def actor_for_id(user_id):
    if user_id is None:
        return system_user()
    return get_user_model().objects.filter(pk=user_id).first() or system_user()


def register_audited_models() -> None:
    from accounts.models import ApiToken, Organization, User

    auditlog.register(Organization)
    auditlog.register(User, exclude_fields=["password", "last_login"])
    auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
