from submissions.admin import applications, correspondence, documents, evidence_packages, templates  # noqa: F401
