"""Chưa có quyền truy cập: a signed-in email that no list names sees this page and nothing else."""

from __future__ import annotations

import streamlit as st

from components.safe import md
from components.session import is_signed_in, signed_in_email

email = signed_in_email()
st.title("Chưa có quyền truy cập")
if email:
    st.warning(
        f"Tài khoản **{md(email)}** chưa được cấp quyền xem ứng dụng này (hoặc email này được ghi cho nhiều "
        "đơn vị cùng lúc).",
        icon=":material/lock:",
    )
elif is_signed_in():
    st.warning(
        "Tài khoản vừa đăng nhập chưa có địa chỉ email đã xác minh, nên chưa xác định được quyền.",
        icon=":material/lock:",
    )
else:
    st.warning("Sổ dữ liệu chưa có đơn vị nào để xem với vai trò này.", icon=":material/lock:")
st.markdown(
    "Để được cấp quyền, xin liên hệ **Văn phòng Sở**:\n"
    "- cán bộ của một đơn vị: Văn phòng Sở ghi email của anh/chị vào cột «Email» của đơn vị trong "
    "trang «Đơn vị» của bảng tính;\n"
    "- lãnh đạo Sở và cán bộ Văn phòng Sở: Văn phòng Sở thêm email vào danh sách người dùng của ứng dụng.\n\n"
    "Sau khi được thêm, đăng nhập lại là thấy trang của mình."
)
if is_signed_in() and st.button("Đăng nhập bằng tài khoản khác", key="no_access_logout", icon=":material/logout:"):
    st.logout()
