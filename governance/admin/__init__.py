"""Governance admin: display and navigation; every write goes through governance.services."""

from governance.admin import audits, capa, controls, evidence, frameworks, quality, scores, training  # noqa: F401
