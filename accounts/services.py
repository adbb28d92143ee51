"""Writes for identity and access. Every write path (admin, API, commands) calls these."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from accounts.audit import acting_as, audit_event_record
from accounts.client_ip import client_ip
from accounts.models import AccessEvent, ApiToken, AuditEntry, Organization
from accounts.models.tokens import hash_token, new_raw_token

_ACCESS_ACTIONS = {
    AccessEvent.Kind.LOGIN: AuditEntry.Action.LOGIN,
    AccessEvent.Kind.LOGOUT: AuditEntry.Action.LOGOUT,
    AccessEvent.Kind.LOGIN_FAILED: AuditEntry.Action.LOGIN_FAILED,
    AccessEvent.Kind.LOCKED_OUT: AuditEntry.Action.LOCKED_OUT,
}


def access_event_record(*, kind: str, username: str, user=None, request=None) -> AccessEvent:
    """Record a login, logout, failure or lockout, and the same fact in the audit trail."""
    meta = request.META if request is not None else {}
    ip_address = client_ip(request) if request is not None else None
    if user is None and username:
        user = get_user_model().objects.filter(username__iexact=username).first()
    with transaction.atomic():
        event = AccessEvent.objects.create(
            kind=kind,
            username=username[:150],
            user=user,
            ip_address=ip_address,
            user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
            path=(request.path if request is not None else "")[:300],
        )
        audit_event_record(
            action=_ACCESS_ACTIONS[kind],
            obj=event,
            actor=user,
            data={"username": event.username, "ip_address": event.ip_address, "path": event.path},
        )
    return event


def api_token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored or shown again."""
    if not user.is_active:
        raise ValueError(f"User {user.username!r} is deactivated: it cannot hold API tokens.")
    if roles.requires_mfa(user):
        raise ValueError(
            f"User {user.username!r} signs in with a second factor (auditor or customer role): "
            "an API token would bypass it, so none is issued."
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("The expiry must lie in the future.")
    raw = new_raw_token()
    token = ApiToken(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:12], expires_at=expires_at)
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke at once: the next request with the token is refused. Revoking twice is a no-op."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def user_deactivate(*, user, actor) -> None:
    """Deactivate instead of delete: the username stays taken, its records stay attributable."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            user.is_active = False
            user.deactivated_at = timezone.now()
            user.save(update_fields=["is_active", "deactivated_at"])
            for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
                api_token_revoke(token=token, actor=actor)


def user_roles_validate(*, organization: Organization | None, role_names) -> None:
    """Staff roles see every tenant's governance records: only the operating organisation's
    users (`is_internal`) may hold them; a customer organisation's users hold customer roles.
    """
    staff = sorted(set(role_names) & roles.STAFF_ROLES)
    if staff and not (organization is not None and organization.is_internal):
        where = (
            f"of {organization.name}, a customer organisation" if organization else "without an organisation"
        )
        raise ValidationError(
            {
                "groups": f"{', '.join(staff)}: staff roles are for users of the operating organisation; "
                f"a user {where} may hold customer roles only."
            }
        )


def user_roles_set(*, user, organization: Organization | None, role_names, actor) -> None:
    """Put `user` in `organization` with exactly `role_names`; refused whole if not allowed."""
    role_names = set(role_names)
    groups = list(Group.objects.filter(name__in=role_names))
    unknown = role_names - {g.name for g in groups}
    if unknown:
        raise ValidationError({"groups": f"Unknown role(s): {', '.join(sorted(unknown))}."})
    user_roles_validate(organization=organization, role_names=role_names)
    with transaction.atomic(), acting_as(actor):
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.organization_id != (organization.pk if organization else None):
            user.organization = organization
            user.save(update_fields=["organization"])
        user.groups.set(groups)


def organization_update(*, organization: Organization, **fields) -> Organization:
    """Save only the fields that differ, so an unchanged update writes (and logs) nothing."""
    changed = [k for k, v in fields.items() if getattr(organization, k) != v]
    if "is_internal" in changed:
        organization_internal_validate(organization=organization, is_internal=fields["is_internal"])
    if changed:
        for key in changed:
            setattr(organization, key, fields[key])
        organization.full_clean()
        organization.save(update_fields=changed)
    return organization


def organization_internal_validate(*, organization: Organization, is_internal: bool) -> None:
    """An organisation whose users hold staff roles stays the operating organisation."""
    if is_internal or organization.pk is None:
        return
    staff = organization.users.filter(groups__name__in=roles.STAFF_ROLES).distinct()
    if staff.exists():
        names = ", ".join(staff.order_by("username").values_list("username", flat=True)[:5])
        raise ValidationError(
            {"is_internal": f"Users of this organisation hold staff roles ({names}): remove those first."}
        )


def organization_upsert(*, slug: str, **fields) -> tuple[Organization, bool]:
    """Create or update a tenant by slug."""
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        org = Organization(slug=slug, **fields)
        org.full_clean()
        org.save()
        return org, True
    return organization_update(organization=org, **fields), False


def user_deactivate_dormant(*, days: int) -> int:
    """Deactivate active accounts with no login for `days` (never logged in: since joining).

    Superusers are left to a person: locking out the last administrator by schedule helps nobody.
    Safe to re-run: an account already deactivated is not touched again.
    """
    from accounts.audit import current_actor, system_user

    cutoff = timezone.now() - timedelta(days=days)
    dormant = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )
    actor = current_actor() or system_user()
    count = 0
    for user in dormant:
        user_deactivate(user=user, actor=actor)
        count += 1
    return count
