"""Changes that take effect only together with an electronic signature on the changed record.

`accounts.signatures.signature_sign` signs the record as it is saved. To sign the *closed*
version of a CAPA, the closure and the signature must happen in one transaction; but a refused
password must still be recorded (axes lockout count, failed-signature trail entry), and those
records would roll back with that transaction. So the password is confirmed first, outside
it, with the same checks and the same record of failure as `signature_sign`; the change and the
signature (which re-authenticates once more) then commit or roll back together.
"""

from collections.abc import Callable

from django.contrib.auth import authenticate
from django.db import transaction

from accounts.audit import audit_event_record
from accounts.models import AuditEntry, Signature
from accounts.signatures import SignatureRejected, signature_sign


def password_confirm(*, obj, signer, password: str, request, meaning: str) -> None:
    """Raise SignatureRejected (recorded, counted toward lockout) unless the password is right."""
    user = (
        authenticate(request, username=signer.get_username(), password=password) if signer.is_active else None
    )
    if user is None or user.pk != signer.pk:
        audit_event_record(
            action=AuditEntry.Action.SIGN_FAILED, obj=obj, actor=signer, data={"meaning": meaning}
        )
        raise SignatureRejected("The password was not accepted: nothing was signed or changed.")


def signed_change(*, obj, change: Callable, signer, password: str, request, comment: str = "",
                  meaning: str = Signature.Meaning.APPROVAL):  # fmt: skip
    """Run `change()` (it saves and returns the record) and sign its result, all or nothing."""
    password_confirm(obj=obj, signer=signer, password=password, request=request, meaning=meaning)
    with transaction.atomic():
        record = change()
        signature = signature_sign(
            obj=record, signer=signer, password=password, meaning=meaning, request=request, comment=comment
        )
    return record, signature
