"""The floor of `bench/first_paint.py`: the least a Streamlit page with the overview's main chart can cost.

A title and one Altair chart of the same kind and size as the overview's unit × content-area heatmap on the
demo workbook (12 units × 10 areas, coloured cells with their count, one row per 34 px, full width), built
the plain way (`st.altair_chart` of a fresh chart). No data source, no sidebar, no other element.
Run by the benchmark as `streamlit run bench/floor_app.py`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

UNITS = [f"Đơn vị {number}" for number in range(1, 13)]
AREAS = list("abcdeghklm")

st.title("Tổng quan")
cells = pd.DataFrame(
    [{"unit": unit, "area": area, "count": (row * 7 + column * 3) % 9} for row, unit in enumerate(UNITS)
     for column, area in enumerate(AREAS)]
)  # fmt: skip
base = alt.Chart(cells).encode(
    x=alt.X("area:N", title="Nội dung", axis=alt.Axis(orient="top", labelAngle=0)),
    y=alt.Y("unit:N", sort=UNITS, title=None),
    tooltip=["unit:N", "area:N", "count:Q"],
)
heatmap = base.mark_rect(stroke="white", strokeWidth=2).encode(color=alt.Color("count:Q", title="Số hoạt động"))
labels = base.mark_text(fontSize=12).encode(text="count:Q")
st.altair_chart((heatmap + labels).properties(height=alt.Step(34)), width="stretch")
