"""Extra object lists in the portal, for models the portal does not know by name.

A section shows the engagement's objects of one model (findings, reports, …) through that
model's `objects.visible_to(user)`; `governance.Finding` is the first one.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    model_label: str
    columns: tuple[tuple[str, str], ...]  # (attribute, heading)
    ordering: tuple[str, ...] = ("pk",)

    @property
    def model(self):
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    SECTIONS[section.slug] = section
    return section


def available_sections() -> list[Section]:
    """Sections whose model is installed, in registration order."""
    return [s for s in SECTIONS.values() if s.model is not None]


register_section(
    Section(
        slug="findings",
        title="Findings",
        model_label="governance.Finding",
        columns=(
            ("ref", "Reference"),
            ("title", "Title"),
            ("severity", "Severity"),
            ("status", "Status"),
        ),
        ordering=("pk",),
    )
)
