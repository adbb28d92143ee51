from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin_trail import ReadOnlyAdmin
from warehouse.models import JobRun, WarehouseModel
from warehouse.selectors import job_run_progress
from warehouse.services import job_run_request


def _or_dash(value):
    return "-" if value is None else value


def _seconds(value) -> str:
    return "-" if value is None else f"{float(value):.2f} s"


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    # Few, short columns: the list fits a 1,400 px screen beside its filters; the node running
    # now shows under the progress bar, retries and exact times on the run's own page.
    list_display = ["job", "trigger", "status", "progress_bar", "rows", "requested_by", "started", "duration"]
    list_filter = ["status", "job", "trigger", "full_refresh", "created_at"]
    list_select_related = ["requested_by"]
    search_fields = ["job", "selection", "error", "task_id"]
    date_hierarchy = "created_at"
    actions = ["run_again"]
    exclude = ["results"]
    readonly_fields = ["results_table"]

    @admin.display(description="Results per dbt node")
    def results_table(self, obj):
        if not obj.results:
            return "No node has reported yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.get("unique_id", "?"),
                    r.get("status", ""),
                    _or_dash(r.get("rows")),
                    _seconds(r.get("execution_time")),
                    r.get("message") or "",
                )
                for r in obj.results
            ),
        )
        return format_html(
            '<table class="job-results"><thead><tr><th>Node</th><th>Status</th><th>Rows</th>'
            "<th>Time</th><th>Message</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Progress", ordering="progress")
    def progress_bar(self, obj):
        bar = format_html('<progress max="100" value="{}"></progress> {}%', obj.progress, obj.progress)
        if obj.status == JobRun.Status.RUNNING and obj.current_node:
            return format_html('{}<div class="help">{}</div>', bar, obj.current_node)
        return bar

    @admin.display(description="Rows", ordering="rows_written")
    def rows(self, obj):
        return obj.rows_written

    @admin.display(description="Started", ordering="started_at")
    def started(self, obj):
        return timezone.localtime(obj.started_at).strftime("%Y-%m-%d %H:%M") if obj.started_at else "-"

    @admin.display(description="Took")
    def duration(self, obj):
        if not (obj.started_at and obj.finished_at):
            return "-"
        seconds = int((obj.finished_at - obj.started_at).total_seconds())
        return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"

    @admin.action(description="Run now (the same job again)", permissions=["run"])
    def run_again(self, request, queryset):
        queued = [
            job_run_request(
                job=run.job, selection=run.selection, full_refresh=run.full_refresh, actor=request.user
            )
            for run in queryset
        ]
        self.message_user(request, f"{len(queued)} job(s) queued.", messages.SUCCESS)
        if len(queued) == 1:
            return _to_job_run_page(queued[0])
        return None

    def get_urls(self):
        progress = self.admin_site.admin_view(self.progress_view)
        return [
            path("<path:object_id>/progress/", progress, name="warehouse_jobrun_progress"),
            *super().get_urls(),
        ]

    def progress_view(self, request, object_id):
        """The JSON that a run's page polls while the run is queued or running."""
        run = self.get_object(request, unquote(object_id))
        if run is None or not self.has_view_permission(request, run):
            raise Http404("No such job run.")
        return JsonResponse(job_run_progress(run))

    def has_run_permission(self, request):
        return request.user.has_perm("warehouse.run_jobrun")


def _to_job_run_page(run: JobRun) -> HttpResponseRedirect:
    """After "Run now", the answer is at once the queued run's page, which follows its progress."""
    return HttpResponseRedirect(reverse("admin:warehouse_jobrun_change", args=[run.pk]))


@admin.register(WarehouseModel)
class WarehouseModelAdmin(ReadOnlyAdmin):
    list_display = ["name", "layer", "last_status", "last_rows", "last_run_at", "freshness", "last_run"]
    list_filter = ["layer", "last_status"]
    list_select_related = ["last_run"]
    search_fields = ["name", "unique_id", "last_message"]
    actions = ["run_now"]

    @admin.display(description="Data age", ordering="last_success_at")
    def freshness(self, obj):
        if obj.last_success_at is None:
            return "never built"
        minutes = int((timezone.now() - obj.last_success_at).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

    @admin.action(description="Run now (these models)", permissions=["run"])
    def run_now(self, request, queryset):
        names = " ".join(queryset.values_list("name", flat=True))
        run = job_run_request(job="models", selection=names, actor=request.user)
        self.message_user(request, f"Queued a run of: {names}", messages.SUCCESS)
        return _to_job_run_page(run)

    def has_run_permission(self, request):
        return request.user.has_perm("warehouse.run_jobrun")


import warehouse.cdc.admin  # noqa: E402, F401 - issue 5: CDC admin pages
