"""The admin index grouped by what people do, declared once as data.

Each group lists `app_label.model_name` entries, or `app_label.*` for a whole app; the first
match wins, in the order below. A registered model that no group names lands in "Other", and a
test keeps that group empty, so a new admin cannot quietly vanish from the navigation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavGroup:
    slug: str
    name: str
    models: tuple[str, ...]


NAVIGATION = (
    NavGroup(
        "compliance",
        "Compliance program",
        (
            "governance.framework",
            "governance.criterion",
            "governance.control",
            "governance.evidence",
            "governance.evidenceevent",
            "governance.controltest",
            "governance.readinessscore",
            "governance.snapshot",
            "governance.deviation",
            "governance.course",
            "governance.curriculum",
            "governance.trainingrecord",
        ),
    ),
    NavGroup(
        "audits",
        "Audits and CAPA",
        (
            "governance.audit",
            "governance.audittask",
            "governance.finding",
            "governance.capa",
            "governance.capaaction",
            "governance.effectivenesscheck",
            "governance.capaevent",
            "portal.*",
        ),
    ),
    NavGroup("submissions", "Regulatory submissions", ("submissions.*",)),
    NavGroup(
        "catalog",
        "Data catalog",
        (
            "catalog.*",
            "governance.qualitycheck",
            "governance.checkresult",
            "governance.qualityscore",
            "governance.qualitysla",
            "governance.freshnesssla",
            "governance.freshnessincident",
            "governance.metricpoint",
            "governance.metricanomaly",
        ),
    ),
    NavGroup(
        "warehouse",
        "Warehouse and reporting",
        (
            "warehouse.*",
            "warehouse_reads.*",
            "governance.accessreview",
            "reporting.*",
            "portal.embedlink",
            "portal.embedorigin",
            "django_celery_beat.*",
        ),
    ),
    NavGroup("access", "Access and accountability", ("accounts.*", "auth.*", "otp_totp.*", "axes.*")),
)

OTHER = NavGroup("other", "Other", ())


def nav_group_for(label: str) -> NavGroup:
    """The group of a model given as `app_label.model_name`."""
    app = label.split(".", 1)[0]
    for group in NAVIGATION:
        if label in group.models:
            return group
    for group in NAVIGATION:
        if f"{app}.*" in group.models:
            return group
    return OTHER


def nav_app_list(app_list: list[dict], index_url: str) -> list[dict]:
    """Regroup Django's per-app list into NAVIGATION's groups, in their order; models by name."""
    grouped: dict[str, list[dict]] = {}
    for app in app_list:
        for model in app["models"]:
            label = f"{app['app_label']}.{model['object_name'].lower()}"
            grouped.setdefault(nav_group_for(label).slug, []).append(model)
    return [
        {
            "name": group.name,
            "app_label": group.slug,
            "app_url": f"{index_url}#group-{group.slug}",
            "has_module_perms": True,
            "models": sorted(grouped[group.slug], key=lambda m: m["name"].lower()),
        }
        for group in (*NAVIGATION, OTHER)
        if grouped.get(group.slug)
    ]
