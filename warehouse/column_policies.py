"""The default `WAREHOUSE_COLUMN_POLICIES` provider: the catalog's levels of the raw lake's columns.

A raw column the catalog holds at L4 is dropped from the cleansed layer, one at L3 tokenised.
These are merged over the project's own `column_policies` (dbt_project.yml), and the stricter
handling wins (drop over tokenise over keep): the catalog can tighten the defaults, and
loosening them is a reviewed change to the dbt project, not a catalog edit. Only the columns a
staging model passes through `governed_columns` can be handled this way (see docs/warehouse.md).
"""

from pathlib import Path

import yaml

from catalog.services.warehouse_levels import warehouse_columns

PROJECT = Path(__file__).with_name("dbt") / "dbt_project.yml"
STRICTNESS = {"keep": 0, "tokenise": 1, "drop": 2}


def project_column_policies() -> dict[str, dict[str, str]]:
    """`vars.column_policies` of dbt_project.yml: table -> column -> tokenise|drop."""
    project = yaml.safe_load(PROJECT.read_text())
    return {table: dict(columns or {}) for table, columns in project["vars"]["column_policies"].items()}


def catalog_raw_policies() -> dict[str, dict[str, str]]:
    """table -> column -> tokenise|drop for the raw lake's L3/L4 columns, by the catalog's levels."""
    policies: dict[str, dict[str, str]] = {}
    rows = (
        warehouse_columns()
        .filter(dataset__dbt_unique_id__startswith="source.", classification__level__gte=3)
        .values_list("dataset__dbt_unique_id", "name", "classification__level")
    )
    for unique_id, column, level in rows:
        table = unique_id.rsplit(".", 1)[-1]
        policies.setdefault(table, {})[column] = "drop" if level >= 4 else "tokenise"
    return policies


def catalog_column_policies() -> dict[str, dict[str, str]]:
    merged = project_column_policies()
    for table, columns in catalog_raw_policies().items():
        current = merged.setdefault(table, {})
        for column, policy in columns.items():
            if STRICTNESS[policy] > STRICTNESS[current.get(column, "keep")]:
                current[column] = policy
    return merged
