from governance.models.controls import Control, ControlMapping
from governance.models.evidence import Evidence, EvidenceEvent
from governance.models.frameworks import Criterion, Framework
from governance.models.scores import ReadinessScore, Snapshot
from governance.models.testing import ControlTest, ControlTestSample

__all__ = [
    "Control",
    "ControlMapping",
    "ControlTest",
    "ControlTestSample",
    "Criterion",
    "Evidence",
    "EvidenceEvent",
    "Framework",
    "ReadinessScore",
    "Snapshot",
]
