"""Where a person lands after signing in: the dashboard of the first role they hold, in this order.

Roles with daily work come before the overview: someone both compliance officer and executive
lands on the compliance dashboard. Superusers and people without any of these roles land on the
admin index. An explicit `?next=` on the login page always wins (portal/admin_site.py).
"""

from __future__ import annotations

from django.urls import reverse

from accounts import roles

# (role, title of its dashboard, admin URL name, URL arguments)
LANDING_ORDER = (
    (roles.COMPLIANCE_OFFICER, "Compliance dashboard", "admin:reporting_dashboard", ("compliance",)),
    (roles.DATA_STEWARD, "Data health", "admin:reporting_dashboard", ("data-health",)),
    (roles.SUBMISSION_MANAGER, "Agency response clocks", "admin:submissions_dashboard", ()),
    (roles.EXECUTIVE, "Executive dashboard", "admin:reporting_dashboard", ("executive",)),
)


def role_dashboard(role: str) -> tuple[str, str] | None:
    """(title, URL) of the dashboard a role lands on, or None."""
    for name, title, url_name, args in LANDING_ORDER:
        if name == role:
            return title, reverse(url_name, args=args)
    return None


def landing_url(user) -> str:
    held = roles.held_roles(user) if user.is_active and user.is_staff else frozenset()
    for role, *_ in LANDING_ORDER:
        if role in held:
            return role_dashboard(role)[1]
    return reverse("admin:index")
