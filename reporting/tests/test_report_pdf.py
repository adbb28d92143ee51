"""Report PDFs and CSVs, read back as a person would: the PDF's text through poppler's pdftotext."""

import csv
import io
import subprocess
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reporting.charts import Chart
from reporting.freshness import Freshness
from reporting.reports.build import build_document
from reporting.reports.document import ReportDocument, ReportSection
from reporting.reports.pdf import render_csv, render_pdf
from reporting.reports.pdf_story import CHART_FAILED
from reporting.reports.spec import ReportSpec
from reporting.tests.marts_world import APR, JAN, finish_run
from warehouse.reads.models import TenantKey

pdftotext_needed = pytest.mark.services("pdftotext")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of every page (pdftotext separates pages with a form feed)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().split("\f")[: len(PdfReader(io.BytesIO(pdf)).pages)]


def board_pack(**changes) -> ReportSpec:
    fields = {"title": "Board pack", "metrics": ("arr", "mrr"), "start": JAN, "end": APR} | changes
    return ReportSpec(**fields)


def long_document(rows: int, **changes) -> ReportDocument:
    columns = [("period", "Period"), ("segment", "Customer"), ("value", "ARR")]
    cells = [{"period": "Mar 2026", "segment": f"Customer {i:04d}", "value": f"${i}.0K"} for i in range(rows)]
    fields = {
        "title": "Customers",
        "subtitle": "March 2026",
        "generated_at": timezone.now(),
        "freshness": Freshness(run_id=77, job="hourly", finished_at=timezone.now()),
        "sections": [ReportSection("ARR per customer", columns, cells)],
    } | changes
    return ReportDocument(**fields)


@pdftotext_needed
def test_pdf_of_a_built_report_holds_its_numbers_run_and_page_numbers(
    marts_world, executive, django_capture_on_commit_callbacks
):
    run = finish_run(django_capture_on_commit_callbacks)
    document = build_document(board_pack(), user=executive)

    pages = pdf_pages(render_pdf(document))

    text = "\n".join(pages)
    # ARR per month is 12 x MRR (marts_world.py): Jan 13,200, Feb 19,200, Mar 18,000, Apr 17,400
    for value in ("$13.2K", "$19.2K", "$18K", "$17.4K", "$1.1K", "$1.6K", "$1.5K", "$1.4K"):
        assert value in text
    assert "Board pack" in pages[0] and "ARR" in text and "MRR" in text
    for number, page in enumerate(pages, 1):
        assert f"Warehouse run #{run.pk} (hourly), finished" in page
        assert f"page {number} of {len(pages)}" in page
        assert "UTC by Custodian" in page


@pdftotext_needed
def test_header_says_when_no_run_has_built_the_marts(marts_world, executive):
    pages = pdf_pages(render_pdf(build_document(board_pack(), user=executive)))

    assert "No warehouse run has built the marts yet" in pages[0]
    assert "$13.2K" in "".join(pages)


@pdftotext_needed
def test_a_table_over_several_pages_repeats_its_header_and_loses_no_row():
    pages = pdf_pages(render_pdf(long_document(300)))

    assert len(pages) >= 4
    assert pages[-1].rstrip().endswith(f"page {len(pages)} of {len(pages)}")
    for page in pages:
        lines = [line.split() for line in page.splitlines()]
        table = [words for words in lines if words[:1] in (["Period"], ["Mar"])]
        assert table[0] == ["Period", "Customer", "ARR"]
        assert ["Period", "Customer", "ARR"] not in table[1:]
    rows = [line.split()[3] for page in pages for line in page.splitlines() if line.split()[:1] == ["Mar"]]
    assert rows == [f"{i:04d}" for i in range(300)]


