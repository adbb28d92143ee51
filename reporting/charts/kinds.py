"""One Vega-Lite spec per chart kind, built with altair from a `Chart` (reporting/charts/__init__.py).

Categories keep the order of the rows (`sort=None`): the caller orders periods, segments and
steps. Value axes use the unit's format (formats.vega_format), the same as the table beside.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import altair as alt

from reporting.charts.formats import vega_format
from reporting.charts.theme import DECREASE, HEAT_SCHEME, INCREASE, PALETTE, TOTAL

WIDTH, HEIGHT, BAND = 440, 200, 26  # drawn at about 500 px wide: half the content of a 1,400 px page
WATERFALL_KINDS = {"Total": TOTAL, "Increase": INCREASE, "Decrease": DECREASE}


def spec_for(chart) -> dict:
    build = {
        "line": _line,
        "bar": _bar,
        "stacked_bar": _bar,
        "waterfall": _waterfall,
        "heatmap": _heatmap,
        "timeline": _timeline,
        "sparkline": _sparkline,
    }[chart.kind]
    spec = build(chart).to_dict(validate=False)
    spec.pop("config", None)  # the theme is added at render time (render.py)
    spec["description"] = chart.describe()
    return spec


def jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _data(rows: list[dict]) -> alt.Data:
    return alt.Data(values=[{key: jsonable(value) for key, value in row.items()} for row in rows])


def _category(chart, field: str, channel=alt.X, *, many: bool = False):
    """A category axis that never drops a name: slanted when the names would not fit side by side."""
    names = {str(row.get(field)) for row in chart.rows}
    crowded = many or sum(len(name) * 7 + 10 for name in names) > WIDTH
    angle = -40 if crowded and channel is alt.X else 0
    axis = alt.Axis(labelAngle=angle, labelOverlap=False, labelLimit=180)
    return channel(field, type="nominal", sort=None, title=chart.heading(field), axis=axis)


def _measure(chart, field: str, channel=alt.Y, *, title: str | None = None):
    labels = vega_format(chart.unit)
    if chart.unit in ("count", "tokens", "score"):
        # whole units: no label between integers (small counts would read 0, 1, 1 with ticks at
        # 0, 0.5 and 1; vl-convert's Vega does not apply tickMinStep to these scales)
        labels = f"floor(datum.value) === datum.value ? ({labels}) : ''"
    axis = alt.Axis(labelExpr=labels, tickCount=5)
    return channel(field, type="quantitative", title=title or chart.heading(field), axis=axis)


def _color(chart):
    return alt.Color(chart.color, type="nominal", sort=None, title=chart.heading(chart.color))


def _line(chart):
    many = len({row[chart.x] for row in chart.rows}) > 8
    encoding = {"x": _category(chart, chart.x, many=many), "y": _measure(chart, chart.y)}
    if chart.color:
        encoding["color"] = _color(chart)
    else:
        encoding["color"] = alt.value(PALETTE[0])
    mark = alt.Chart(_data(chart.rows)).mark_line(point=True, strokeWidth=2)
    return mark.encode(**encoding).properties(width=WIDTH, height=HEIGHT)


def _bar(chart):
    categories = list(dict.fromkeys(row[chart.x] for row in chart.rows))
    horizontal = chart.horizontal
    value_channel, category_channel = (alt.X, alt.Y) if horizontal else (alt.Y, alt.X)
    encoding = {
        ("y" if horizontal else "x"): _category(chart, chart.x, category_channel, many=len(categories) > 8),
        ("x" if horizontal else "y"): _measure(chart, chart.y, value_channel),
        "color": _color(chart) if chart.color else alt.value(PALETTE[0]),
    }
    if chart.color and chart.kind == "bar":  # side by side, not stacked
        offset = alt.YOffset if horizontal else alt.XOffset
        encoding["yOffset" if horizontal else "xOffset"] = offset(chart.color, type="nominal", sort=None)
    size = {"width": WIDTH, "height": max(HEIGHT // 2, BAND * len(categories))} if horizontal else {}
    return (
        alt.Chart(_data(chart.rows))
        .mark_bar()
        .encode(**encoding)
        .properties(**({"width": WIDTH, "height": HEIGHT} | size))
    )


def _waterfall(chart):
    base = alt.Chart(_data(chart.rows)).encode(x=_category(chart, "step"))
    colour = alt.Color(
        "kind",
        type="nominal",
        title=None,
        scale=alt.Scale(domain=list(WATERFALL_KINDS), range=list(WATERFALL_KINDS.values())),
    )
    bars = base.mark_bar().encode(
        y=_measure(chart, "start", title=chart.heading("amount")), y2=alt.Y2("end"), color=colour
    )
    labels = base.mark_text(baseline="bottom", dy=-3).encode(
        y=alt.Y("top", type="quantitative"), text=alt.Text("label", type="nominal")
    )
    return alt.layer(bars, labels).properties(width=WIDTH, height=HEIGHT)


def _heatmap(chart):
    columns = len({row[chart.x] for row in chart.rows})
    rows = len({row[chart.y] for row in chart.rows})
    scale = (
        alt.Scale(scheme=HEAT_SCHEME, domain=[0, 1])
        if chart.unit == "percent"
        else alt.Scale(scheme=HEAT_SCHEME)
    )
    legend = alt.Legend(labelExpr=vega_format(chart.unit), title=chart.heading(chart.value))
    base = alt.Chart(_data(chart.rows)).encode(
        x=_category(chart, chart.x, many=columns > 6), y=_category(chart, chart.y, alt.Y)
    )
    cells = base.mark_rect().encode(
        color=alt.Color(chart.value, type="quantitative", scale=scale, legend=legend)
    )
    dark_cell = f"datum['{chart.value}'] !== null && datum['{chart.value}'] < 0.45"
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("label", type="nominal"),
        color=alt.condition(dark_cell, alt.value("#ffffff"), alt.value("#000000")),
    )
    return alt.layer(cells, text).properties(width=WIDTH, height=max(BAND * 2, int(BAND * 1.4) * rows))


def _timeline(chart):
    axis = alt.Axis(format="%d %b", labelOverlap=True, tickCount=6, title=None)
    base = (
        alt.Chart(_data(chart.rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X(chart.x, type="temporal", axis=axis),
            x2=alt.X2(chart.x2),
            y=_category(chart, chart.y, alt.Y),
            color=_color(chart) if chart.color else alt.value(PALETTE[0]),
        )
    )
    today = alt.Chart(alt.Data(values=[{"today": chart.today_marker().isoformat(), "label": "Today"}]))
    rule = today.mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(x="today:T")
    label = today.mark_text(align="center", dy=-3, baseline="bottom").encode(
        x="today:T", y=alt.value(0), text=alt.Text("label", type="nominal")
    )
    height = max(BAND * 2, BAND * len(chart.rows))
    return alt.layer(base, rule, label).properties(width=WIDTH, height=height)


def _sparkline(chart):
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    base = alt.Chart(_data(chart.rows)).encode(
        x=alt.X(chart.x, type="ordinal", sort=None, axis=hidden),
        y=alt.Y(chart.y, type="quantitative", axis=hidden, scale=alt.Scale(zero=False)),
    )
    line = base.mark_line(color=PALETTE[0], strokeWidth=1.5)
    last = base.mark_point(color=PALETTE[0], filled=True, size=18).properties(data=_data(chart.rows[-1:]))
    return alt.layer(line, last).properties(width=120, height=28)
