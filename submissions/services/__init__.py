"""Writes for regulatory submissions; admin actions, commands and tasks call only these."""

from submissions.services.correspondence import (
    correspondence_link,
    correspondence_reminders_send,
    correspondence_transition,
)
from submissions.services.documents import document_create, document_version_upload
from submissions.services.evidence_packages import evidence_package_assemble
from submissions.services.packages import package_build, package_validate
from submissions.services.sequences import (
    SubmissionError,
    leaf_add,
    leaf_validate,
    sequence_acknowledge,
    sequence_create,
    sequence_sign_off,
    sequence_transition,
)
from submissions.services.templates import templates_load

__all__ = [
    "SubmissionError",
    "correspondence_link",
    "correspondence_reminders_send",
    "correspondence_transition",
    "document_create",
    "document_version_upload",
    "evidence_package_assemble",
    "leaf_add",
    "leaf_validate",
    "package_build",
    "package_validate",
    "sequence_acknowledge",
    "sequence_create",
    "sequence_sign_off",
    "sequence_transition",
    "templates_load",
]
