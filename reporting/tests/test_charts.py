"""The chart library: each kind draws what its rows say, in both admin themes, with the same
numbers in its table, its CSV and on its axes."""

import csv
import datetime
import io
import re
import struct

import altair as alt
import jsonschema
import pytest
import vl_convert

from reporting.charts import KINDS, Chart, WaterfallDoesNotReconcile, format_value, render
from reporting.charts.formats import MINUS
from reporting.charts.theme import BACKGROUNDS, DECREASE, INCREASE, INK, PALETTE, TOTAL, contrast
from reporting.tests.charts_svg import axis_labels, mark_texts, marks

MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]


def trend_rows():
    values = {"Enterprise": [100_000, 120_000, 125_000, 140_000], "SMB": [20_000, 22_000, 21_000, 25_000]}
    return [{"period": m, "tier": t, "arr": v[i]} for t, v in values.items() for i, m in enumerate(MONTHS)]


def mrr_waterfall(closing=115_000):
    steps = [
        ("New", 20_000),
        ("Expansion", 5_000),
        ("Reactivation", 1_000),
        ("Contraction", -3_000),
        ("Churn", -8_000),
    ]
    return Chart.waterfall("MRR movements", opening=100_000, steps=steps, closing=closing, id="mrr-movements")


def one_of_each_kind() -> list[Chart]:
    rows = trend_rows()
    return [
        Chart.line("ARR", rows, x="period", y="arr", color="tier", unit="usd"),
        Chart.bar("ARR by tier", rows[:4], x="period", y="arr", unit="usd"),
        Chart.stacked_bar("Open CAPAs", capa_rows(), x="age", y="open", color="severity"),
        mrr_waterfall(),
        Chart.heatmap("Readiness", readiness_rows(), x="criterion", y="framework", value="readiness"),
        Chart.timeline(
            "Audits", audit_rows(), label="audit", start="start", end="end", today=datetime.date(2026, 2, 10)
        ),
        Chart.sparkline("ARR trend", rows[:4], x="period", y="arr", unit="usd"),
    ]


def capa_rows():
    return [
        {"age": "0-30 days", "severity": "Major", "open": 3},
        {"age": "0-30 days", "severity": "Minor", "open": 2},
        {"age": "31-90 days", "severity": "Major", "open": 1},
        {"age": "Over 90 days", "severity": "Critical", "open": 1},
    ]


def readiness_rows():
    return [
        {"framework": "SOC 2", "criterion": "CC1", "readiness": 0.9},
        {"framework": "SOC 2", "criterion": "CC2", "readiness": 0.3},
        {"framework": "HIPAA", "criterion": "CC1", "readiness": 0.55},
        {"framework": "HIPAA", "criterion": "CC2", "readiness": 1.0},
    ]


def audit_rows():
    return [
        {"audit": "SOC 2 Type II", "start": datetime.date(2026, 1, 10), "end": datetime.date(2026, 3, 1)},
        {"audit": "HIPAA", "start": datetime.date(2026, 2, 1), "end": datetime.date(2026, 2, 20)},
        {"audit": "Part 11", "start": datetime.date(2026, 4, 1), "end": datetime.date(2026, 4, 15)},
    ]


def test_line_draws_one_line_per_segment_and_a_point_per_row():
    svg = Chart.line("ARR", trend_rows(), x="period", y="arr", color="tier", unit="usd").svg()
    assert len(marks(svg, "line")) == 2
    assert len(marks(svg, "symbol")) == 8
    assert axis_labels(svg, "X") == MONTHS


def test_each_segment_gets_its_own_palette_colour():
    svg = Chart.line("ARR", trend_rows(), x="period", y="arr", color="tier", unit="usd").svg()
    assert [line.get("stroke") for line in marks(svg, "line")] == list(PALETTE[:2])


def test_bar_draws_a_bar_per_row_and_turns_horizontal_for_long_labels():
    short = Chart.bar(
        "ARR by tier", [{"tier": "SMB", "arr": 5}, {"tier": "Mid", "arr": 7}], x="tier", y="arr"
    )
    long = Chart.bar(
        "Tickets",
        [{"tenant": "Northwind Health Partners", "n": 4}, {"tenant": "Acme", "n": 2}],
        x="tenant",
        y="n",
    )
    assert not short.horizontal and long.horizontal
    assert len(marks(short.svg(), "rect")) == 2
    assert axis_labels(short.svg(), "X") == ["SMB", "Mid"]
    assert axis_labels(long.svg(), "Y") == ["Northwind Health Partners", "Acme"]


def test_stacked_bar_stacks_segments_per_category():
    chart = Chart.stacked_bar("Open CAPAs", capa_rows(), x="age", y="open", color="severity")
    svg = chart.svg()
    assert len(marks(svg, "rect")) == 4
    assert axis_labels(svg, "X") == ["0-30 days", "31-90 days", "Over 90 days"]
    assert "xOffset" not in chart.spec()["encoding"]  # stacked, not side by side


