"""The admin pages people complained about fit a 1,400 px screen in a real Chromium: no page
wider than the window, and no table or field that scrolls sideways inside it.

Screenshots are kept under var/test-artifacts/admin-layout/ (CI artefacts).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from catalog.tests.factories import DatasetFactory, chain
from governance.models import CapaAction
from governance.services.capa import capa_action_save
from governance.tests.capa_helpers import make_capa, make_finding
from portal.tests.test_browser import LAUNCH
from warehouse.models import JobRun

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.services("browser"),
]
WIDTH = 1400
# Elements that scroll or clip sideways inside the page; not visually-hidden helpers (1 px wide
# on purpose) nor one-line boxes that end in an ellipsis (a picked value in a select box).
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.visually-hidden') && getComputedStyle(e).overflowX !== 'visible'
               && getComputedStyle(e).textOverflow !== 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)"""


@pytest.fixture
def pages(compliance_officer):
    """A CAPA with actions, a job run with many nodes, a lineage graph with long names, and the
    audit trail all of that wrote."""
    finding = make_finding(compliance_officer, ref="F-LAYOUT", title="Leavers kept access beyond 24 h")
    capa = make_capa(compliance_officer, finding=finding, ref="CAPA-LAYOUT")
    for kind in ("corrective", "preventive"):
        action = CapaAction(
            capa=capa,
            kind=kind,
            owner=compliance_officer,
            due_date=capa.due_date,
            description="Remove the access of every leaver and link leaver tickets to the identity provider",
        )
        capa_action_save(action=action, actor=compliance_officer)
    results = [
        {
            "unique_id": f"test.custodian.unique_mart_revenue_monthly_month_start_tenant_{i}.0d9f535b84",
            "status": "pass",
            "rows": None,
            "execution_time": 0.1,
            "message": "Got 0 failing rows",
        }
        for i in range(40)
    ]
    run = JobRun.objects.create(
        job="daily", status=JobRun.Status.FAILED, results=results, error="1 test failed"
    )
    JobRun.objects.create(
        job="hourly",
        status=JobRun.Status.RUNNING,
        progress=40,
        requested_by=compliance_officer,
        current_node=results[0]["unique_id"],
        started_at=run.created_at,
        rows_written=123456,
    )
    namespace = "duckdb:///srv/custodian/var/warehouse/a-rather-long-folder-name/warehouse.duckdb"
    names = ["raw.work_order_events", "cleansed.stg_work_order_events", "curated.fact_work_order_event"]
    datasets = [DatasetFactory(namespace=namespace, name=name) for name in names]
    chain(*datasets)
    for mart in ("mart_work_orders_monthly", "mart_gross_margin_monthly", "mart_support_backlog_weekly"):
        chain(datasets[2], DatasetFactory(namespace=namespace, name=f"marts.{mart}"))
    return {
        "CAPA": f"/admin/governance/capa/{capa.pk}/change/",
        "audit trail": "/admin/accounts/auditentry/",
        "job run": f"/admin/warehouse/jobrun/{run.pk}/change/",
        "job runs": "/admin/warehouse/jobrun/",
        "lineage": f"/admin/catalog/dataset/{datasets[1].pk}/change/",
    }


@pytest.fixture
def admin_page(live_server, pages, compliance_officer):
    """Chromium at 1,400 px, signed in to the admin as the compliance officer (see
    test_browser.portal_page for why the ORM connection is closed inside the loop)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM

    client = Client()
    client.force_login(compliance_officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, **LAUNCH)
            context = browser.new_context(viewport={"width": WIDTH, "height": 900})
            context.set_default_timeout(120_000)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            yield context.new_page()
            context.close()
            browser.close()
            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def test_admin_pages_fit_1400_pixels(live_server, pages, admin_page):
    folder = Path(settings.VAR_DIR) / "test-artifacts" / "admin-layout"
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, path in pages.items():
        admin_page.goto(live_server.url + path)
        assert admin_page.locator("#content").is_visible(), name
        admin_page.screenshot(path=folder / f"{name.replace(' ', '-')}.png", full_page=True)
        width = admin_page.evaluate("document.documentElement.scrollWidth")
        inner = admin_page.evaluate(OVERFLOWING)
        if width > WIDTH or inner:
            too_wide[name] = (width, inner)
    assert too_wide == {}
    admin_page.goto(live_server.url + pages["job run"])
    assert admin_page.locator("table.job-results tbody tr").count() == 40
    admin_page.goto(live_server.url + pages["lineage"])
    assert admin_page.locator("svg.lineage-graph").bounding_box()["width"] <= WIDTH