@pdftotext_needed
def test_an_empty_report_renders_one_page_saying_why(
    marts_world, executive, django_capture_on_commit_callbacks
):
    finish_run(django_capture_on_commit_callbacks)
    spec = board_pack(start=date(2020, 1, 1), end=date(2020, 12, 31))
    document = build_document(spec, user=executive)

    pages = pdf_pages(render_pdf(document))

    assert len(pages) == 1
    assert "This report has no numbers for 1 Jan 2020 to 31 Dec 2020" in " ".join(pages[0].split())
    assert pages[0].count("No data for this period.") == 2
    assert "page 1 of 1" in pages[0]


@pdftotext_needed
def test_a_report_without_sections_and_without_a_run_says_so():
    document = long_document(0, sections=[], freshness=Freshness(run_id=None), notes=["ARR was removed."])

    text = pdf_pages(render_pdf(document))[0]

    assert "no warehouse run has built the data it reads" in text
    assert "Note: ARR was removed." in text


@pdftotext_needed
def test_a_chart_that_cannot_be_drawn_leaves_the_table(caplog):
    document = long_document(5)
    document.sections[0].chart = Chart.line(
        "Broken", [{"period": JAN, "value": object()}], x="period", y="value"
    )

    text = " ".join(" ".join(pdf_pages(render_pdf(document))).split())

    assert CHART_FAILED in text
    assert "Customer 0004 $4.0K" in text
    assert "could not be drawn" in caplog.text


@pdftotext_needed
def test_a_chart_is_drawn_as_an_image_and_long_cells_wrap(marts_world, executive):
    document = build_document(board_pack(metrics=("mrr",), dimension="tier"), user=executive)
    document.sections[0].rows[0]["segment"] = "A customer whose name is far too long for one column " * 2

    pdf = render_pdf(document)

    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert any(
        first["/Resources"]["/XObject"][name]["/Subtype"] == "/Image"
        for name in first["/Resources"]["/XObject"]
    )
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "far too long for one column A customer whose name" in text
    assert "Growth" in text and "$300" in text


def test_csv_holds_the_title_run_notes_and_every_section(
    marts_world, executive, django_capture_on_commit_callbacks
):
    run = finish_run(django_capture_on_commit_callbacks)
    document = build_document(board_pack(metrics=("arr", "gross_margin")), user=executive)
    document.notes.append("=HYPERLINK() is not a formula here")
    document.sections.append(
        ReportSection("Tickets", [("period", "Period")], [], note="No data for this period.")
    )

    rows = list(csv.reader(io.StringIO(render_csv(document))))

    assert rows[0] == ["Board pack"]
    assert rows[2] == [
        f"Numbers from: Warehouse run #{run.pk} (hourly), finished {run.finished_at:%Y-%m-%d %H:%M} UTC"
    ]
    assert ["Note", "'=HYPERLINK() is not a formula here"] in rows
    headings = [row[0] for row in rows if len(row) == 1]
    assert {"ARR", "Gross margin", "Tickets", "No data for this period."} <= set(headings)
    assert ["Jan 2026", "$13.2K"] in rows and ["Apr 2026", "$17.4K"] in rows
    assert ["Period", "ARR"] in rows and ["Jan 2026", "75.0 %"] in rows


@pdftotext_needed
def test_a_customer_viewers_pdf_holds_only_their_organisations_numbers(
    marts_world, executive, customer_viewer
):
    TenantKey.objects.create(organization=customer_viewer.organization, tenant_id=1)
    spec = board_pack(title="Work orders", metrics=("work_orders_completed",))

    def table(user) -> dict[str, str]:
        lines = [
            line.split()
            for page in pdf_pages(render_pdf(build_document(spec, user=user)))
            for line in page.splitlines()
        ]
        return {" ".join(words[:2]): words[-1] for words in lines if words[:1] in (["Jan"], ["Feb"], ["Apr"])}

    # throughput per month (marts_world.py): tenant 1 Jan 8, Feb 11, Apr 9; tenant 2 Jan 4, Feb 3
    assert table(customer_viewer) == {"Jan 2026": "8", "Feb 2026": "11", "Apr 2026": "9"}
    assert table(executive) == {"Jan 2026": "12", "Feb 2026": "14", "Apr 2026": "9"}
