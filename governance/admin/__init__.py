"""Governance admin: display and navigation; every write goes through governance.services."""

from governance.admin import (  # noqa: F401
    access_reviews,
    audits,
    capa,
    controls,
    evidence,
    frameworks,
    quality,
    quality_health,
    scores,
    training,
)
