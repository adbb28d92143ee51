from governance.models.access_reviews import AccessReview, AccessReviewItem
from governance.models.audits import Audit, AuditTask
from governance.models.capa import Capa, CapaAction, CapaEvent, EffectivenessCheck
from governance.models.controls import Control, ControlMapping
from governance.models.deviations import Deviation
from governance.models.evidence import Evidence, EvidenceEvent
from governance.models.findings import Finding
from governance.models.frameworks import Criterion, Framework
from governance.models.quality import CheckResult, QualityCheck, QualityScore, QualitySla
from governance.models.quality_health import FreshnessIncident, FreshnessSla, MetricAnomaly, MetricPoint
from governance.models.scores import ReadinessScore, Snapshot
from governance.models.testing import ControlTest, ControlTestSample
from governance.models.training import Course, Curriculum, TrainingRecord

__all__ = [
    "AccessReview",
    "AccessReviewItem",
    "Audit",
    "AuditTask",
    "Capa",
    "CapaAction",
    "CapaEvent",
    "CheckResult",
    "Control",
    "ControlMapping",
    "ControlTest",
    "ControlTestSample",
    "Course",
    "Criterion",
    "Curriculum",
    "Deviation",
    "EffectivenessCheck",
    "Evidence",
    "EvidenceEvent",
    "Finding",
    "Framework",
    "FreshnessIncident",
    "FreshnessSla",
    "MetricAnomaly",
    "MetricPoint",
    "QualityCheck",
    "QualityScore",
    "QualitySla",
    "ReadinessScore",
    "Snapshot",
    "TrainingRecord",
]
