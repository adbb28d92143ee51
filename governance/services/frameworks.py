"""Load frameworks from the versioned YAML files in governance/frameworks/."""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from governance.models import Criterion, Framework

FRAMEWORK_DIR = Path(__file__).resolve().parent.parent / "frameworks"
FRAMEWORK_FIELDS = ("slug", "name", "version", "description", "file_version")
CRITERION_FIELDS = ("ref", "title", "group", "kind", "position", "is_assessable", "is_retired")
CRITERION_KEYS = {"ref", "title", "group", "kind", "assessable", "parent"}
BRACKETS = {")": "(", "]": "[", "}": "{"}


@dataclass
class LoadResult:
    framework: Framework
    created: int = 0
    updated: int = 0
    retired: int = 0


def framework_files() -> list[Path]:
    return sorted(FRAMEWORK_DIR.glob("*.yaml"))


def framework_load_file(*, path: Path) -> LoadResult:
    """Create or update one framework and its criteria from a file; idempotent.

    Rows are matched by URN, so a new file version rewords rows in place and every mapping
    to them survives. Criteria gone from the file are marked retired, never deleted.
    """
    data = _parse(path)
    with transaction.atomic():
        framework, _ = _upsert(Framework, data["urn"], _framework_values(data))
        result = LoadResult(framework)
        seen = set()
        for position, item in enumerate(data["criteria"], start=1):
            urn = f"{framework.urn}:{item['ref']}"
            seen.add(urn)
            values = _criterion_values(item, position)
            values["parent"] = _parent(framework, item.get("parent"))
            _, outcome = _upsert(Criterion, urn, {**values, "framework": framework})
            result.created += outcome == "created"
            result.updated += outcome == "updated"
        for stale in framework.criteria.exclude(urn__in=seen).filter(is_retired=False):
            stale.is_retired = True
            stale.save(update_fields=["is_retired"])
            result.retired += 1
    return result


def _parse(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path.name}: cannot read framework file: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise ValidationError(f"{path.name}: expected a mapping with a 'criteria' list.")
    missing = [k for k in ("urn", "slug", "name", "version", "file_version") if not data.get(k)]
    if missing:
        raise ValidationError(f"{path.name}: missing {', '.join(missing)}.")
    refs = [c.get("ref") for c in data["criteria"] if isinstance(c, dict)]
    if len(refs) != len(data["criteria"]) or not all(refs) or len(set(refs)) != len(refs):
        raise ValidationError(f"{path.name}: every criterion needs a unique 'ref'.")
    for item in data["criteria"]:
        _check_criterion(path, item)
    return data


def _check_criterion(path: Path, item: dict) -> None:
    """Refuse a criterion whose text did not come through YAML whole.

    In a flow mapping (`{ref: X, title: A, b}`) an unquoted comma ends the title and turns the
    rest into a key of its own, so a cut title shows up as an unexpected key; a bracket opened
    and never closed (or the reverse) shows a cut that happened inside parentheses.
    """
    where = f"{path.name}: {item['ref']}"
    unexpected = sorted(str(k) for k in item if k not in CRITERION_KEYS)
    if unexpected:
        raise ValidationError(
            f"{where}: unexpected key {', '.join(map(repr, unexpected))}; a comma in an unquoted "
            "title or group ends it in a flow mapping: quote the text."
        )
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(f"{where} needs a title (text).")
    for key in ("title", "group"):
        if key in item and not _balanced(str(item[key])):
            raise ValidationError(f"{where}: {key} {item[key]!r} has unbalanced brackets.")


def _balanced(text: str) -> bool:
    stack = []
    for char in text:
        if char in BRACKETS.values():
            stack.append(char)
        elif char in BRACKETS and (not stack or stack.pop() != BRACKETS[char]):
            return False
    return not stack


def _framework_values(data: dict) -> dict:
    values = {k: data.get(k, "") for k in FRAMEWORK_FIELDS}
    values["description"] = (values["description"] or "").strip()
    return {**values, "is_builtin": True}


def _criterion_values(item: dict, position: int) -> dict:
    kind = item.get("kind", Criterion.Kind.CRITERION)
    if kind not in Criterion.Kind.values:
        raise ValidationError(f"{item['ref']}: unknown kind {kind!r}.")
    return {
        "ref": str(item["ref"]),
        "title": item.get("title", ""),
        "group": item.get("group", ""),
        "kind": kind,
        "position": position,
        "is_assessable": bool(item.get("assessable", True)),
        "is_retired": False,
        "is_builtin": True,
    }


def _parent(framework, ref):
    if not ref:
        return None
    parent = framework.criteria.filter(ref=ref).first()
    if parent is None:
        raise ValidationError(f"Parent {ref!r} must be listed before its children.")
    return parent


def _upsert(model, urn: str, values: dict):
    """Save only what differs, so a reload of an unchanged file writes (and logs) nothing."""
    obj = model.objects.filter(urn=urn).first()
    if obj is None:
        obj = model(urn=urn, **values)
        obj.full_clean()
        obj.save()
        return obj, "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return obj, "unchanged"
    for key in changed:
        setattr(obj, key, values[key])
    obj.full_clean()
    obj.save(update_fields=[model._meta.get_field(k).attname for k in changed])
    return obj, "updated"
