"""The report builder's form: metrics by label grouped by subject, a breakdown, one filter per
dimension (values offered by their labels), grain and period, and the shares. It only collects;
`reporting.reports.services.ReportFields` checks what was picked against the metric layer."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group

from accounts.models import Organization
from reporting.dashboard_params import CODE_LABELS
from reporting.metric_layer import metric_layer
from reporting.models import SavedReport
from reporting.operational import tenant_names
from reporting.reports.build import dimension_label
from reporting.reports.services import ReportFields

DIMENSIONS = ("tier", "icp_segment", "region", "tenant_id")
# metrics grouped by what they are about, after the dashboard that shows them
SUBJECTS = {"executive": "Revenue and retention", "operational": "Operations, AI agents and support"}
OTHER_SUBJECT = "Other metrics"


class MetricCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that carry each metric's allowed dimensions (the page greys out the others)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        metric = metric_layer().metrics.get(value)
        if metric is not None:
            option["attrs"]["data-dimensions"] = " ".join(metric.dimensions)
            option["attrs"]["title"] = metric.description
        return option


def metric_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for metric in metric_layer().metrics.values():
        subject = SUBJECTS.get(metric.dashboards[0] if metric.dashboards else "", OTHER_SUBJECT)
        groups.setdefault(subject, []).append((metric.name, metric.label))
    return list(groups.items())


def filter_choices(dimension: str, names: dict[int, str]) -> list[tuple[str, str]]:
    values = {str(k): v for k, v in names.items()} if dimension == "tenant_id" else CODE_LABELS[dimension]
    return [("", "Any"), *sorted(values.items(), key=lambda item: item[1])]


class ReportBuilderForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    metrics = forms.MultipleChoiceField(widget=MetricCheckboxes, help_text="Pick one or more.")
    dimension = forms.ChoiceField(required=False, label="Break down by")
    grain = forms.ChoiceField(choices=SavedReport.Grain.choices)
    period = forms.ChoiceField(choices=SavedReport.Period.choices)
    start = forms.DateField(required=False, help_text="Custom dates only, like 2026-01-01.")
    end = forms.DateField(required=False, help_text="Custom dates only.")
    shared_with_roles = forms.ModelMultipleChoiceField(
        Group.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    shared_with_organizations = forms.ModelMultipleChoiceField(
        Organization.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Customer viewers of these organisations see the report, with only their own rows.",
    )

    def __init__(self, *args, report: SavedReport | None = None, readonly: bool = False, **kwargs):
        if report is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(report)
        super().__init__(*args, **kwargs)
        self.fields["metrics"].choices = metric_choices()
        self.fields["dimension"].choices = [("", "No breakdown")] + [
            (d, dimension_label(d)) for d in DIMENSIONS
        ]
        names = tenant_names()
        for dimension in DIMENSIONS:
            self.fields[f"filter_{dimension}"] = forms.ChoiceField(
                required=False, label=dimension_label(dimension), choices=filter_choices(dimension, names)
            )
        if readonly:
            for field in self.fields.values():
                field.disabled = True

    def filter_fields(self):
        return [self[f"filter_{dimension}"] for dimension in DIMENSIONS]

    def report_fields(self) -> ReportFields:
        data = self.cleaned_data
        filters = {}
        for dimension in DIMENSIONS:
            value = data.get(f"filter_{dimension}")
            if value:
                filters[dimension] = int(value) if dimension == "tenant_id" else value
        return ReportFields(
            name=data["name"],
            description=data["description"],
            metrics=list(data["metrics"]),
            dimension=data["dimension"],
            filters=filters,
            grain=data["grain"],
            period=data["period"],
            start=data["start"],
            end=data["end"],
        )


def initial_for(report: SavedReport) -> dict:
    initial = {
        name: getattr(report, name)
        for name in ("name", "description", "metrics", "dimension", "grain", "period", "start", "end")
    }
    initial |= {f"filter_{column}": str(value) for column, value in (report.filters or {}).items()}
    initial["shared_with_roles"] = list(report.shared_with_roles.all())
    initial["shared_with_organizations"] = list(report.shared_with_organizations.all())
    return initial
