"""Altair charts: the unit × content-area heatmap, the channel mix and activities by month.

Each function takes a frame or series from `reporting.metrics` and returns an `alt.Chart`; the page
draws it. Numbers use Vietnamese separators through the charts' locale, and every axis, legend and
tooltip is titled in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import altair as alt
import pandas as pd

from reporting import fmt
from reporting.catalog import AREA_BY_LETTER, AREA_LETTERS, CHANNEL_BY_CODE, CHANNEL_CODES

# Vega's number locale: 1.200 and 3,5 (d3-format's definition for vi-VN).
VN_LOCALE = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " ₫"]),
)
UNCOVERED = "#f4c7c3"  # a soft red: a cell no activity covers must stand out from the blues
COVERED_SCHEME = "blues"


def _finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(locale=VN_LOCALE).configure_axis(labelFontSize=12, titleFontSize=12)


def heatmap_frame(matrix: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Long form of `unit_area_matrix`: one row per unit and area with the labels a reader needs."""
    long = matrix.rename_axis(index="unit", columns="letter").stack().rename("count").reset_index()
    long["unit_name"] = long["unit"].map(lambda code: names.get(code, code))
    long["area"] = long["letter"].map(lambda letter: f"{letter}) {AREA_BY_LETTER[letter].label}")
    long["state"] = long["count"].map(lambda n: "Chưa có hoạt động" if n == 0 else f"{fmt.number(n)} hoạt động")
    return long


def coverage_heatmap(matrix: pd.DataFrame, names: Mapping[str, str]) -> alt.TopLevelMixin:
    """Units down, the ten areas across; uncovered cells in soft red with a dash, the rest in blues."""
    data = heatmap_frame(matrix, names)
    unit_order = [names.get(code, code) for code in matrix.index]
    base = alt.Chart(data).encode(
        x=alt.X(
            "letter:N",
            sort=list(AREA_LETTERS),
            title="Nội dung tuyên truyền (di chuột vào ô để xem tên nội dung)",
            axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"),
        ),
        y=alt.Y(
            "unit_name:N",
            sort=unit_order,
            title=None,
            axis=alt.Axis(labelLimit=360, labelOverlap=False, labelFontSize=13),
        ),
        tooltip=[
            alt.Tooltip("unit_name:N", title="Đơn vị"),
            alt.Tooltip("area:N", title="Nội dung"),
            alt.Tooltip("state:N", title="Trong kỳ"),
        ],
    )
    peak = max(int(data["count"].max()) if len(data) else 1, 1)
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            alt.datum.count == 0,
            alt.value(UNCOVERED),
            alt.Color(
                "count:Q",
                title="Số hoạt động",
                scale=alt.Scale(scheme=COVERED_SCHEME, domain=[1, max(peak, 2)]),
                legend=alt.Legend(orient="bottom", format="d", tickMinStep=1),
            ),
        )
    )
    labels = (
        base.mark_text(fontSize=12)
        .encode(
            text=alt.Text("label:N"),
            color=alt.condition(alt.datum.count > peak * 0.6, alt.value("white"), alt.value("#1f2937")),
        )
        .transform_calculate(label="datum.count == 0 ? '–' : format(datum.count, ',d')")
    )
    return _finish((cells + labels).properties(height=alt.Step(34)))


def channel_frame(counts: pd.Series, quantities: pd.Series | None = None) -> pd.DataFrame:
    rows = []
    for code in CHANNEL_CODES:
        channel = CHANNEL_BY_CODE[code]
        rows.append(
            {
                "code": code,
                "order": channel.number,
                "channel": f"{channel.number}. {channel.label}",
                "activities": int(counts.get(code, 0)),
                "quantity": int(quantities.get(code, 0)) if quantities is not None else None,
            }
        )
    return pd.DataFrame(rows)


def channel_chart(counts: pd.Series, quantities: pd.Series | None = None) -> alt.TopLevelMixin:
    """Activities per channel, the plan's six in the plan's order, as horizontal bars with their count."""
    data = channel_frame(counts, quantities)
    tooltip = [alt.Tooltip("channel:N", title="Hình thức"), alt.Tooltip("activities:Q", title="Hoạt động", format=",d")]
    if quantities is not None:
        tooltip.append(alt.Tooltip("quantity:Q", title="Số lượng", format=",d"))
    base = alt.Chart(data).encode(
        y=alt.Y("channel:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=340)),
        x=alt.X("activities:Q", title="Số hoạt động", axis=alt.Axis(format=",d", tickMinStep=1)),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color="#1f6feb", cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("activities:Q", format=",d"))
    return _finish((bars + text).properties(height=230))


def monthly_frame(frame: pd.DataFrame, highlight: tuple[date, date] | None = None) -> pd.DataFrame:
    """`monthly_counts` with a Vietnamese month label and whether the month touches the highlighted span."""
    data = frame.copy()
    data["label"] = data["month"].map(lambda m: f"{m.month:02d}/{m.year}")
    data["name"] = data["month"].map(fmt.month_name)
    if highlight is None:
        data["chosen"] = "Các tháng khác"
    else:
        start, end = highlight
        data["chosen"] = data["month"].map(
            lambda m: (
                "Trong quý đang xem"
                if (m.year, m.month) >= (start.year, start.month) and (m.year, m.month) <= (end.year, end.month)
                else "Các tháng khác"
            )
        )
    return data


def monthly_chart(frame: pd.DataFrame, highlight: tuple[date, date] | None = None) -> alt.TopLevelMixin:
    """Activities per calendar month across the year; the months of the chosen quarter in a darker blue."""
    data = monthly_frame(frame, highlight)
    base = alt.Chart(data).encode(
        x=alt.X("label:N", sort=list(data["label"]), title="Tháng", axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
        y=alt.Y("activities:Q", title="Số hoạt động", axis=alt.Axis(format=",d", tickMinStep=1)),
        tooltip=[alt.Tooltip("name:N", title="Tháng"), alt.Tooltip("activities:Q", title="Hoạt động", format=",d")],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color(
            "chosen:N",
            title=None,
            scale=alt.Scale(domain=["Trong quý đang xem", "Các tháng khác"], range=["#1f6feb", "#a5c8f5"]),
            legend=alt.Legend(orient="top"),
        )
    )
    text = base.mark_text(dy=-7, fontSize=11).encode(text=alt.Text("activities:Q", format=",d"))
    return _finish((bars + text).properties(height=260))
