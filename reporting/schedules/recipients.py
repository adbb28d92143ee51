"""Who may receive a schedule: only people of the schedule's own organisation.

A customer schedule (`organization` set) goes only to active users of that organisation; an
internal schedule only to active staff users of our own organisation (`is_internal`). Addresses
must be the e-mail of such a user. Everything else is refused, with the reason, and never sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from accounts.models import Organization, User


@dataclass
class Recipients:
    users: list[User] = field(default_factory=list)  # accepted, each with an e-mail address
    refused: list[dict] = field(default_factory=list)  # {"recipient": ..., "reason": ...}

    @property
    def addresses(self) -> list[str]:
        return sorted({user.email.lower() for user in self.users})

    def refuse(self, recipient: str, reason: str) -> None:
        self.refused.append({"recipient": recipient, "reason": reason})


def parse_addresses(text: str) -> list[str]:
    """One address a line (commas and semicolons also separate); blanks dropped, order kept."""
    found = []
    for part in text.replace(",", "\n").replace(";", "\n").splitlines():
        address = part.strip()
        if address and address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found


def recipients_resolve(*, organization: Organization | None, users, roles, addresses: str) -> Recipients:
    """The accepted users and the refused recipients of a schedule, in three queries at most."""
    result = Recipients()
    accepted: dict[int, User] = {}
    for user in users:
        _consider(result, accepted, user, organization, str(user))
    role_ids = [role.pk for role in roles]
    if role_ids:
        members = User.objects.filter(groups__in=role_ids, is_active=True).select_related("organization")
        for user in members.distinct():
            _consider(result, accepted, user, organization, str(user), silent_if_foreign=True)
    _resolve_addresses(result, accepted, organization, parse_addresses(addresses))
    result.users = sorted(accepted.values(), key=lambda u: u.email.lower())
    return result


def recipients_check(*, organization, users, roles, addresses: str) -> Recipients:
    """Like `recipients_resolve`, but a refused recipient or none at all is a ValidationError."""
    result = recipients_resolve(organization=organization, users=users, roles=roles, addresses=addresses)
    if result.refused:
        raise ValidationError(
            [f"{item['recipient']}: {item['reason']}" for item in result.refused], code="recipient_refused"
        )
    if not result.users:
        raise ValidationError(
            "Nobody would receive this schedule: add a user, a role with active members, or an address.",
            code="no_recipient",
        )
    return result


def _consider(result, accepted, user, organization, label, *, silent_if_foreign=False) -> None:
    reason = refusal_reason(user, organization)
    if reason and silent_if_foreign:
        # A role is shared across organisations: its members elsewhere are simply not recipients.
        return
    if reason:
        result.refuse(label, reason)
    else:
        accepted[user.pk] = user


def refusal_reason(user: User, organization: Organization | None) -> str:
    """Why `user` may not receive a schedule of `organization` (None: internal), or ""."""
    if not user.is_active:
        return "the account is deactivated"
    if not user.email:
        return "the account has no e-mail address"
    if organization is not None:
        if user.organization_id != organization.pk:
            return f"not a member of {organization}"
        return ""
    if not (user.is_staff and user.organization is not None and user.organization.is_internal):
        return "internal reports go only to staff of our own organisation"
    return ""


def _resolve_addresses(result, accepted, organization, addresses: list[str]) -> None:
    valid = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            result.refuse(address, "not an e-mail address")
        else:
            valid.append(address)
    if not valid:
        return
    owners = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[a.lower() for a in valid])
        .select_related("organization")
    }
    for address in valid:
        user = owners.get(address.lower())
        if user is None:
            result.refuse(address, "not the e-mail address of any user of this organisation")
            continue
        _consider(result, accepted, user, organization, address)
