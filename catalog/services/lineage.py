"""OpenLineage ingestion: validate, keep the raw event, derive datasets, columns and edges.

`lineage_event_ingest` is the in-process entry point (the warehouse calls it after its jobs);
the HTTP endpoints call it too. An invalid event raises `LineageEventInvalid` and stores nothing.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from catalog.models import Column, ColumnLineageEdge, Dataset, Job, LineageEdge, LineageEvent, Source
from catalog.openlineage.limits import event_limit_errors
from catalog.openlineage.validation import run_event_errors
from catalog.services.datasets import column_upsert, dataset_columns, dataset_upsert
from catalog.services.pii import producer_tags_suggest


class LineageEventInvalid(ValueError):
    """The event breaks the spec or refers to something unknown; `errors` name each bad field."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class IngestResult:
    event: LineageEvent
    created: bool  # False: the same event had been received before; nothing changed


def event_hash(event: dict) -> str:
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _event_time(event: dict) -> datetime:
    raw = event["eventTime"]
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise LineageEventInvalid([f"eventTime: {raw!r} is not an ISO 8601 date-time"]) from None
    if when.tzinfo is None:  # RFC 3339 date-times carry an offset; guessing one would shift history
        raise LineageEventInvalid([f"eventTime: {raw!r} has no time zone offset"])
    return when


def _key(dataset: dict) -> tuple[str, str]:
    return dataset["namespace"], dataset["name"]


def _column_lineage_errors(event: dict) -> list[str]:
    """Every input field of a column edge must name a dataset of this event or of the catalog."""
    inputs = {_key(d) for d in event.get("inputs") or []} | {_key(d) for d in event.get("outputs") or []}
    errors = []
    for o, output in enumerate(event.get("outputs") or []):
        fields = ((output.get("facets") or {}).get("columnLineage") or {}).get("fields") or {}
        for column, spec in fields.items():
            for i, source in enumerate(spec.get("inputFields") or []):
                key = _key(source)
                if key in inputs or Dataset.objects.filter(namespace=key[0], name=key[1]).exists():
                    continue
                path = f"outputs.{o}.facets.columnLineage.fields.{column}.inputFields.{i}"
                errors.append(f"{path}: unknown dataset {key[0]}/{key[1]} (not among the event's inputs)")
    return errors


def _statistics(dataset: dict) -> dict:
    facets = {**(dataset.get("inputFacets") or {}), **(dataset.get("outputFacets") or {})}
    stats = facets.get("outputStatistics") or facets.get("dataQualityMetrics") or {}
    return {"row_count": stats.get("rowCount")}


def _ensure_columns(dataset: Dataset, known: dict, specs: list[dict]) -> None:
    """Create the missing columns in one INSERT; update changed ones one by one (audited).

    New columns are not written to the field history one by one: the raw event that created
    them is kept, and later changes to them are audited as usual.
    """
    new = []
    for spec in specs:
        name, fields = spec["name"], {k: v for k, v in spec.items() if k != "name"}
        if name in known:
            column_upsert(dataset=dataset, known=known, name=name, **fields)
            continue
        column = Column(dataset=dataset, name=name, **{k: v for k, v in fields.items() if v is not None})
        column.full_clean(exclude=["dataset"], validate_unique=False, validate_constraints=False)
        known[name] = column
        new.append(column)
    Column.objects.bulk_create(new)


def _dataset_from(dataset: dict, *, when: datetime, is_output: bool, known: dict) -> Dataset:
    facets = dataset.get("facets") or {}
    fields = {"description": (facets.get("documentation") or {}).get("description")}
    if is_output:
        fields |= {"last_updated_at": when, **_statistics(dataset)}
    else:
        fields |= _statistics(dataset)
    record, _ = dataset_upsert(
        namespace=dataset["namespace"], name=dataset["name"], source=Source.OPENLINEAGE, **fields
    )
    columns = _columns_of(record, known)
    specs = [
        {
            "name": field["name"],
            "data_type": field.get("type"),
            "description": field.get("description"),
            "ordinal_position": field.get("ordinal_position") or position,
        }
        for position, field in enumerate((facets.get("schema") or {}).get("fields") or [], start=1)
    ]
    _ensure_columns(record, columns, specs)
    _producer_tags(record, columns, facets)
    return record


def _producer_tags(record: Dataset, columns: dict, facets: dict) -> None:
    """Column tags (`tags` facet entries with a `field`) become suggestions for a steward."""
    by_field: dict[str, list] = {}
    for tag in (facets.get("tags") or {}).get("tags") or []:
        if tag.get("field"):
            by_field.setdefault(tag["field"], []).append(tag)
    if by_field:
        _ensure_columns(record, columns, [{"name": name} for name in by_field])
    for name, tags in by_field.items():
        producer_tags_suggest(column=columns[name], tags=tags)


def _columns_of(dataset: Dataset, known: dict) -> dict:
    if dataset.pk not in known:  # a dataset known from an earlier event only
        known[dataset.pk] = dataset_columns(dataset)
    return known[dataset.pk]


