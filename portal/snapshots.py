"""Reading a frozen snapshot folder: auditors see what it froze, never the live rows."""

import json
from functools import lru_cache
from pathlib import Path

from governance.models import Snapshot


@lru_cache(maxsize=64)
def _index(path: str, manifest_sha256: str) -> dict:
    # Keyed by the manifest hash too: a snapshot folder never changes once sealed.
    try:
        return json.loads((Path(path) / "index.json").read_text())
    except (OSError, ValueError):
        return {"controls": [], "evidence": [], "unreadable": True}


def snapshot_index(snapshot: Snapshot) -> dict:
    """The snapshot's index.json (framework, controls with criteria, evidence metadata)."""
    return _index(snapshot.path, snapshot.manifest_sha256)


def snapshot_evidence_ids(snapshot: Snapshot) -> list[int]:
    return [item["id"] for item in snapshot_index(snapshot)["evidence"]]


def snapshot_control_refs(snapshot: Snapshot) -> list[str]:
    return [control["ref"] for control in snapshot_index(snapshot)["controls"]]
