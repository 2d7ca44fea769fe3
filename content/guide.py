"""Hướng dẫn: what the person looking needs — a unit: its tab, the form and the confirm button; leadership:
reading the dashboard; the office: the exports and the command line — then the areas and channels of the
plan of the year shown (ten and six in 2023), periods and deadlines for everyone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.context import current_view
from components.safe import md
from reporting import fmt
from reporting.export import file_name
from reporting.periods import deadline, quarter
from reporting.schema import SUBMISSIONS_TAB, UNITS_TAB

view = current_view()
parsed, year = view.parsed, view.filters.year
rules = parsed.rules
role = view.user.role if view.user is not None else "viewer"
EXAMPLE_PERIOD = quarter(year, 4, rules)

st.title("Hướng dẫn")
linked = view.user is None or view.user.sees_source_address
url = parsed.snapshot.url if parsed.snapshot is not None and linked else None
if url:
    st.link_button("Mở bảng tính dùng chung", url, icon=":material/open_in_new:")

if role == "unit":
    st.header("Việc của đơn vị mỗi quý")
    st.markdown(
        """
1. **Ghi từng hoạt động** ngay khi làm xong: ở trang **«Đơn vị»**, mục «Thêm hoạt động», điền ngày
   (ngày/tháng/năm), nội dung, hình thức rồi bấm nút **«Thêm hoạt động»**; hoặc ghi thẳng vào trang riêng của
   đơn vị trong bảng tính dùng chung (cách ghi ở dưới).
2. **Xem lại** ở trang «Đơn vị»: hoạt động nào đã được tính, nội dung nào của Kế hoạch chưa tuyên truyền, và
   mục «Dòng cần sửa trong bảng tính» (dòng có lỗi không được tính cho đến khi sửa).
3. **Xác nhận báo cáo quý** trước hạn: ở trang «Đơn vị», chọn đúng quý ở mục «Kỳ» trên thanh bên rồi bấm
   **«Xác nhận đã nộp báo cáo quý …»**. Thời điểm bấm nút được ghi là thời điểm nộp. Bổ sung báo cáo sau đó
   thì đánh dấu «Tôi muốn ghi thêm một lần nộp cập nhật» rồi bấm «Ghi lần nộp cập nhật».
"""
    )
elif role == "leadership":
    st.header("Đọc trang Tổng quan")
    st.markdown(
        """
Chọn **năm** và **kỳ** (một quý, 6 tháng hoặc cả năm) ở thanh bên; chọn một đơn vị để xem riêng đơn vị đó.
Các thẻ số liệu so sánh với kỳ liền trước khi kỳ đó có dữ liệu. Bảng màu cho biết mỗi đơn vị đã tuyên
truyền nội dung nào (ô đỏ nhạt «–» là chưa có); bảng «Tình hình nộp báo cáo quý» cho biết đơn vị nào
nộp đúng hạn, trễ hay chưa nộp. «Số lượng» được tính riêng cho từng hình thức vì đơn vị tính khác nhau
(buổi, tin bài, sản phẩm, bài đăng).
"""
    )
st.header("Ghi hoạt động vào bảng tính")
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

plan = parsed.plan_for(year)
areas_count, channels_count = fmt.count_word(len(plan.areas)), fmt.count_word(len(plan.channels))
if plan.built_in:
    st.header("Mười nội dung tuyên truyền (mục II.2 của Kế hoạch)")
    st.caption("Kế hoạch đánh chữ theo thứ tự tiếng Việt nên không có f, i, j: «a–m» là mười nội dung dưới đây.")
else:
    st.header(f"{fmt.capitalize(areas_count)} nội dung tuyên truyền của {plan.name}")
if notice := parsed.plans.notice(year):
    st.info(notice)
for area in plan.areas:
    with st.expander(md(f"{area.letter}) {area.label}"), key=f"guide_area_{area.letter}"):
        st.markdown(md(area.text))

st.header(f"{fmt.capitalize(channels_count)} hình thức tuyên truyền")
st.markdown(
    f"Ghi cột «Hình thức» đúng một trong {channels_count} giá trị dưới đây (có thể ghi số thứ tự):\n\n"
    + "\n".join(f"{c.number}. {md(c.label)}" for c in plan.channels)
)

st.header("Kỳ báo cáo và hạn nộp")
if rules.calendar:
    st.markdown("Kỳ báo cáo tính theo **quý dương lịch** (cấu hình `calendar_quarters`).")
else:
    st.markdown(
        f"Theo Nghị định 09/2019/NĐ-CP, số liệu quý tính **từ ngày {rules.cutoff_day} tháng trước kỳ đến ngày "
        f"{rules.deadline_day} tháng cuối quý**; "
        "ví dụ hoạt động ngày 20/12 được tính vào quý I năm sau."
    )
due = parsed.rules_for(year).last_on_time_day  # a year's plan may set its own deadline («Hạn báo cáo»)
source = f"theo {parsed.plan_for(year).name}" if due != rules.deadline_day else "mục IV.4 của Kế hoạch"
st.markdown(
    f"Các đơn vị báo cáo hằng quý **trước ngày {due + 1}/3, {due + 1}/6, {due + 1}/9, {due + 1}/12** về Văn "
    f"phòng Sở ({source}). Báo cáo đúng hạn khi nộp đến hết 23:59 ngày {due} (giờ Việt Nam); trễ bao nhiêu "
    "ngày là số ngày sau ngày đó."
)
periods = [quarter(year, q, rules) for q in (1, 2, 3, 4)]
st.dataframe(
    pd.DataFrame(
        {
            "Kỳ": [fmt.capitalize(p.label) for p in periods],
            "Từ ngày": [fmt.day(p.start) for p in periods],
            "Đến ngày": [fmt.day(p.end) for p in periods],
            "Hạn nộp báo cáo (đến hết ngày)": [
                fmt.day(deadline(year, p.index, parsed.rules_for(year))) for p in periods
            ],
        }
    ),
    hide_index=True,
    key="guide_periods",
)

if view.user is not None and view.user.can_export:  # the office: the files it sends, and the command line
    st.header("Xuất bảng tổng hợp")
    names = ", ".join(f"`{file_name(EXAMPLE_PERIOD, kind)}`" for kind in ("xlsx", "docx", "csv-excel", "csv"))
    st.markdown(
        f"""
