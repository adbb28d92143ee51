from portal.models.access import PortalAccess
from portal.models.engagements import Engagement, EngagementObject
from portal.models.requests import EvidenceRequest

__all__ = ["Engagement", "EngagementObject", "EvidenceRequest", "PortalAccess"]
