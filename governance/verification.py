"""Check a snapshot folder the way an auditor would: files, signature, key and chain."""

import hashlib
import json
from pathlib import Path

from governance import signing
from governance.sealed import MANIFEST, PUBLIC_KEY, SIGNATURE


def snapshot_verify(folder: Path, *, public_key_pem: bytes | None = None, previous: Path | None = None):
    """Return (checks passed, problems). Every problem names the file or link that failed.

    The signature is checked against `public_key_pem` when given (the key the auditor trusts),
    else against the key shipped in the folder, whose fingerprint is then reported.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return [], [f"{MANIFEST}: missing"]
    manifest = manifest_path.read_bytes()
    passed, problems = _check_files(folder, manifest)
    _check_signature(folder, manifest, public_key_pem, passed, problems)
    _check_chain(folder, previous, passed, problems)
    return passed, problems


def _check_files(folder: Path, manifest: bytes):
    passed, problems, listed = [], [], set()
    for number, line in enumerate(manifest.decode("utf-8", "replace").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name or name.startswith("/") or ".." in Path(name).parts:
            problems.append(f"{MANIFEST} line {number}: malformed")
            continue
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _sha256(path) != digest:
            problems.append(f"{name}: FAILED (content does not match the manifest)")
        else:
            passed.append(f"{name}: OK")
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in listed and not relative.startswith(MANIFEST):
            problems.append(f"{relative}: not in the manifest")
    return passed, problems


def _check_signature(folder, manifest, trusted_pem, passed, problems):
    sig_path, key_path = folder / SIGNATURE, folder / PUBLIC_KEY
    if not sig_path.is_file():
        problems.append(f"{SIGNATURE}: missing")
        return
    key_pem = trusted_pem or (key_path.read_bytes() if key_path.is_file() else None)
    if key_pem is None:
        problems.append(f"{PUBLIC_KEY}: missing and no trusted key given")
        return
    if signing.verify(key_pem, sig_path.read_bytes(), manifest):
        passed.append(f"{SIGNATURE}: Verified OK (key {signing.fingerprint(key_pem)})")
    else:
        problems.append(f"{SIGNATURE}: signature does not verify over {MANIFEST}")
    if (
        trusted_pem
        and key_path.is_file()
        and signing.fingerprint(key_path.read_bytes()) != signing.fingerprint(trusted_pem)
    ):
        problems.append(f"{PUBLIC_KEY}: is not the trusted evidence key")


def _check_chain(folder, previous, passed, problems):
    try:
        header = json.loads((folder / "snapshot.json").read_text())
    except (OSError, ValueError):
        problems.append("snapshot.json: missing or unreadable")
        return
    expected = header.get("prev_manifest_sha256")
    if previous is None:
        passed.append(
            "chain: not checked (no previous snapshot given)" if expected else "chain: first snapshot"
        )
        return
    prev_manifest = Path(previous) / MANIFEST
    if not prev_manifest.is_file():
        problems.append(f"chain: {prev_manifest} missing")
    elif _sha256(prev_manifest) != expected:
        problems.append(f"chain: previous {MANIFEST} does not hash to prev_manifest_sha256 in snapshot.json")
    else:
        passed.append(f"chain: previous snapshot {header.get('prev_period')} OK")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
