"""Governance admin: display and navigation; every write goes through governance.services."""

from governance.admin import controls, evidence, frameworks, scores  # noqa: F401