def test_waterfall_reconciles_opening_to_closing_and_marks_decreases():
    chart = mrr_waterfall()
    steps = [row["step"] for row in chart.rows]
    assert steps == ["Opening", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Closing"]
    assert [row["end"] for row in chart.rows][-2:] == [115_000, 115_000]  # the last step ends at the closing
    svg = chart.svg()
    fills = [rect.get("fill") for rect in marks(svg, "rect")]
    assert fills == [TOTAL, INCREASE, INCREASE, INCREASE, DECREASE, DECREASE, TOTAL]
    assert mark_texts(svg) == ["$100K", "+$20K", "+$5K", "+$1K", f"{MINUS}$3K", f"{MINUS}$8K", "$115K"]


def test_waterfall_that_does_not_reconcile_is_refused_with_the_gap():
    with pytest.raises(WaterfallDoesNotReconcile, match=rf"off by {MINUS}\$1K"):
        mrr_waterfall(closing=116_000)


def test_waterfall_of_the_metric_layer_mrr_movements_reconciles(marts_world, executive):
    from reporting.series import metric_series
    from reporting.tests.marts_world import FEB

    def value(metric):
        return next(p.value for p in metric_series(user=executive, metric=metric).points if p.period == FEB)

    steps = [
        ("New", value("new_mrr")),
        ("Expansion", value("expansion_mrr")),
        ("Reactivation", value("reactivation_mrr")),
    ]
    steps += [("Contraction", -value("contraction_mrr")), ("Churn", -value("churned_mrr"))]
    chart = Chart.waterfall("MRR movements", opening=value("opening_mrr"), steps=steps, closing=value("mrr"))
    assert chart.rows[-1]["end"] == float(value("mrr"))


def test_heatmap_draws_a_cell_per_value_labelled_in_percent():
    svg = Chart.heatmap("Readiness", readiness_rows(), x="criterion", y="framework", value="readiness").svg()
    assert len(marks(svg, "rect")) == 4
    assert mark_texts(svg) == ["90.0 %", "30.0 %", "55.0 %", "100.0 %"]


def test_timeline_draws_a_bar_per_audit_and_marks_today():
    chart = Chart.timeline(
        "Audits", audit_rows(), label="audit", start="start", end="end", today=datetime.date(2026, 2, 10)
    )
    svg = chart.svg()
    bars, (today,) = marks(svg, "rect"), marks(svg, "rule")
    assert len(bars) == 3
    assert "Today" in mark_texts(svg)
    assert axis_labels(svg, "Y") == ["SOC 2 Type II", "HIPAA", "Part 11"]
    today_x = float(re.search(r"translate\(([\d.]+)", today.get("transform")).group(1))
    first_bar_left = float(re.search(r"M([\d.]+)", bars[0].get("d")).group(1))
    assert today_x > first_bar_left  # 10 February lies after the first audit starts


def test_sparkline_is_a_line_with_its_last_point_marked():
    svg = Chart.sparkline("ARR", trend_rows()[:4], x="period", y="arr", unit="usd").svg()
    assert len(marks(svg, "line")) == 1 and len(marks(svg, "symbol")) == 1
    assert axis_labels(svg, "X") == []


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1_234_567, "usd", "$1.2M"),
        (1_000_000, "usd", "$1M"),
        (2_500_000_000, "usd", "$2.5B"),
        (-8_000, "usd", f"{MINUS}$8K"),
        (850, "usd", "$850"),
        (0.85, "percent", "85.0 %"),
        (0.0049, "percent", "0.5 %"),
        (1234, "count", "1,234"),
        (12.46, "hours", "12.5 h"),
        (3_400_000, "tokens", "3.4M"),
        (None, "usd", "—"),
    ],
)
def test_format_value_per_unit(value, unit, text):
    assert format_value(value, unit) == text


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="Unknown unit 'eur'"):
        format_value(3, "eur")
    with pytest.raises(ValueError, match="Unknown unit"):
        Chart.line("Revenue", [], x="p", y="v", unit="eur")


@pytest.mark.parametrize(("unit", "top", "steps"), [("usd", 2_000_000, 100_000), ("percent", 1, 0.05)])
def test_axis_labels_are_formatted_as_the_table_formats_them(unit, top, steps):
    chart = Chart.bar("Spread", [{"k": "low", "v": 0}, {"k": "high", "v": top}], x="k", y="v", unit=unit)
    candidates = {format_value(round(i * steps, 6), unit) for i in range(int(top / steps) + 1)}
    labels = axis_labels(chart.svg(), "Y")
    assert len(labels) >= 3 and set(labels) <= candidates
    assert chart.display_table()[1] == [["low", format_value(0, unit)], ["high", format_value(top, unit)]]


