"""Chất lượng dữ liệu: every problem in the spreadsheet, by unit and severity, and what it costs the figures."""

from __future__ import annotations

import streamlit as st

from components import kpi, tables
from components.context import current_view
from components.filters import unit_names
from components.safe import md
from reporting import fmt
from reporting.metrics import severity_counts

SEVERITY_KEY = "quality_severity"
SEVERITIES = {"all": "Tất cả", "error": "Lỗi", "warning": "Cảnh báo"}

view = current_view()
parsed, filters = view.parsed, view.filters
names = unit_names(parsed)
problems = parsed.problems
who = md(names[filters.unit]) if filters.unit else "toàn bảng tính"  # Markdown-safe: it is data

st.title("Chất lượng dữ liệu")
st.caption(
    f"{fmt.capitalize(who)} · mọi dòng trong bảng tính đều được kiểm tra, không riêng quý đang chọn. "
    "Dòng có lỗi không được tính vào số liệu cho đến khi sửa; dòng chỉ có cảnh báo vẫn được tính."
)

if filters.unit:
    problems = problems[problems["unit_code"] == filters.unit]
excluded = tables.excluded_rows(problems)
counts = severity_counts(problems)
errors, warnings = counts["errors"], counts["warnings"]
# Rows read = rows counted + rows with errors (the rule of no silent loss), per unit as in total.
counted = int((parsed.activities["unit_code"] == filters.unit).sum()) if filters.unit else len(parsed.activities)
rows_read = counted + len(excluded)
kpi.render_cards(
    [
        kpi.Card("Dòng đã đọc", fmt.number(rows_read), help="Dòng hoạt động không trống trong các trang đơn vị."),
        kpi.Card("Dòng được tính", fmt.number(counted)),
        kpi.Card("Dòng bị loại do lỗi", fmt.number(len(excluded))),
        kpi.Card("Lỗi", fmt.number(errors)),
        kpi.Card("Cảnh báo", fmt.number(warnings)),
    ],
)

withdrawn = parsed.withdrawn
if filters.unit:
    withdrawn = withdrawn[withdrawn["unit_code"] == filters.unit]
if len(withdrawn):
    st.caption(
        f"Ngoài ra {fmt.number(len(withdrawn))} dòng đã được đơn vị hủy (ô «Trạng thái» ghi «Hủy»): vẫn còn trong "
        "bảng tính, không được tính và không được kiểm tra."
    )

if problems.empty:
    st.success(f"Không có lỗi hay cảnh báo nào ({who}).")
    st.stop()

if not filters.unit:
    st.subheader("Theo đơn vị")
    tables.show_counts(tables.problem_counts_frame(problems, parsed.units), key="quality_counts")

st.subheader("Danh sách lỗi và cảnh báo")
severity = st.segmented_control(
    "Mức độ", list(SEVERITIES), format_func=SEVERITIES.get, key=SEVERITY_KEY, default="all", selection_mode="single"
)
if severity in ("error", "warning"):
    problems = problems[problems["severity"] == severity]
if problems.empty:
    st.info(f"Không có mục nào ở mức «{SEVERITIES[severity]}».")
else:
    cell_url = parsed.snapshot.cell_url if parsed.snapshot is not None else None
    tables.show_problems(tables.problems_frame(problems, names, cell_url), key="quality_problems")
