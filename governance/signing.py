"""The portal's evidence key: ECDSA P-256 signatures that `openssl dgst -sha256 -verify` accepts.

Production reads the private key from `GOVERNANCE_EVIDENCE_KEY_FILE` (settings refuse to start
without it); development generates one under the var dir on first use, like the secret key.
The private key never leaves this module: snapshots carry only the public key.
"""

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key_path() -> Path:
    if not settings.GOVERNANCE_EVIDENCE_KEY_FILE:
        raise ImproperlyConfigured("GOVERNANCE_EVIDENCE_KEY_FILE must be set when CUSTODIAN_ENV=production.")
    return Path(settings.GOVERNANCE_EVIDENCE_KEY_FILE)


def _generate(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def private_key() -> ec.EllipticCurvePrivateKey:
    path = _key_path()
    if not path.exists():
        if not settings.GOVERNANCE_EVIDENCE_KEY_GENERATE:
            raise ImproperlyConfigured(f"Evidence key {path} does not exist; production never generates one.")
        _generate(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("The evidence key must be an EC (P-256) private key.")
    return key


def public_key_pem() -> bytes:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def fingerprint(public_pem: bytes) -> str:
    """SHA-256 of the DER public key: `openssl pkey -pubin -in KEY -outform DER | sha256sum`."""
    key = serialization.load_pem_public_key(public_pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign(data: bytes) -> bytes:
    """A DER-encoded ECDSA signature over SHA-256(data)."""
    return private_key().sign(data, ec.ECDSA(hashes.SHA256()))


def verify(public_pem: bytes, signature: bytes, data: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(public_pem)
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
