"""Compliance officers build reports from the metric layer (issue 18): they read the marts, L3/L4
masked, like executives. A new default policy, version 1 of its role and scope; installations
that already made one for that role and layer keep theirs."""

from django.db import migrations
from django.utils import timezone

from accounts import roles


def add_policy(apps, schema_editor):
    Classification = apps.get_model("catalog", "Classification")
    Group = apps.get_model("auth", "Group")
    AccessPolicy = apps.get_model("warehouse_reads", "AccessPolicy")
    group, _ = Group.objects.get_or_create(name=roles.COMPLIANCE_OFFICER)
    if AccessPolicy.objects.filter(role=group, layer="mart", dataset=None).exists():
        return
    now = timezone.now()
    AccessPolicy.objects.create(
        role=group,
        layer="mart",
        dataset=None,
        version=1,
        clearance=Classification.objects.get(code="L2"),
        row_filter="none",
        requires_grant=False,
        reason="Compliance officers build reports and schedules from the marts; L3/L4 stay masked.",
        status="active",
        proposed_at=now,
        approved_at=now,
        decided_note="Default policy installed with the application.",
    )


class Migration(migrations.Migration):
    dependencies = [("warehouse_reads", "0003_role_permissions")]

    operations = [migrations.RunPython(add_policy, migrations.RunPython.noop)]
