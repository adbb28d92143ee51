from accounts.models.access import AccessEvent
from accounts.models.identity import Organization, User
from accounts.models.signatures import Signature
from accounts.models.tokens import ApiToken
from accounts.models.trail import AuditChainHead, AuditEntry

__all__ = ["AccessEvent", "ApiToken", "AuditChainHead", "AuditEntry", "Organization", "Signature", "User"]
