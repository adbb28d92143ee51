from accounts.models.access import AccessEvent
from accounts.models.identity import Organization, User
from accounts.models.tokens import ApiToken

__all__ = ["AccessEvent", "ApiToken", "Organization", "User"]
