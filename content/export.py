"""Xuất báo cáo: the office's quarterly (half-year, yearly) consolidated table, previewed and downloaded.

Widgets choose the period; `reporting.export` builds the `Tổng hợp` preview and the three files from the
same `summarize` the dashboard uses, so the download equals the screen and equals the CLI's
`python -m reporting export` for the same period and moment. The export always covers every unit.
"""

from __future__ import annotations

import streamlit as st

from components.context import current_view
from components.filters import year_options
from reporting import fmt
from reporting.export import FORMATS, MIME_TYPES, file_name, period_from_args, summary_table
from reporting.export.common import period_line
from reporting.metrics import summarize

KINDS = {"quarter": "Quý", "half": "6 tháng", "year": "Cả năm"}
BUTTONS = {"xlsx": "Bảng tổng hợp (.xlsx)", "csv": "Danh sách hoạt động (.csv)", "docx": "Dự thảo báo cáo (.docx)"}

view = current_view()
parsed = view.parsed
st.title("Xuất báo cáo")
if view.user is None or not view.user.can_export:  # the navigation leaves the page out; this says it again
    st.info("Chỉ Văn phòng Sở xuất bảng tổng hợp.", icon=":material/lock:")
    st.stop()
st.caption("Bảng tổng hợp toàn Sở gửi UBND tỉnh; không theo bộ lọc đơn vị ở thanh bên.")

left, middle, right = st.columns([2, 1, 1])
kind = left.segmented_control(
    "Kỳ báo cáo", list(KINDS), format_func=KINDS.get, default="quarter", key="export_kind", required=True
)
years = year_options(parsed, view.filters.year)
year = middle.selectbox("Năm", years, index=years.index(view.filters.year), key="export_year")
quarter_index = half_index = None
if kind == "quarter":
    quarter_index = right.selectbox(
        "Quý", [1, 2, 3, 4], index=view.filters.quarter - 1, format_func=fmt.quarter_name, key="export_quarter"
    )
elif kind == "half":
    half_index = right.selectbox(
        "Nửa năm", [1, 2], format_func=lambda h: "6 tháng đầu năm" if h == 1 else "6 tháng cuối năm", key="export_half"
    )
period = period_from_args(year, quarter_index, half_index, kind == "year", parsed.rules)
summary = summarize(parsed, period, view.now)

st.subheader(f"Bảng tổng hợp {period.label}")
st.caption(f"{period_line(period)} · trạng thái báo cáo tính đến {fmt.moment(view.now)}")
table = summary_table(summary)
# Counts arrive worded ("1.200", as in the files): right-aligned like numbers, STT pinned with the unit.
right = st.column_config.TextColumn(alignment="right")
numbers = {h: right for h, c in zip(table.headers, table.columns, strict=True) if c.kind == "int"}
pinned = {h: st.column_config.TextColumn(pinned=True) for h in ("STT", "Đơn vị")}
st.dataframe(table.frame(), hide_index=True, width="stretch", column_config=numbers | pinned, key="export_preview")
for note in table.notes:
    st.caption(note)

for column, (ext, label) in zip(st.columns(len(FORMATS)), BUTTONS.items(), strict=True):
    column.download_button(
        label,
        data=FORMATS[ext](summary, parsed, view.settings),
        file_name=file_name(period, ext),
        mime=MIME_TYPES[ext],
        key=f"export_download_{ext}",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
