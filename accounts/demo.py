"""Demo tenants and one user per role, for `manage.py seed_demo`. Never used in production."""

import base64
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest

from accounts import roles
from accounts.audit import system_user
from accounts.services import organization_upsert, user_roles_set

ORGANIZATIONS = [
    dict(
        slug="custodian-labs",
        name="Custodian Labs",
        tier="enterprise",
        icp_segment="lab",
        region="na",
        data_residency="us",
        is_internal=True,
    ),
    dict(
        slug="helix-pharma",
        name="Helix Pharma",
        tier="professional",
        icp_segment="pharma",
        region="na",
        data_residency="us",
    ),
    dict(
        slug="northwind-biologics",
        name="Northwind Biologics",
        tier="enterprise",
        icp_segment="biotech",
        region="eu",
        data_residency="eu",
    ),
    dict(
        slug="meridian-devices",
        name="Meridian Devices",
        tier="starter",
        icp_segment="medtech",
        region="uk",
        data_residency="uk",
    ),
    dict(
        slug="apex-clinical",
        name="Apex Clinical CRO",
        tier="enterprise",
        icp_segment="cro_cdmo",
        region="apac",
        data_residency="any",
    ),
]

# username, full name, role, organisation slug (None: an external audit firm's employee)
USERS = [
    ("compliance", "Carla Compliance", roles.COMPLIANCE_OFFICER, "custodian-labs"),
    ("steward", "Dana Steward", roles.DATA_STEWARD, "custodian-labs"),
    ("submissions", "Sam Submissions", roles.SUBMISSION_MANAGER, "custodian-labs"),
    ("auditor", "Avery Auditor", roles.AUDITOR, None),
    ("executive", "Eve Executive", roles.EXECUTIVE, "custodian-labs"),
    ("customer", "Chris Customer", roles.CUSTOMER_VIEWER, "helix-pharma"),
]


def demo_password(username: str) -> str:
    """A password derived from this machine's SECRET_KEY: printable again, never in git."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo:{username}".encode(), hashlib.sha256)
    return "Demo-" + base64.b32encode(digest.digest())[:12].decode().lower() + "-7"


def demo_signing_request(user) -> HttpRequest:
    """The request a demo signature is made in: the signer re-enters their demo password."""
    request = HttpRequest()
    request.method, request.path = "POST", "/admin/"
    request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="seed_demo")
    request.user = user
    return request


@transaction.atomic
def seed_accounts() -> list[tuple[str, str, str]]:
    """Create what is missing and leave what exists alone. Returns (username, role, password)."""
    orgs = {spec["slug"]: organization_upsert(**spec)[0] for spec in ORGANIZATIONS}
    User = get_user_model()
    created = []
    for username, full_name, role, org_slug in USERS:
        first, last = full_name.split(" ", 1)
        user, is_new = User.objects.get_or_create(
            username=username,
            defaults=dict(
                first_name=first,
                last_name=last,
                email=f"{username}@demo.custodian.invalid",
                organization=orgs.get(org_slug),
                is_staff=role in roles.STAFF_ROLES,
            ),
        )
        if is_new:
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
            user_roles_set(user=user, organization=user.organization, role_names=[role], actor=system_user())
        created.append((username, role, demo_password(username)))
    return created
