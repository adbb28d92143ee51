"""Limits on an OpenLineage event, checked before the schema and before anything is stored.

The spec puts no bound on string lengths or numbers, but our columns do: a name longer than its
column, a row count beyond a 64-bit integer or a NUL byte (PostgreSQL refuses it in text and
JSONB) must be refused with the field named, not fail inside the database. Errors use the same
`path: message` form as the schema validation.
"""

import json
import math

from django.conf import settings

from catalog.models import Column, ColumnLineageEdge, Dataset, Job

INT64 = (-(2**63), 2**63 - 1)
# ordinal_position lands in a PositiveIntegerField (a 32-bit column on every backend).
ORDINAL = (0, 2**31 - 1)
ROW_COUNT = (0, 2**63 - 1)


class TooLongInteger:
    """What the HTTP parser puts in place of an integer literal too long to convert safely."""

    def __init__(self, digits: int):
        self.digits = digits


def parse_int(literal: str):
    # Python refuses to convert more than 4,300 digits (a ValueError with no position); anything
    # past 20 digits is outside every range we accept, so keep a marker the walk can name.
    return int(literal) if len(literal) <= 20 else TooLongInteger(len(literal))


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _path(parts) -> str:
    return ".".join(str(p) for p in parts) or "(event)"


def _value_error(value, parts) -> str | None:
    if isinstance(value, TooLongInteger):
        return f"{_path(parts)}: an integer of {value.digits} digits is out of range"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{_path(parts)}: {value!r} is not a JSON number (NaN and Infinity are refused)"
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        return f"{_path(parts)}: {value} does not fit in a 64-bit integer"
    if isinstance(value, str):
        return _text_error(value, parts)
    return None


def _text_error(text: str, parts) -> str | None:
    if "\x00" in text:
        return f"{_path(parts)}: NUL characters are not allowed"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return f"{_path(parts)}: contains an unpaired UTF-16 surrogate (not valid Unicode)"
    return None


def _structure_errors(event) -> list[str]:
    """Walk the whole event without recursion: depth, text and numbers, keys included."""
    max_depth = settings.CATALOG_LINEAGE_MAX_DEPTH
    errors, stack = [], [(event, [], 0)]
    while stack and len(errors) < 20:
        value, parts, depth = stack.pop()
        if depth > max_depth:
            return [f"{_path(parts)}: nested deeper than {max_depth} levels"]
        if isinstance(value, dict):
            for key, item in value.items():
                error = _value_error(key, [*parts, "(key)"]) if isinstance(key, str) else None
                errors += [error] if error else []
                stack.append((item, [*parts, key], depth + 1))
        elif isinstance(value, list):
            stack.extend((item, [*parts, index], depth + 1) for index, item in enumerate(value))
        else:
            error = _value_error(value, parts)
            errors += [error] if error else []
    return sorted(errors)


def _length(value, limit: int, parts) -> list[str]:
    if isinstance(value, str) and len(value) > limit:
        return [f"{_path(parts)}: {len(value)} characters, over the limit of {limit}"]
    return []


def _range(value, bounds: tuple[int, int], parts) -> list[str]:
    if isinstance(value, int) and not isinstance(value, bool) and not bounds[0] <= value <= bounds[1]:
        return [f"{_path(parts)}: {value} is outside {bounds[0]}..{bounds[1]}"]
    return []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _identity_errors(entity, parts, model) -> list[str]:
    entity = _dict(entity)
    return _length(entity.get("namespace"), _max_length(model, "namespace"), [*parts, "namespace"]) + _length(
        entity.get("name"), _max_length(model, "name"), [*parts, "name"]
    )


def _schema_field_errors(fields, parts) -> list[str]:
    errors = []
    for index, field in enumerate(_list(fields)):
        field, at = _dict(field), [*parts, index]
        errors += _length(field.get("name"), _max_length(Column, "name"), [*at, "name"])
        errors += _length(field.get("type"), _max_length(Column, "data_type"), [*at, "type"])
        errors += _range(field.get("ordinal_position"), ORDINAL, [*at, "ordinal_position"])
    return errors


