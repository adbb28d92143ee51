"""OpenLineage ingestion: validate, keep the raw event, derive datasets, columns and edges.

`lineage_event_ingest` is the in-process entry point (the warehouse calls it after its jobs);
the HTTP endpoints call it too. An invalid event raises `LineageEventInvalid` and stores nothing.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from catalog.models import ColumnLineageEdge, Dataset, Job, LineageEdge, LineageEvent, Source
from catalog.openlineage.validation import run_event_errors
from catalog.services.datasets import column_upsert, dataset_upsert


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
    try:
        return datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))
    except ValueError:
        raise LineageEventInvalid(
            [f"eventTime: {event['eventTime']!r} is not an ISO 8601 date-time"]
        ) from None


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


def _dataset_from(dataset: dict, *, when: datetime, is_output: bool) -> Dataset:
    facets = dataset.get("facets") or {}
    fields = {"description": (facets.get("documentation") or {}).get("description")}
    if is_output:
        fields |= {"last_updated_at": when, **_statistics(dataset)}
    else:
        fields |= _statistics(dataset)
    record, _ = dataset_upsert(
        namespace=dataset["namespace"], name=dataset["name"], source=Source.OPENLINEAGE, **fields
    )
    for position, field in enumerate((facets.get("schema") or {}).get("fields") or [], start=1):
        column_upsert(
            dataset=record,
            name=field["name"],
            data_type=field.get("type"),
            description=field.get("description"),
            ordinal_position=field.get("ordinal_position") or position,
        )
    return record


def _column_edges(output: dict, record: Dataset, job: Job, datasets: dict) -> None:
    fields = ((output.get("facets") or {}).get("columnLineage") or {}).get("fields") or {}
    for column_name, spec in fields.items():
        target, _ = column_upsert(dataset=record, name=column_name)
        for source in spec.get("inputFields") or []:
            key = _key(source)
            upstream = datasets.get(key) or Dataset.objects.get(namespace=key[0], name=key[1])
            origin, _ = column_upsert(dataset=upstream, name=source["field"])
            for step in source.get("transformations") or [{"type": "DIRECT"}]:
                ColumnLineageEdge.objects.update_or_create(
                    input_column=origin,
                    output_column=target,
                    job=job,
                    transformation_type=step.get("type", "DIRECT"),
                    subtype=step.get("subtype") or "",
                    defaults={
                        "masking": bool(step.get("masking")),
                        "description": step.get("description") or "",
                    },
                )


def _derive(event: dict, job: Job, when: datetime) -> None:
    datasets = {}
    for side in ("inputs", "outputs"):
        for dataset in event.get(side) or []:
            datasets[_key(dataset)] = _dataset_from(dataset, when=when, is_output=side == "outputs")
    inputs = [datasets[_key(d)] for d in event.get("inputs") or []]
    for output in event.get("outputs") or []:
        record = datasets[_key(output)]
        for upstream in inputs:
            if upstream.pk != record.pk:
                LineageEdge.objects.get_or_create(input_dataset=upstream, output_dataset=record, job=job)
        _column_edges(output, record, job, datasets)


def lineage_event_ingest(*, event: dict, actor) -> IngestResult:
    """Store one OpenLineage RunEvent and what it says about datasets, columns and lineage.

    Idempotent: an event identical to one already received changes nothing.
    """
    errors = run_event_errors(event)
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
    except IntegrityError:
        # The same event arrived concurrently and won the race: that is a repeat, not an error.
        return IngestResult(LineageEvent.objects.get(event_hash=digest), created=False)
    return IngestResult(record, created=True)


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
