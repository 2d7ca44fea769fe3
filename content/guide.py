"""Hướng dẫn: how to fill the sheet, the plan's ten areas and six channels, periods and deadlines, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.context import current_view
from components.safe import md
from reporting import fmt
from reporting.catalog import AREAS, CHANNELS
from reporting.periods import deadline, quarter
from reporting.schema import SUBMISSIONS_TAB, UNITS_TAB

view = current_view()
parsed, year = view.parsed, view.filters.year
rules = parsed.rules

st.title("Hướng dẫn")
linked = view.user is None or view.user.sees_source_address
url = parsed.snapshot.url if parsed.snapshot is not None and linked else None
if url:
    st.link_button("Mở bảng tính dùng chung", url, icon=":material/open_in_new:")

st.header("1. Ghi hoạt động vào bảng tính")
st.markdown(
    f"""
Mỗi đơn vị ghi hoạt động tuyên truyền vào **trang riêng của mình**, đặt tên theo mã đơn vị (ví dụ «VP»)
hoặc tên đơn vị như trong trang «{UNITS_TAB}». Mỗi hoạt động là một dòng; dòng đầu là tiêu đề cột.

| Cột | Cách ghi | Bắt buộc |
| --- | --- | --- |
| Ngày | ngày/tháng/năm, ví dụ 15/03/2023 (ngày luôn đứng trước tháng) | có |
| Nội dung | chữ cái của nội dung trong Kế hoạch, nhiều nội dung cách nhau bằng dấu phẩy: «a, b» | có |
| Hình thức | chọn trong danh sách sáu hình thức bên dưới (hoặc ghi số thứ tự 1–6) | có |
| Tên hoạt động | tên ngắn gọn của hoạt động, tin bài… | nên ghi |
| Số lượng | số buổi, số tin bài, số pano…; số nguyên, ví dụ 1.200; để trống được tính là 1 | không |
| Số người tham gia | với hội nghị, tập huấn, cuộc họp | không |
| Minh chứng | đường dẫn tới tin bài, văn bản, hình ảnh | không |
| Ghi chú | | không |

Trang «{UNITS_TAB}» liệt kê các đơn vị (Mã · Tên đơn vị · Nhóm · Email · Báo cáo quý). Trang «{SUBMISSIONS_TAB}»
ghi việc nộp báo cáo quý (Mã đơn vị · Năm · Quý · Thời điểm nộp · Người nộp · Ghi chú). Có thể thêm cột khác;
thứ tự cột không quan trọng.

Dòng ghi sai (ngày không hợp lệ, nội dung không có trong Kế hoạch…) **không được tính** vào số liệu và được
liệt kê ở trang «Chất lượng dữ liệu» cùng trang, dòng, cột cần sửa. Sửa trong bảng tính rồi bấm «Làm mới».
"""
)

st.header("2. Mười nội dung tuyên truyền (mục II.2 của Kế hoạch)")
st.caption("Kế hoạch đánh chữ theo thứ tự tiếng Việt nên không có f, i, j: «a–m» là mười nội dung dưới đây.")
for area in AREAS:
    with st.expander(md(f"{area.letter}) {area.label}"), key=f"guide_area_{area.letter}"):
        st.markdown(md(area.text))

st.header("3. Sáu hình thức tuyên truyền")
st.markdown(
    "Ghi cột «Hình thức» đúng một trong sáu giá trị dưới đây (có thể ghi số thứ tự):\n\n"
    + "\n".join(f"{c.number}. {md(c.label)}" for c in CHANNELS)
)

st.header("4. Kỳ báo cáo và hạn nộp")
if rules.calendar:
    st.markdown("Kỳ báo cáo tính theo **quý dương lịch** (cấu hình `calendar_quarters`).")
else:
    st.markdown(
        f"Theo Nghị định 09/2019/NĐ-CP, số liệu quý tính **từ ngày {rules.cutoff_day} tháng trước kỳ đến ngày "
        f"{rules.deadline_day} tháng cuối quý**; "
        "ví dụ hoạt động ngày 20/12 được tính vào quý I năm sau."
    )
st.markdown(
    f"Các đơn vị báo cáo hằng quý **trước ngày {rules.deadline_day + 1}/3, {rules.deadline_day + 1}/6, "
    f"{rules.deadline_day + 1}/9, {rules.deadline_day + 1}/12** về Văn phòng Sở (mục IV.4 của Kế hoạch). "
    f"Báo cáo đúng hạn khi nộp đến hết 23:59 ngày {rules.deadline_day} (giờ Việt Nam); trễ bao nhiêu ngày là "
    "số ngày sau ngày đó."
)
periods = [quarter(year, q, rules) for q in (1, 2, 3, 4)]
st.dataframe(
    pd.DataFrame(
        {
            "Kỳ": [fmt.capitalize(p.label) for p in periods],
            "Từ ngày": [fmt.day(p.start) for p in periods],
            "Đến ngày": [fmt.day(p.end) for p in periods],
            "Hạn nộp báo cáo (đến hết ngày)": [fmt.day(deadline(year, p.index, rules)) for p in periods],
        }
    ),
    hide_index=True,
    key="guide_periods",
)

st.header("5. Tải bảng tổng hợp của quý")
st.markdown(
    """
Văn phòng Sở tải bảng tổng hợp quý (.xlsx, .csv hoặc bản dự thảo .docx) ở trang **«Xuất báo cáo»**: chọn năm
và quý ở thanh bên, rồi bấm nút tải. Số liệu trong tệp tải về trùng với số liệu trên trang «Tổng quan».

Cũng có thể xuất từ dòng lệnh:

```
python -m reporting export --year 2023 --quarter 4 --out bao-cao-quy-IV-2023.xlsx
```
"""
)