def _column_lineage_errors(fields, parts) -> list[str]:
    errors = []
    column_name = _max_length(Column, "name")
    kinds = ColumnLineageEdge.TransformationType.values
    for name, spec in _dict(fields).items():
        errors += _length(name, column_name, [*parts, "(key)"])
        for i, source in enumerate(_list(_dict(spec).get("inputFields"))):
            at = [*parts, name, "inputFields", i]
            errors += _identity_errors(source, at, Dataset)
            errors += _length(_dict(source).get("field"), column_name, [*at, "field"])
            for t, step in enumerate(_list(_dict(source).get("transformations"))):
                step, where = _dict(step), [*at, "transformations", t]
                if "type" in step and step["type"] not in kinds:
                    errors.append(f"{_path([*where, 'type'])}: must be one of {', '.join(kinds)}")
                subtype = _max_length(ColumnLineageEdge, "subtype")
                errors += _length(step.get("subtype"), subtype, [*where, "subtype"])
    return errors


def _dataset_errors(dataset, parts) -> list[str]:
    dataset = _dict(dataset)
    errors = _identity_errors(dataset, parts, Dataset)
    facets = _dict(dataset.get("facets"))
    errors += _schema_field_errors(
        _dict(facets.get("schema")).get("fields"), [*parts, "facets", "schema", "fields"]
    )
    errors += _column_lineage_errors(
        _dict(facets.get("columnLineage")).get("fields"), [*parts, "facets", "columnLineage", "fields"]
    )
    for index, tag in enumerate(_list(_dict(facets.get("tags")).get("tags"))):
        errors += _length(
            _dict(tag).get("field"),
            _max_length(Column, "name"),
            [*parts, "facets", "tags", "tags", index, "field"],
        )
    for group in ("inputFacets", "outputFacets"):
        for facet in ("outputStatistics", "dataQualityMetrics"):
            count = _dict(_dict(dataset.get(group)).get(facet)).get("rowCount")
            errors += _range(count, ROW_COUNT, [*parts, group, facet, "rowCount"])
    return errors


def _facet_size_errors(event: dict) -> list[str]:
    limit = settings.CATALOG_LINEAGE_MAX_FACET_BYTES
    maps = [(["run", "facets"], _dict(event.get("run")).get("facets"))]
    maps.append((["job", "facets"], _dict(event.get("job")).get("facets")))
    for side in ("inputs", "outputs"):
        for index, dataset in enumerate(_list(event.get(side))):
            for group in ("facets", "inputFacets", "outputFacets"):
                maps.append(([side, index, group], _dict(dataset).get(group)))
    errors = []
    for parts, facets in maps:
        for key, facet in _dict(facets).items():
            size = len(json.dumps(facet, ensure_ascii=False).encode())
            if size > limit:
                errors.append(f"{_path([*parts, key])}: {size} bytes, over the facet limit of {limit}")
    return errors


def event_limit_errors(event) -> list[str]:
    """Every limit `event` breaks; empty when it is within them all (the schema is checked after)."""
    if not isinstance(event, dict):
        return []  # the schema check says what an event must be
    errors = _structure_errors(event)
    if errors:
        return errors  # sizes of a structure holding NaN or unencodable text cannot be measured
    size = len(json.dumps(event, ensure_ascii=False).encode())
    if size > settings.CATALOG_LINEAGE_MAX_EVENT_BYTES:
        return [f"(event): {size} bytes, over the event limit of {settings.CATALOG_LINEAGE_MAX_EVENT_BYTES}"]
    errors += _identity_errors(event.get("job"), ["job"], Job)
    for side in ("inputs", "outputs"):
        for index, dataset in enumerate(_list(event.get(side))):
            errors += _dataset_errors(dataset, [side, index])
    return errors + _facet_size_errors(event)
