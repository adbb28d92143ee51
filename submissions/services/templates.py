from django.db import transaction

from submissions.models import SubmissionTemplate, TemplateItem
from submissions.reference import fda_codes, sections_for, templates


def _check(row: dict) -> None:
    sections = sections_for(row["region"])
    for item in row["items"]:
        if item["section"] not in sections:
            raise ValueError(
                f"Template {row['code']}: section {item['section']} is not a {row['region']} location."
            )
        if item.get("form") and item["form"] not in fda_codes()["form_types"]:
            raise ValueError(f"Template {row['code']}: unknown form {item['form']}.")


@transaction.atomic
def templates_load() -> tuple[int, int]:
    """Create or refresh the built-in templates from templates.yaml. Returns (created, updated)."""
    created = updated = 0
    for row in templates():
        _check(row)
        fields = dict(
            name=row["name"],
            region=row["region"],
            application_types=row["application_types"],
            submission_type=row["submission_type"],
            submission_sub_type=row["submission_sub_type"],
            checklist=row.get("checklist", []),
            is_builtin=True,
        )
        template, is_new = SubmissionTemplate.objects.get_or_create(code=row["code"], defaults=fields)
        items = [
            (i["section"], i["title"], i.get("form", ""), i.get("required", True), n)
            for n, i in enumerate(row["items"])
        ]
        current = list(template.items.values_list("section", "title", "form_type", "required", "order"))
        changed = any(getattr(template, k) != v for k, v in fields.items())
        if is_new:
            created += 1
        elif changed or current != items:
            updated += 1
            # Saved, not a bulk update: a reload that changes a template reaches the audit trail.
            for key, value in fields.items():
                setattr(template, key, value)
            template.save()
        if current != items:
            template.items.all().delete()
            TemplateItem.objects.bulk_create(
                TemplateItem(template=template, section=s, title=t, form_type=f, required=r, order=o)
                for s, t, f, r, o in items
            )
    return created, updated
