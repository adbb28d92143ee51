"""Reads: the dossier as it stands after a sequence, and what a sequence still lacks."""

from submissions.models import Leaf, Sequence


def dossier_current_view(*, application, up_to: int | None = None) -> list[Leaf]:
    """The leaves in force after sequence `up_to` (default: the latest), in CTD order.

    new adds a leaf; replace swaps its target for itself; append adds beside its target;
    delete removes its target and adds nothing.
    """
    leaves = Leaf.objects.filter(sequence__application=application).select_related("sequence", "version")
    if up_to is not None:
        leaves = leaves.filter(sequence__number__lte=up_to)
    current: dict[int, Leaf] = {}
    for leaf in leaves.order_by("sequence__number", "pk"):
        if leaf.operation in (Leaf.Operation.REPLACE, Leaf.Operation.DELETE):
            current.pop(leaf.modified_leaf_id, None)
        if leaf.operation != Leaf.Operation.DELETE:
            current[leaf.pk] = leaf
    return sorted(
        current.values(), key=lambda x: ([int(p) if p.isdigit() else p for p in x.section.split(".")], x.pk)
    )


def sequence_missing_items(sequence: Sequence) -> list[dict]:
    """The template's expected items that the sequence does not hold yet."""
    if sequence.template_id is None:
        return []
    present = {(leaf.section, leaf.form_type) for leaf in sequence.leaves.all()}
    sections = {section for section, _ in present}
    missing = []
    for item in sequence.template.items.all():
        found = (item.section, item.form_type) in present if item.form_type else item.section in sections
        if not found:
            missing.append({"section": item.section, "title": item.title, "required": item.required})
    return missing
