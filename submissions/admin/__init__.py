from submissions.admin import applications, correspondence, documents, templates  # noqa: F401
