from portal.models.access import CustomerAccess, PortalAccess
from portal.models.embeds import EmbedLink, EmbedOrigin
from portal.models.engagements import Engagement, EngagementObject
from portal.models.requests import EvidenceRequest

__all__ = [
    "CustomerAccess",
    "EmbedLink",
    "EmbedOrigin",
    "Engagement",
    "EngagementObject",
    "EvidenceRequest",
    "PortalAccess",
]
