"""Charts: the unit × content-area heatmap, the channel mix and activities by month.

Each chart is designed with Altair, but built into a Vega-Lite spec once per process (`@cache`) and
then drawn with fresh data on every run: building the same layered Altair chart on every rerun costs
80–120 ms each (copies and schema checks), which alone would break the 300 ms budget of a filter
change. So every data-dependent choice lives in the data (sort order, text colour, labels) and the spec
stays the same; `*_chart` functions return a `Chart` (spec + data) that `show` draws.

Numbers use Vietnamese separators through the charts' locale, and every axis, legend and tooltip is
titled in Vietnamese.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from reporting import fmt
from reporting.plan import PLAN_2023, Plan

# Vega's number locale: 1.200 and 3,5 (d3-format's definition for vi-VN).
VN_LOCALE = alt.Locale(number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " ₫"]))
UNCOVERED = "#f4c7c3"  # a soft red: a cell no activity covers must stand out from the blues
COVERED_SCHEME = "blues"
IN_QUARTER, OTHER_MONTHS = "Trong kỳ đang xem", "Các tháng khác"


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec (built once by Altair) and the rows it draws."""

    spec: dict[str, Any]
    data: pd.DataFrame


def show(chart: Chart, key: str) -> None:
    # A copy: Streamlit adds to the spec it is given, and the template is shared between runs.
    st.vega_lite_chart(chart.data, copy.deepcopy(chart.spec), width="stretch", key=key)


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The spec without data: Altair gives a data-less chart an "empty" dataset, which would shadow ours."""
    spec = chart.configure(locale=VN_LOCALE).configure_axis(labelFontSize=12, titleFontSize=12).to_dict()
    spec.pop("datasets", None)
    spec.pop("data", None)
    for layer in spec.get("layer", []):
        layer.pop("data", None)
    return spec


def wrap_label(text: str, width: int) -> str:
    """`text` on at most two lines of about `width` characters, broken at a space, "|" between them (the
    axes split there): a long name stays whole on a phone instead of being cut with an ellipsis."""
    if len(text) <= width or " " not in text:
        return text
    cut = text.rfind(" ", 0, width + 1)
    if cut <= 0:
        cut = text.find(" ")
    return f"{text[:cut]}|{text[cut + 1 :]}"


# ---------------------------------------------------------------------------------------------- heatmap


def heatmap_frame(matrix: pd.DataFrame, names: Mapping[str, str], plan: Plan = PLAN_2023) -> pd.DataFrame:
    """Long form of `unit_area_matrix`: one row per unit and area, with what the reader sees.

    Built from plain lists: a few hundred cells, where pandas' per-call overhead would cost more than the data.
    """
    counts = matrix.to_numpy()
    peak = max(int(counts.max()) if counts.size else 1, 1)
    rows = []
    for order, (code, line) in enumerate(zip(matrix.index, counts, strict=True)):
        for letter, n in zip(matrix.columns, line, strict=True):
            count = int(n)
            rows.append(
                {
                    "unit": code,
                    "letter": letter,
                    "count": count,
                    "order": order,
                    "unit_name": names.get(code, code),
                    "unit_lines": wrap_label(names.get(code, code), 24),
                    "area": f"{letter}) {plan.area_by_letter[letter].label}",
                    "area_order": plan.letters.index(letter),
                    "state": "Chưa có hoạt động" if count == 0 else f"{fmt.number(count)} hoạt động",
                    "label": "–" if count == 0 else fmt.number(count),
                    "dark": count > peak * 0.55,  # white text on the darkest blues
                }
            )
    columns = ["unit", "letter", "count", "order", "unit_name", "unit_lines", "area", "area_order", "state", "label"]
    columns.append("dark")
    return pd.DataFrame(rows, columns=columns)


@cache
def _heatmap_spec(title: str) -> dict[str, Any]:
    base = alt.Chart().encode(
        x=alt.X(
            "letter:N",
            sort=alt.EncodingSortField(field="area_order", op="min"),
            title=title,  # short: a phone shows it whole
            axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"),
        ),
        # Unit names on up to two lines ("|" marks the break): a phone keeps room for the ten columns.
        y=alt.Y(
            "unit_lines:N",
            sort=alt.EncodingSortField(field="order", op="min"),
            title=None,
            axis=alt.Axis(labelLimit=190, labelOverlap=False, labelFontSize=12, labelExpr="split(datum.label, '|')"),
        ),
        tooltip=[
            alt.Tooltip("unit_name:N", title="Đơn vị"),
            alt.Tooltip("area:N", title="Nội dung"),
            alt.Tooltip("state:N", title="Trong kỳ"),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.condition(
            alt.datum.count == 0,
            alt.value(UNCOVERED),
            alt.Color(
                "count:Q",
                title="Số hoạt động",
                # unionWith keeps the legend 1 → 2 or more when nothing is covered (else it reads "1 … 0"); the
                # scheme starts at a visible blue, so one activity never looks like white paper.
                scale=alt.Scale(
                    scheme={"name": COVERED_SCHEME, "extent": [0.3, 1]}, domainMin=1, domain={"unionWith": [1, 2]}
                ),
                legend=alt.Legend(orient="bottom", format="d", tickMinStep=1),
            ),
        )
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("label:N"),
        color=alt.condition(alt.datum.dark, alt.value("white"), alt.value("#1f2937")),
    )
    return _finish((cells + labels).properties(height=alt.Step(34)))


def coverage_heatmap(matrix: pd.DataFrame, names: Mapping[str, str], plan: Plan = PLAN_2023) -> Chart:
    """Units down (in the sheet's order), the plan's areas across; uncovered cells soft red with a dash."""
    return Chart(_heatmap_spec(f"Nội dung {plan.letter_span} (tên ở bảng dưới)"), heatmap_frame(matrix, names, plan))


# ------------------------------------------------------------------------------------------- channel mix


def channel_frame(counts: pd.Series, quantities: pd.Series | None = None, plan: Plan = PLAN_2023) -> pd.DataFrame:
    rows = []
    for channel in plan.channels:
        code = channel.code
        rows.append(
            {
                "code": code,
                "order": channel.number,
                "channel": f"{channel.number}. {channel.label}",
                "channel_lines": wrap_label(f"{channel.number}. {channel.label}", 26),
                "activities": int(counts.get(code, 0)),
                "quantity": int(quantities.get(code, 0)) if quantities is not None else 0,
            }
        )
    return pd.DataFrame(rows)


@cache
def _channel_spec() -> dict[str, Any]:
    base = alt.Chart().encode(
        y=alt.Y(
            "channel_lines:N",
            sort=alt.EncodingSortField(field="order", op="min"),
            title=None,
            axis=alt.Axis(labelLimit=200, labelOverlap=False, labelExpr="split(datum.label, '|')"),
        ),
        x=alt.X("activities:Q", title="Số hoạt động", axis=alt.Axis(format=",d", tickMinStep=1)),
        tooltip=[
            alt.Tooltip("channel:N", title="Hình thức"),
            alt.Tooltip("activities:Q", title="Hoạt động", format=",d"),
            alt.Tooltip("quantity:Q", title="Số lượng", format=",d"),
        ],
    )
    bars = base.mark_bar(color="#1f6feb", cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("activities:Q", format=",d"))
    # Room for two-line labels on every bar: Vega would otherwise drop every other label.
    return _finish((bars + text).properties(height=alt.Step(44)))


def channel_chart(counts: pd.Series, quantities: pd.Series | None = None, plan: Plan = PLAN_2023) -> Chart:
    """Activities per channel, the plan's channels in the plan's order, as horizontal bars with their count."""
    return Chart(_channel_spec(), channel_frame(counts, quantities, plan))


# ---------------------------------------------------------------------------------------------- by month


def monthly_frame(frame: pd.DataFrame, highlight: tuple[date, date] | None = None) -> pd.DataFrame:
    """`monthly_counts` with a Vietnamese month label (and its reporting span in the tooltip) and whether the
    reporting month lies within the highlighted period."""
    starts = frame["start"] if "start" in frame else frame["month"]
    ends = frame["end"] if "end" in frame else frame["month"]
    rows = []
    for order, (month, start, end, count) in enumerate(
        zip(frame["month"], starts, ends, frame["activities"], strict=True)
    ):
        inside = highlight is not None and highlight[0] <= start and end <= highlight[1]
        span = f" ({start:%d/%m} – {end:%d/%m/%Y})" if "start" in frame else ""
        rows.append(
            {
                "activities": int(count),
                "order": order,
                "label": f"{month.month:02d}/{month.year}",
                "name": fmt.month_name(month) + span,
                "chosen": IN_QUARTER if inside else OTHER_MONTHS,
            }
        )
    return pd.DataFrame(rows, columns=["activities", "order", "label", "name", "chosen"])


@cache
def _monthly_spec() -> dict[str, Any]:
    base = alt.Chart().encode(
        x=alt.X(
            "label:N",
            sort=alt.EncodingSortField(field="order", op="min"),
            title="Tháng",
            axis=alt.Axis(labelAngle=-40, labelOverlap=False),
        ),
        y=alt.Y("activities:Q", title="Số hoạt động", axis=alt.Axis(format=",d", tickMinStep=1)),
        tooltip=[alt.Tooltip("name:N", title="Tháng"), alt.Tooltip("activities:Q", title="Hoạt động", format=",d")],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color(
            "chosen:N",
            title=None,
            scale=alt.Scale(domain=[IN_QUARTER, OTHER_MONTHS], range=["#1f6feb", "#a5c8f5"]),
            legend=alt.Legend(orient="top"),
        )
    )
    text = base.mark_text(dy=-7, fontSize=11).encode(text=alt.Text("activities:Q", format=",d"))
    return _finish((bars + text).properties(height=260))


def monthly_chart(frame: pd.DataFrame, highlight: tuple[date, date] | None = None) -> Chart:
    """Activities per calendar month across the year; the months of the chosen quarter in a darker blue."""
    return Chart(_monthly_spec(), monthly_frame(frame, highlight))