def _column_edges(output: dict, record: Dataset, job: Job, datasets: dict, known: dict) -> None:
    fields = ((output.get("facets") or {}).get("columnLineage") or {}).get("fields") or {}
    _ensure_columns(record, known[record.pk], [{"name": name} for name in fields])
    sources = [source for spec in fields.values() for source in spec.get("inputFields") or []]
    upstream = {}
    for key in {_key(source) for source in sources}:
        upstream[key] = datasets.get(key) or Dataset.objects.get(namespace=key[0], name=key[1])
        wanted = [{"name": s["field"]} for s in sources if _key(s) == key]
        _ensure_columns(upstream[key], _columns_of(upstream[key], known), wanted)
    edges = {}
    for column_name, spec in fields.items():
        target = known[record.pk][column_name]
        for source in spec.get("inputFields") or []:
            origin = known[upstream[_key(source)].pk][source["field"]]
            for step in source.get("transformations") or [{"type": "DIRECT"}]:
                edge = ColumnLineageEdge(
                    input_column=origin,
                    output_column=target,
                    job=job,
                    transformation_type=step.get("type", "DIRECT"),
                    subtype=step.get("subtype") or "",
                    masking=bool(step.get("masking")),
                    description=step.get("description") or "",
                )
                edges[(origin.pk, target.pk, edge.transformation_type, edge.subtype)] = edge
    # One statement; a repeated edge takes the latest masking flag and description.
    ColumnLineageEdge.objects.bulk_create(
        edges.values(),
        update_conflicts=True,
        unique_fields=["input_column", "output_column", "job", "transformation_type", "subtype"],
        update_fields=["masking", "description"],
    )


def _derive(event: dict, job: Job, when: datetime) -> None:
    datasets, known = {}, {}  # known: dataset id -> its columns by name, read once per event
    for side in ("inputs", "outputs"):
        for dataset in event.get(side) or []:
            datasets[_key(dataset)] = _dataset_from(
                dataset, when=when, is_output=side == "outputs", known=known
            )
    inputs = [datasets[_key(d)] for d in event.get("inputs") or []]
    for output in event.get("outputs") or []:
        record = datasets[_key(output)]
        table_edges = {
            upstream.pk: LineageEdge(input_dataset=upstream, output_dataset=record, job=job)
            for upstream in inputs
            if upstream.pk != record.pk
        }
        LineageEdge.objects.bulk_create(table_edges.values(), ignore_conflicts=True)
        _column_edges(output, record, job, datasets, known)


def lineage_event_ingest(*, event: dict, actor) -> IngestResult:
    """Store one OpenLineage RunEvent and what it says about datasets, columns and lineage.

    Idempotent: an event identical to one already received changes nothing.
    """
    errors = event_limit_errors(event) or run_event_errors(event)
    if errors:
        raise LineageEventInvalid(errors)
    when = _event_time(event)
    digest = event_hash(event)
    existing = LineageEvent.objects.filter(event_hash=digest).first()
    if existing:
        return IngestResult(existing, created=False)
    errors = _column_lineage_errors(event)
    if errors:
        raise LineageEventInvalid(errors)
    try:
        with transaction.atomic():
            job, _ = Job.objects.get_or_create(namespace=event["job"]["namespace"], name=event["job"]["name"])
            _derive(event, job, when)
            record = LineageEvent.objects.create(
                event_hash=digest,
                event_type=event.get("eventType") or "",
                event_time=when,
                run_id=event["run"]["runId"],
                job=job,
                payload=event,
                received_by=actor,
            )
    except ValidationError as invalid:
        # A model check the limits did not foresee: still the producer's data, still a 400.
        raise LineageEventInvalid(_validation_messages(invalid)) from None
    except (IntegrityError, DataError) as refused:
        # The same event arrived concurrently and won the race: that is a repeat, not an error.
        # Anything else the database refused is bad data, reported as such (nothing was stored).
        existing = LineageEvent.objects.filter(event_hash=digest).first()
        if existing is None:
            raise LineageEventInvalid([f"(event): refused by the database: {refused}"]) from None
        return IngestResult(existing, created=False)
    return IngestResult(record, created=True)


def _validation_messages(invalid: ValidationError) -> list[str]:
    if hasattr(invalid, "error_dict"):
        return [
            f"{field}: {message}" for field, messages in invalid.message_dict.items() for message in messages
        ]
    return [f"(event): {message}" for message in invalid.messages]


def lineage_batch_ingest(*, events: list, actor) -> dict:
    """Ingest each event on its own; report per event, as OpenLineage's /lineage/batch does."""
    results = []
    for index, event in enumerate(events):
        try:
            outcome = lineage_event_ingest(event=event, actor=actor)
        except LineageEventInvalid as invalid:
            results.append({"index": index, "status": "invalid", "errors": invalid.errors})
        else:
            results.append({"index": index, "status": "created" if outcome.created else "duplicate"})
    failed = sum(1 for r in results if r["status"] == "invalid")
    return {
        "status": "success" if not failed else ("partial_success" if failed < len(results) else "failure"),
        "summary": {
            "received": len(results),
            "successful": len(results) - failed,
            "failed": failed,
            "retriable": 0,
            "non_retriable": failed,
        },
        "results": results,
    }