def test_png_is_a_valid_png_of_the_chart_size():
    png = mrr_waterfall().png(scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 440 and height > 200


def test_csv_holds_the_table():
    chart = Chart.line(
        "ARR", trend_rows(), x="period", y="arr", color="tier", unit="usd", labels={"arr": "ARR (USD)"}
    )
    headings, rows = chart.table()
    parsed = list(csv.reader(io.StringIO(chart.csv())))
    assert parsed[0] == headings == ["Period", "Tier", "ARR (USD)"]
    assert parsed[1:] == [[str(cell) for cell in row] for row in rows]
    assert parsed[1] == ["Jan 2026", "Enterprise", "100000"]


def test_csv_of_a_waterfall_lists_each_step_with_its_running_total():
    parsed = list(csv.reader(io.StringIO(mrr_waterfall().csv())))
    assert parsed[0] == ["Step", "Amount", "Running total"]
    assert parsed[6] == ["Churn", "-8000.0", "115000.0"]


def test_csv_defuses_text_a_spreadsheet_would_run_as_a_formula():
    chart = Chart.bar("Tenants", [{"tenant": "=HYPERLINK(1)", "n": -2}], x="tenant", y="n")
    assert list(csv.reader(io.StringIO(chart.csv())))[1] == ["'=HYPERLINK(1)", "-2"]


@pytest.mark.parametrize("chart", one_of_each_kind(), ids=KINDS)
def test_svg_names_no_external_url(chart):
    svg = chart.svg()
    namespaces = {'xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"'}
    assert not re.search(r"href|@import|<image", svg)
    assert re.findall(r"url\(([^)]*)\)", svg) == re.findall(
        r"url\((#c[0-9a-f]{12}-[\w-]+)\)", svg
    )  # local only
    assert {m.group(0) for m in re.finditer(r'[\w:]+="[a-z]+://[^"]*"', svg)} <= namespaces
    assert "//" not in re.sub("|".join(map(re.escape, namespaces)), "", svg)


@pytest.mark.parametrize("chart", one_of_each_kind(), ids=KINDS)
def test_svg_draws_text_in_the_page_colour_on_no_background(chart):
    svg = chart.svg()
    assert INK not in svg.lower()
    assert 'fill="currentColor"' in svg or chart.kind == "sparkline"
    assert not re.search(r'fill="(#fff(fff)?|white)"', svg.split("role-mark")[0])  # no painted backdrop


@pytest.mark.parametrize("chart", one_of_each_kind(), ids=KINDS)
def test_every_kind_builds_a_valid_vega_lite_spec(chart):
    jsonschema.validate(chart.spec(), alt.vegalite.v6.schema.core.load_schema())


def test_two_charts_on_one_page_do_not_share_element_ids():
    first = Chart.heatmap("Readiness", readiness_rows(), x="criterion", y="framework", value="readiness")
    second = Chart.heatmap(
        "Readiness by tenant", readiness_rows()[:2], x="criterion", y="framework", value="readiness"
    )
    ids = [set(re.findall(r'id="([^"]+)"', chart.svg())) for chart in (first, second)]
    assert ids[0] and not ids[0] & ids[1]
    for chart in (first, second):
        svg = chart.svg()
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= set(re.findall(r'id="([^"]+)"', svg))


def test_svg_has_a_title_and_description_for_screen_readers():
    svg = Chart.line("ARR <by tier>", trend_rows(), x="period", y="arr", color="tier", unit="usd").svg()
    opening = svg[: svg.index(">") + 1]
    assert 'role="img"' in opening and "aria-labelledby=" in opening
    assert "<title id=" in svg and "ARR &lt;by tier&gt;</title>" in svg
    assert "Line chart of ARR &lt;by tier&gt;, 2 series by tier, 8 values" in svg


def test_data_text_is_escaped_in_the_svg():
    svg = Chart.bar("Tenants", [{"tenant": "<script>x</script>", "n": 1}], x="tenant", y="n").svg()
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_palette_is_readable_on_the_light_and_dark_admin_themes():
    for colour in (*PALETTE, TOTAL, INCREASE, DECREASE):
        for theme, background in BACKGROUNDS.items():
            assert contrast(colour, background) >= 3, f"{colour} on the {theme} theme"


def test_a_chart_rendered_once_is_served_from_the_cache(monkeypatch):
    render.CACHE.clear()
    conversions = []
    convert = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: conversions.append(1) or convert(spec))
    first = mrr_waterfall().svg()
    assert mrr_waterfall().svg() == first
    assert len(conversions) == 1
    mrr_waterfall(closing=None).svg()  # the same numbers, the closing computed: the same picture
    Chart.waterfall("MRR movements", opening=1, steps=[("New", 2)]).svg()  # new numbers: a new picture
    assert len(conversions) == 2


def test_a_chart_drawn_by_one_worker_is_not_drawn_again_by_another(monkeypatch):
    render.CACHE.clear()
    conversions = []
    convert = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: conversions.append(1) or convert(spec))
    first = mrr_waterfall().svg()
    render.CACHE.clear()  # another process: its own LRU is empty, Django's cache is shared
    assert mrr_waterfall().svg() == first
    assert len(conversions) == 1


def test_an_empty_chart_says_so_instead_of_drawing():
    chart = Chart.line("ARR", [{"period": "Jan 2026", "arr": None}], x="period", y="arr", unit="usd")
    assert chart.is_empty and chart.svg() == ""
    assert Chart.bar("Nothing", [], x="k", y="v").is_empty
    with pytest.raises(ValueError, match="no data"):
        chart.png()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown chart kind 'pie'"):
        Chart("Share", "pie", [], x="k", y="v")
