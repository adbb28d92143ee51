"""Roles are groups holding exactly the model permissions each job needs.

`ROLE_PERMISSIONS` is the intended state; migrations put it in place (each app's migration
grants its own models' permissions through `grant_role_permissions`), and a test checks that
the database and this table agree. Auditors and customer viewers hold no model permission:
what they may see is granted object by object (django-guardian) for a limited time.
"""

COMPLIANCE_OFFICER = "Compliance officer"
DATA_STEWARD = "Data steward"
SUBMISSION_MANAGER = "Submission manager"
AUDITOR = "Auditor"
EXECUTIVE = "Executive"
CUSTOMER_VIEWER = "Customer viewer"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    COMPLIANCE_OFFICER: {
        "accounts.view_organization",
        "accounts.view_user",
        "accounts.view_accessevent",
        "accounts.view_apitoken",
        "auditlog.view_logentry",
        "catalog.view_system",
        "governance.view_framework",
        "governance.change_framework",
        "warehouse.view_jobrun",
        "warehouse.view_warehousemodel",
        "submissions.view_application",
        "reporting.view_dashboard",
    },
    DATA_STEWARD: {
        "accounts.view_organization",
        "catalog.view_system",
        "catalog.add_system",
        "catalog.change_system",
        "warehouse.view_jobrun",
        "warehouse.run_jobrun",
        "warehouse.view_warehousemodel",
    },
    SUBMISSION_MANAGER: {
        "accounts.view_organization",
        "governance.view_framework",
        "submissions.view_application",
        "submissions.add_application",
        "submissions.change_application",
    },
    AUDITOR: set(),
    EXECUTIVE: {
        "accounts.view_organization",
        "reporting.view_dashboard",
    },
    CUSTOMER_VIEWER: set(),
}

# Roles whose members work in the Django admin; auditors and customers use the portal only.
STAFF_ROLES = {COMPLIANCE_OFFICER, DATA_STEWARD, SUBMISSION_MANAGER, EXECUTIVE}


def grant_role_permissions(apps, app_label: str) -> None:
    """Migration helper: create the role groups and give them `app_label`'s permissions.

    Permissions are normally created after all migrations ran; they are created here first so
    that a fresh database gets its roles in the same `migrate`.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [p.split(".", 1)[1] for p in perms if p.split(".", 1)[0] == app_label]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
