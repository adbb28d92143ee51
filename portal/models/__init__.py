from portal.models.access import CustomerAccess, PortalAccess
from portal.models.engagements import Engagement, EngagementObject
from portal.models.requests import EvidenceRequest

__all__ = ["CustomerAccess", "Engagement", "EngagementObject", "EvidenceRequest", "PortalAccess"]
