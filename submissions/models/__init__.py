from submissions.models.applications import Application, Sequence
from submissions.models.correspondence import Correspondence, CorrespondenceLink, CorrespondenceReminder
from submissions.models.documents import Document, DocumentVersion, Leaf
from submissions.models.events import SubmissionEvent
from submissions.models.evidence_packages import EvidencePackage
from submissions.models.packages import PackageBuild
from submissions.models.templates import SubmissionTemplate, TemplateItem

__all__ = [
    "Application",
    "Correspondence",
    "CorrespondenceLink",
    "CorrespondenceReminder",
    "Document",
    "DocumentVersion",
    "EvidencePackage",
    "Leaf",
    "PackageBuild",
    "Sequence",
    "SubmissionEvent",
    "SubmissionTemplate",
    "TemplateItem",
]