Ở trang **«Xuất báo cáo»**: chọn năm và kỳ (quý, 6 tháng đầu năm, 6 tháng cuối năm hoặc cả năm) ở mục
«Kỳ báo cáo» trên thanh bên — trang xuất luôn theo kỳ đang chọn ở đó, cho toàn Sở — rồi bấm nút tải. Với
{EXAMPLE_PERIOD.label} các tệp có tên {names}: bảng tổng hợp các phụ lục (Phụ lục V khi kế hoạch có chỉ tiêu), dự thảo báo cáo (phần tô vàng do
Văn phòng Sở viết), danh sách hoạt động cho Excel tiếng Việt (dấu chấm phẩy) và theo chuẩn (dấu phẩy). Số liệu
trong tệp trùng với trang «Tổng quan» của cùng kỳ. Trước khi gửi, xem ghi chú trên trang xuất về các dòng có
lỗi chưa được tính.

Cũng có thể xuất từ dòng lệnh, ra đúng các tệp đó:

```
python -m reporting export --year {year} --quarter 4 --out {file_name(EXAMPLE_PERIOD, "xlsx")}
python -m reporting export --year {year} --half 2 --out tong-hop-cchc-{year}-H2.docx
python -m reporting export --year {year} --quarter 4 --semicolon --out {file_name(EXAMPLE_PERIOD, "csv-excel")}
```
"""
    )

if view.user is not None and view.user.role == "office":  # the reminders are the office's to send
    st.header("Nhắc các đơn vị qua email")
    st.markdown(
        f"""
Ở trang **«Đôn đốc»**, mục «Cần đôn đốc» liệt kê các đơn vị có báo cáo quý quá hạn hoặc sắp đến hạn
({view.settings.due_soon_days} ngày) mà chưa nộp. Chọn một đơn vị rồi bấm **«Gửi nhắc»**: đơn vị nhận một thư
nêu hạn nộp, các nội dung của Kế hoạch còn thiếu trong quý và các dòng dữ liệu lỗi. Mỗi lần gửi được ghi vào
trang «Nhắc việc» của bảng tính, nên trong một ngày không gửi trùng.

Máy chủ của Sở có thể tự gửi mỗi sáng cho mọi đơn vị cần nhắc, kèm một thư tổng hợp cho Văn phòng Sở
(người quản trị đặt lịch chạy lệnh dưới; xem trước, không gửi, bằng --dry-run):

```
python -m reporting remind --dry-run
python -m reporting remind
```
"""
    )
