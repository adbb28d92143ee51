"""Electronic signatures (21 CFR Part 11): signing with re-authentication, and validity.

Any saved model instance can be signed. Apps that need a signature (CAPA closure, evidence
acceptance, snapshot release, submission sign-off) call `signature_sign` from their own service,
inside their own checks, and show `signature_status` next to the record.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import smart_str

from accounts.audit import audit_event_record
from accounts.models import AuditEntry, Signature

_SEAL_SALT = "accounts.Signature.seal"


class SignatureRejected(PermissionDenied):
    """The signer could not be re-authenticated, so nothing was signed."""


def record_hash(obj) -> str:
    """SHA-256 of the record's canonical serialisation: model, pk and every field, sorted."""
    data = serializers.serialize("python", [obj])[0]
    payload = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _seal_payload(sig: Signature) -> str:
    ct = ContentType.objects.get_for_id(sig.content_type_id)
    fields = {
        "record": f"{ct.app_label}.{ct.model}:{sig.object_pk}",
        "record_hash": sig.record_hash,
        "signer": sig.signer_id,
        "printed_name": sig.printed_name,
        "meaning": sig.meaning,
        "signed_at": sig.signed_at.isoformat(),
        "comment": sig.comment,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def _seal(sig: Signature, secret=None) -> str:
    # An HMAC, not a bare hash: copying a signature to another record, or forging one in the
    # database, needs the server's secret to produce a seal that checks.
    return salted_hmac(_SEAL_SALT, _seal_payload(sig), secret=secret, algorithm="sha256").hexdigest()


def _seal_ok(sig: Signature) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(sig.seal, _seal(sig, secret=s)) for s in secrets)


def _reauthenticate(*, signer, password: str, request) -> bool:
    """11.200(a): the password again at signing. Failures go through axes and the access log."""
    if not signer.is_active:
        return False
    user = authenticate(request, username=signer.get_username(), password=password)
    return user is not None and user.pk == signer.pk


def signature_sign(*, obj, signer, password: str, meaning: str, request, comment: str = "") -> Signature:
    """Sign the current, saved version of `obj` as `signer`, who must re-enter the password."""
    if obj.pk is None:
        raise ValueError("Only a saved record can be signed.")
    if meaning not in Signature.Meaning.values:
        raise ValueError(f"Unknown meaning {meaning!r}: use one of {', '.join(Signature.Meaning.values)}.")
    if not _reauthenticate(signer=signer, password=password, request=request):
        audit_event_record(
            action=AuditEntry.Action.SIGN_FAILED, obj=obj, actor=signer, data={"meaning": meaning}
        )
        raise SignatureRejected("The password was not accepted: nothing was signed.")
    with transaction.atomic():
        current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        sig = Signature(
            content_type=ContentType.objects.get_for_model(current),
            object_pk=str(current.pk),
            record_repr=smart_str(current)[:300],
            record_hash=record_hash(current),
            signer=signer,
            printed_name=(signer.get_full_name() or signer.get_username())[:300],
            meaning=meaning,
            signed_at=timezone.now().replace(microsecond=0),
            comment=comment,
        )
        sig.seal = _seal(sig)
        sig.full_clean()
        sig.save()
        audit_event_record(
            action=AuditEntry.Action.SIGN,
            obj=current,
            actor=signer,
            data={
                "signature": sig.pk,
                "meaning": meaning,
                "printed_name": sig.printed_name,
                "record_hash": sig.record_hash,
            },
            reason=comment,
        )
    return sig


@dataclass(frozen=True)
class SignatureStatus:
    valid: bool
    reason: str

    def __str__(self):
        return self.reason


_MISSING = object()


def signature_status(sig: Signature, record=_MISSING) -> SignatureStatus:
    """Valid only while the seal checks and the record is exactly the version that was signed.

    Pass `record` when it is already loaded (a prefetched `sig.record`, possibly None).
    """
    if not _seal_ok(sig):
        return SignatureStatus(False, "void: the signature row was altered or moved")
    if record is _MISSING:
        model = ContentType.objects.get_for_id(sig.content_type_id).model_class()
        record = model._base_manager.filter(pk=sig.object_pk).first()
    if record is None:
        return SignatureStatus(False, "void: the signed record was deleted")
    if record_hash(record) != sig.record_hash:
        return SignatureStatus(False, "void: the record changed after signing")
    return SignatureStatus(True, "valid")


def signatures_for(obj):
    """The signatures on `obj`, newest first, each with its status."""
    sigs = Signature.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).select_related("signer")
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    return [(sig, signature_status(sig, record=fresh)) for sig in sigs]
