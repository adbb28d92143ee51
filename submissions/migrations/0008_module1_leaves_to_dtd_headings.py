"""Move documents off FDA Module 1 headings that take none in the regional DTD 3.3.

1.3, 1.4, 1.12 and 1.14 hold only sub-headings in us-regional-v3-3.dtd, so a leaf placed on them
made us-regional.xml invalid. Template items and the leaves of sequences still being prepared
(draft, in QA review) move to the heading the DTD provides for that content; each moved leaf gets
an audit-trail entry (auditlog does not see migrations). Signed-off, sent and acknowledged
sequences keep their rows: they describe the package that was signed or sent.
"""

from django.db import migrations

MOVES = {
    "1.3": "1.20",  # the IND's introductory statement and general investigational plan
    "1.4": "1.4.4",  # cross reference to previously submitted information
    "1.12": "1.12.4",  # request for comments and advice
    "1.14": "1.14.1.3",  # draft labeling text
}
OPEN_STATUSES = ["draft", "qa_review"]
UPDATE = 1  # auditlog's LogEntry.Action.UPDATE
REASON = "FDA regional DTD 3.3: the heading takes no document, only sub-headings"


def forwards(apps, schema_editor):
    TemplateItem = apps.get_model("submissions", "TemplateItem")
    Leaf = apps.get_model("submissions", "Leaf")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    leaf_type, _ = ContentType.objects.get_or_create(app_label="submissions", model="leaf")
    for item in TemplateItem.objects.filter(template__region="us", section__in=MOVES):
        item.section = MOVES[item.section]
        item.save(update_fields=["section"])
    moved = Leaf.objects.filter(
        sequence__application__region="us", sequence__status__in=OPEN_STATUSES, section__in=MOVES
    )
    for leaf in moved:
        old, leaf.section = leaf.section, MOVES[leaf.section]
        leaf.save(update_fields=["section"])
        LogEntry.objects.create(
            content_type=leaf_type,
            object_pk=str(leaf.pk),
            object_id=leaf.pk,
            object_repr=f"{leaf.section} {leaf.title} [{leaf.operation}]",
            action=UPDATE,
            changes={"section": [old, leaf.section]},
            changes_text="",
            additional_data={"reason": REASON},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0007_evidence_package_permissions"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
