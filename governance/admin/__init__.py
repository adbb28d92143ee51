"""Governance admin: display and navigation; every write goes through governance.services."""

from governance.admin import access_reviews, audits, capa, controls, evidence, frameworks, scores, training  # noqa: F401
