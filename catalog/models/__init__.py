from catalog.models.checks import DataCheck
from catalog.models.classification import Classification
from catalog.models.datasets import ClassificationSource, Column, Dataset, PiiCategory, Source
from catalog.models.glossary import GlossaryTerm, GlossaryTermEvent
from catalog.models.lineage import ColumnLineageEdge, Job, LineageEdge, LineageEvent
from catalog.models.suggestions import ClassificationSuggestion
from catalog.models.systems import System

__all__ = [
    "Classification",
    "ClassificationSource",
    "ClassificationSuggestion",
    "Column",
    "ColumnLineageEdge",
    "DataCheck",
    "Dataset",
    "GlossaryTerm",
    "GlossaryTermEvent",
    "Job",
    "LineageEdge",
    "LineageEvent",
    "PiiCategory",
    "Source",
    "System",
]
