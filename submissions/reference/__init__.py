"""Reference data shipped as versioned YAML: CTD sections, FDA code lists, pathway templates."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
_KEYED = re.compile(r"^(?P<name>[a-z0-9-]+)(?:\[(?P<keys>[a-z,-]+)\])?$")


@dataclass(frozen=True)
class PathStep:
    element: str
    keys: tuple[str, ...]  # attributes the element requires, filled from the leaf


@dataclass(frozen=True)
class CtdSection:
    code: str
    region: str | None  # None: an ICH section (modules 2-5), valid in every region
    title: str
    folder: str
    path: tuple[PathStep, ...]
    order: int
    forms: bool = False
    # keys a heading that occurs once per backbone carries: one value for the whole sequence
    same_in_sequence: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for step in self.path for k in step.keys)

    @property
    def module(self) -> int:
        return int(self.code.split(".")[0])


def _load(name: str) -> dict:
    with open(HERE / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _step(text: str) -> PathStep:
    match = _KEYED.match(text)
    if match is None:
        raise ValueError(f"Bad backbone path step {text!r} in ctd-sections.yaml")
    keys = tuple(match["keys"].split(",")) if match["keys"] else ()
    return PathStep(match["name"], keys)


@cache
def ctd_sections() -> tuple[CtdSection, ...]:
    """Every location that takes documents: the FDA Module 1 headings whose content model admits
    a leaf (us-module1.yaml, generated from the FDA DTD), then ctd-sections.yaml."""
    rows = [row for row in module1_headings() if row["documents"]] + _load("ctd-sections.yaml")["sections"]
    return tuple(
        CtdSection(
            code=row["code"],
            region=row.get("region"),
            title=row["title"],
            folder=row["folder"],
            path=tuple(_step(s) for s in row["path"]),
            order=order,
            forms=row.get("forms", False),
            same_in_sequence=tuple(row.get("same_in_sequence", ())),
        )
        for order, row in enumerate(rows)
    )


@cache
def module1_headings() -> tuple[dict, ...]:
    """All FDA Module 1 headings in the DTD's order, including those that take no document."""
    return tuple(_load("us-module1.yaml")["sections"])


def sections_for(region: str) -> dict[str, CtdSection]:
    """Sections usable in `region`, by code: the region's Module 1 plus the ICH modules."""
    return {s.code: s for s in ctd_sections() if s.region in (None, region)}


def section_choices() -> list[tuple[str, str]]:
    seen = {}
    for s in ctd_sections():
        label = f"{s.code} {s.title}" + (f" ({s.region.upper()})" if s.region else "")
        seen.setdefault(s.code, label)
    return sorted(seen.items(), key=lambda kv: [int(p) if p.isdigit() else p for p in kv[0].split(".")])


@cache
def fda_codes() -> dict:
    return _load("fda-codes.yaml")


def submission_type_label(key: str) -> str:
    """The label people read for a submission type key ("annual-report" -> "Annual report")."""
    known = fda_codes()["submission_types"].get(key)
    return known["label"] if known else key.replace("-", " ").capitalize()


def templates() -> list[dict]:
    return _load("templates.yaml")["templates"]
