"""Admin pages over the governed read path: the tables a user may read, a preview, a CSV export.

Every page reads through `governed_read` (purpose "preview" or "export"), so it sees exactly what
the API would: masked columns arrive masked, other organisations' rows never arrive. The pages
are the admin site's own views (`portal.admin_site` adds `admin_urls` and `nav_entry`), so they
need a staff sign-in; who reads which table is still the access policies' answer.
"""

import csv

from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from warehouse.engine import EngineError
from warehouse.reads.models import AccessLog, AccessPolicy
from warehouse.reads.query import ReadDenied, ReadInvalid, ReadQuery, ReadResult
from warehouse.reads.request_ids import request_id_for
from warehouse.reads.service import governed_read
from warehouse.reads.table_columns import readable_table_list

PREVIEW_ROWS = 50
EXPORT_MAX_ROWS = 100_000  # one export is one logged read: cap it so a click cannot pull a table
EXPORT_BATCH_ROWS = 2_000


def admin_urls(site) -> list:
    """The pages, wrapped by the admin site (staff sign-in, its context), named under `admin:`."""
    return [
        path("warehouse/tables/", site.admin_view(_with_site(table_list, site)), name="warehouse_tables"),
        path("warehouse/tables/<str:table>/", site.admin_view(_with_site(table_preview, site)),
             name="warehouse_table_preview"),
        path("warehouse/tables/<str:table>/export.csv", site.admin_view(_with_site(table_export, site)),
             name="warehouse_table_export"),
    ]  # fmt: skip


def nav_entry(site) -> dict:
    """The "Warehouse tables" line of the admin index, grouped under the warehouse by its app label."""
    url = reverse("admin:warehouse_tables", current_app=site.name)
    page = {"name": "Warehouse tables", "object_name": "WarehouseTables", "admin_url": url,
            "add_url": None, "view_only": True, "perms": {"view": True}}  # fmt: skip
    return {"name": "Warehouse", "app_label": "warehouse", "app_url": url, "has_module_perms": True,
            "models": [page]}  # fmt: skip


def _with_site(view, site):
    def wrapped(request, **kwargs):
        return view(request, site=site, **kwargs)

    return wrapped


def table_list(request, *, site):
    tables = readable_table_list(request.user)
    context = {**site.each_context(request), "title": "Warehouse tables you may read", "tables": tables}
    return TemplateResponse(request, "warehouse_reads/tables.html", context)


def table_preview(request, table, *, site):
    outcome = _read(request, ReadQuery(table=table, limit=PREVIEW_ROWS), AccessLog.Purpose.PREVIEW, site)
    if not isinstance(outcome, ReadResult):
        return outcome
    levels = {c["column"]: c["level"] for c in outcome.log.columns}  # as the read path saw them
    columns = [
        {"name": name, "level": levels.get(name, ""), "masking": outcome.masked.get(name, "")}
        for name in outcome.data.column_names
    ]
    row_filters = dict(AccessPolicy.RowFilter.choices)
    context = {
        **site.each_context(request),
        "title": f"Preview of {table}",
        "table": table,
        "columns": columns,
        "masked_count": len(outcome.masked),
        "row_filter": row_filters.get(outcome.log.row_filter, ""),
        "rows": [list(row.values()) for row in outcome.data.to_pylist()],
        "more_rows": outcome.truncated,
        "preview_rows": PREVIEW_ROWS,
        "export_max_rows": f"{EXPORT_MAX_ROWS:,}",
    }
    return TemplateResponse(request, "warehouse_reads/preview.html", context)


def table_export(request, table, *, site):
    query = ReadQuery(table=table, limit=EXPORT_MAX_ROWS)
    result = _read(request, query, AccessLog.Purpose.EXPORT, site)
    if not isinstance(result, ReadResult):
        return result
    response = StreamingHttpResponse(_csv_lines(result.data), content_type="text/csv; charset=utf-8")
    # a cut export says so where the person who opens it will see it: in the file's name
    cut = f"-first-{EXPORT_MAX_ROWS}-rows-only" if result.truncated else ""
    name = f"{table}-{timezone.now():%Y%m%dT%H%M%SZ}{cut}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if result.truncated:
        response["X-Result-Truncated"] = str(EXPORT_MAX_ROWS)
    return response


def _read(request, query, purpose, site):
    """The read's result, or the refusal page; either way the read path logged one row."""
    try:
        request_id = request_id_for(request)
        return governed_read(user=request.user, purpose=purpose, query=query, request_id=request_id)
    except ReadDenied as error:
        return _refusal(request, site, query.table, str(error), "You may not read this table", 403)
    except ReadInvalid as error:
        return _refusal(request, site, query.table, str(error), "No such warehouse table", 404)
    except EngineError:
        message = "The warehouse could not run this read; it is logged as failed. Try again later."
        return _refusal(request, site, query.table, message, "The warehouse failed", 502)


def _refusal(request, site, table, reason, title, status):
    context = {**site.each_context(request), "title": title, "table": table, "reason": reason}
    return TemplateResponse(request, "warehouse_reads/refused.html", context, status=status)


class _Echo:
    def write(self, value):
        return value


def _csv_lines(data):
    writer = csv.writer(_Echo())
    yield writer.writerow(data.column_names)
    for batch in data.to_batches(max_chunksize=EXPORT_BATCH_ROWS):
        for row in batch.to_pylist():
            yield writer.writerow(["" if value is None else value for value in row.values()])
