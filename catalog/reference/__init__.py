"""Reference data files and their loader (kept free of model imports so migrations can use it)."""

from pathlib import Path

import yaml

CLASSIFICATIONS_FILE = Path(__file__).with_name("classifications.yaml")
REQUIRED_KEYS = {"code", "urn", "level", "name", "description", "masking_required"}


def read_classifications(path: Path = CLASSIFICATIONS_FILE) -> tuple[str, list[dict]]:
    """Parse and check the YAML; raise ValueError naming the bad entry."""
    document = yaml.safe_load(Path(path).read_text())
    version = str(document.get("version") or "")
    if not version:
        raise ValueError(f"{path}: 'version' is missing.")
    levels = document.get("levels") or []
    for index, entry in enumerate(levels):
        missing = REQUIRED_KEYS - set(entry)
        if missing:
            raise ValueError(f"{path}: levels[{index}] lacks {', '.join(sorted(missing))}.")
    return version, levels


def load_classifications(model, path: Path = CLASSIFICATIONS_FILE) -> int:
    """Create or update the rows by `code`; `model` may be a historical model in a migration."""
    version, levels = read_classifications(path)
    for entry in levels:
        model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "urn": entry["urn"],
                "level": entry["level"],
                "name": entry["name"],
                "description": entry["description"],
                "masking_required": bool(entry["masking_required"]),
                "allowed_regions": list(entry.get("allowed_regions") or []),
                "minimum_retention_days": entry.get("minimum_retention_days"),
                "source_version": version,
            },
        )
    return len(levels)
