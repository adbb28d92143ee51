"""Default warehouse access (docs/warehouse-access.md): masking per level, the four role policies,
and the app's permissions for the roles (accounts.roles.ROLE_PERMISSIONS)."""

from django.db import migrations
from django.utils import timezone

from accounts import roles
from accounts.roles import grant_role_permissions

MASKING = {"L3": "hash", "L4": "null"}
# (role, layer ("" = every layer), clearance, row filter, requires grant, reason)
POLICIES = [
    (roles.EXECUTIVE, "mart", "L2", "none", False, "Executives read the marts behind the dashboards."),
    (roles.DATA_STEWARD, "", "L2", "none", False, "Stewards look after every layer; L3/L4 stay masked."),
    (
        roles.CUSTOMER_VIEWER,
        "mart",
        "L2",
        "own_organization",
        False,
        "Customers read the marts, limited to their own organisation's rows.",
    ),
    (
        roles.AUDITOR,
        "",
        "L2",
        "none",
        True,
        "Auditors read only the datasets their engagement's grant lists.",
    ),
]


def defaults(apps, schema_editor):
    Classification = apps.get_model("catalog", "Classification")
    Group = apps.get_model("auth", "Group")
    LevelMasking = apps.get_model("warehouse_reads", "LevelMasking")
    AccessPolicy = apps.get_model("warehouse_reads", "AccessPolicy")
    levels = {c.code: c for c in Classification.objects.all()}
    for code, method in MASKING.items():
        LevelMasking.objects.get_or_create(classification=levels[code], defaults={"method": method})
    now = timezone.now()
    for role, layer, clearance, row_filter, requires_grant, reason in POLICIES:
        group, _ = Group.objects.get_or_create(name=role)
        AccessPolicy.objects.get_or_create(
            role=group,
            layer=layer,
            dataset=None,
            version=1,
            defaults={
                "clearance": levels[clearance],
                "row_filter": row_filter,
                "requires_grant": requires_grant,
                "reason": reason,
                "status": "active",
                "proposed_at": now,
                "approved_at": now,
                "decided_note": "Default policy installed with the application.",
            },
        )


def grant(apps, schema_editor):
    grant_role_permissions(apps, "warehouse_reads")


class Migration(migrations.Migration):
    dependencies = [("warehouse_reads", "0001_initial"), ("catalog", "0004_classifications_and_roles")]

    operations = [
        migrations.RunPython(defaults, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
