from accounts.models.access import AccessEvent
from accounts.models.grants import AccessGrant, GrantedObject
from accounts.models.identity import Organization, User
from accounts.models.signatures import Signature
from accounts.models.tokens import ApiToken
from accounts.models.trail import AuditChainHead, AuditEntry

__all__ = [
    "AccessEvent",
    "AccessGrant",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "GrantedObject",
    "Organization",
    "Signature",
    "User",
]
