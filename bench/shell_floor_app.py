"""The shell floor of `bench/first_paint.py --shell`: the one-chart floor inside the app's frame, with no data.

What every page of the app draws around its content, with the same Streamlit calls: the wide layout, the
navigation of the six pages (app.py `PAGES`), the line above each page, and the sidebar filters of
`components.filters.render_sidebar` (year and period side by side, the period's caption, the unit picker
with twelve units and "every unit", the source lines and «Làm mới»). The page itself is `floor_app.py`,
the title and the one heatmap. So app ÷ shell floor is what the overview's content costs over the frame
any page of the app needs, and shell ÷ floor what the frame costs.
Run by the benchmark as `streamlit run bench/shell_floor_app.py`.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Truyền thông CCHC", layout="wide", initial_sidebar_state="auto")


def _elsewhere() -> None:
    st.title("Trang khác")


PAGES = (
    ("Đơn vị", ":material/apartment:", "don-vi"),
    ("Chất lượng dữ liệu", ":material/fact_check:", "chat-luong-du-lieu"),
    ("Đôn đốc", ":material/campaign:", "don-doc"),
    ("Xuất báo cáo", ":material/download:", "xuat-bao-cao"),
    ("Hướng dẫn", ":material/menu_book:", "huong-dan"),
)
navigation = st.navigation(
    [
        st.Page("floor_app.py", title="Tổng quan", icon=":material/dashboard:", url_path="tong-quan", default=True),
        *(st.Page(_elsewhere, title=title, icon=icon, url_path=url) for title, icon, url in PAGES),
    ]
)
with st.sidebar:
    st.markdown("**Kỳ báo cáo**")
    left, right = st.columns([2, 3])
    left.selectbox("Năm", [2023, 2024], index=1, key="year")
    right.selectbox("Kỳ", ["Quý I", "Quý II", "Quý III", "Quý IV", "6 tháng đầu năm", "6 tháng cuối năm", "Cả năm"],
                    index=3, key="period")  # fmt: skip
    st.caption("15/09/2024 – 14/12/2024 · hạn báo cáo 14/12/2024 (theo Nghị định 09/2019/NĐ-CP)")
    st.selectbox("Đơn vị", ["Tất cả đơn vị", *(f"Đơn vị {number}" for number in range(1, 13))], key="unit")
    st.divider()
    st.caption("Nguồn: demo-2023.xlsx (sổ dữ liệu mẫu)")
    st.caption("Dữ liệu lúc 09:00:00 10/01/2024")
    st.button("Làm mới", icon=":material/refresh:", help="Đọc lại bảng tính ngay, không chờ hết thời gian lưu tạm.")
st.caption("SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI TỈNH BÌNH ĐỊNH · Kế hoạch truyền thông về công tác CCHC")
navigation.run()
