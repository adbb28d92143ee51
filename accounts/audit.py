"""Who is acting: the actor that django-auditlog writes on every change.

The request middleware sets it for web and API requests; `acting_as` sets it for Celery tasks
(portal/celery.py) and management commands (accounts.commands.AuditedCommand). Work that
nobody in particular asked for is attributed to the inactive system account.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.encoding import smart_str

_reason: ContextVar[str] = ContextVar("audit_reason", default="")
# Models whose changes and deletions need a reason for change (GxP records), as "app.model".
GXP_MODELS: set[str] = set()


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


def current_reason() -> str:
    return _reason.get()


@contextmanager
def change_reason(reason: str):
    """Every audit entry written inside the block carries `reason` as its reason for change."""
    token = _reason.set((reason or "").strip())
    try:
        yield
    finally:
        _reason.reset(token)


def register(model, *, gxp: bool = False, **auditlog_options) -> None:
    """Register `model` with auditlog; `gxp=True` makes a reason for change mandatory on it.

    Use it in an app's `ready()` instead of `auditlog.register`, so GxP records are listed here.
    """
    auditlog.register(model, **auditlog_options)
    if gxp:
        GXP_MODELS.add(model._meta.label_lower)


def check_reason_for_change(entry) -> None:
    """Refuse to log (and so to save) an update or deletion of a GxP record without a reason."""
    from accounts.models.trail import AuditEntry, ReasonForChangeRequired

    if entry.reason or entry.action not in (AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE):
        return
    model = entry.content_type.model_class()
    if model is not None and model._meta.label_lower in GXP_MODELS:
        raise ReasonForChangeRequired(
            f"{entry.content_type.name} is a GxP record: give a reason for the change."
        )


def audit_event_record(*, action: int, obj, actor=None, data: dict | None = None, reason: str = ""):
    """Write one explicit event (login, signature, export…) about `obj` into the audit trail."""
    from auditlog import get_logentry_model

    entry_model = get_logentry_model()
    return entry_model.objects.log_create(
        obj,
        force_log=True,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", None) or None,
        object_repr=smart_str(obj)[:1000],
        additional_data=data or None,
        reason=reason,
    )


def register_audited_models() -> None:
    from accounts.models import AccessGrant, ApiToken, Organization, User

    # Access events, signatures and exports reach the trail as explicit events, not as diffs.
    register(Organization)
    register(User, exclude_fields=["password", "last_login"])
    register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
    register(AccessGrant)
