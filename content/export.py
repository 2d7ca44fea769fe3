"""Xuất báo cáo: the office's consolidated table of the period chosen in the sidebar, previewed and downloaded.

`reporting.export` builds the `Tổng hợp` preview and the files from the same `summarize` the dashboard uses,
so the download equals the screen and equals the CLI's `python -m reporting export` for the same period
and moment. The export always covers every unit. What the data left out of the period (rows with errors)
is said here, for the office; the files themselves go to UBND tỉnh and do not speak of it.
"""

from __future__ import annotations

import streamlit as st

from components.context import current_view
from reporting import fmt
from reporting.export import FORMATS, MIME_TYPES, file_name, summary_table
from reporting.export.common import period_line
from reporting.metrics import summarize

BUTTONS = {
    "xlsx": (
        "Bảng tổng hợp (.xlsx)",
        "Các phụ lục theo thể thức văn bản (thêm Phụ lục V khi kế hoạch có chỉ tiêu), in khổ A4 ngang.",
    ),
    "docx": ("Dự thảo báo cáo (.docx)", "Các phần tô vàng là phần Văn phòng Sở viết thêm."),
    "csv-excel": (
        "Danh sách hoạt động (.csv cho Excel)",
        "Ngăn cách bằng dấu chấm phẩy: Excel tiếng Việt mở thành cột.",
    ),
    "csv": ("Danh sách hoạt động (.csv chuẩn)", "Ngăn cách bằng dấu phẩy (RFC 4180), cho các phần mềm khác."),
}

view = current_view()
parsed = view.parsed
st.title("Xuất báo cáo")
if view.user is None or not view.user.can_export:  # the navigation leaves the page out; this says it again
    st.info("Chỉ Văn phòng Sở xuất bảng tổng hợp.", icon=":material/lock:")
    st.stop()

period = view.period
summary = summarize(parsed, period, view.now)
st.subheader(f"Bảng tổng hợp {period.label}")
st.caption(
    f"{period_line(period)} · trạng thái báo cáo tính đến {fmt.moment(view.now)} · toàn Sở, không theo bộ lọc "
    "đơn vị. Đổi kỳ (quý, 6 tháng, cả năm) ở mục «Kỳ báo cáo» trên thanh bên."
)

left_out = summary.excluded
if left_out["in_period"] or left_out["undated"]:
    parts = []
    if left_out["in_period"]:
        parts.append(f"{fmt.number(left_out['in_period'])} dòng hoạt động trong kỳ này có lỗi nên chưa được tính")
    if left_out["undated"]:
        parts.append(
            f"{fmt.number(left_out['undated'])} dòng có lỗi không đọc được ngày nên không biết có thuộc kỳ này không"
        )
    st.warning(
        "Trước khi gửi: " + "; ".join(parts) + ". Xem và sửa ở trang «Chất lượng dữ liệu». Ghi chú này không có "
        "trong các tệp tải về.",
        icon=":material/warning:",
    )

table = summary_table(summary)
# Counts arrive worded ("1.200", as in the files): right-aligned like numbers, STT pinned with the unit.
right = st.column_config.TextColumn(alignment="right")
numbers = {h: right for h, c in zip(table.headers, table.columns, strict=True) if c.kind == "int"}
pinned = {h: st.column_config.TextColumn(pinned=True) for h in ("STT", "Đơn vị")}
st.dataframe(table.frame(), hide_index=True, width="stretch", column_config=numbers | pinned, key="export_preview")
for note in table.notes:
    st.caption(note)

for column, (kind, (label, help_text)) in zip(st.columns(2) * 2, BUTTONS.items(), strict=True):
    column.download_button(
        label,
        data=FORMATS[kind](summary, parsed, view.settings),
        file_name=file_name(period, kind),
        mime=MIME_TYPES[kind],
        key=f"export_download_{kind}",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
        help=help_text,
    )
