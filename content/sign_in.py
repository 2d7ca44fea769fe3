"""Đăng nhập: the only page before sign-in, when `[auth]` is configured."""

from __future__ import annotations

import streamlit as st

import loader
from components.session import login_providers

st.title("Theo dõi truyền thông CCHC")
st.markdown(
    "Ứng dụng theo dõi việc thực hiện Kế hoạch tuyên truyền cải cách hành chính năm 2023 của "
    "Sở Lao động – Thương binh và Xã hội tỉnh Bình Định. Hãy đăng nhập bằng email công vụ đã đăng ký "
    "với Văn phòng Sở: lãnh đạo Sở, Văn phòng Sở và các đơn vị thấy phần việc của mình."
)
for provider in login_providers(loader.auth_table()):
    label = "Đăng nhập" if provider is None else f"Đăng nhập bằng {provider.capitalize()}"
    if st.button(label, key=f"sign_in_{provider or 'default'}", type="primary", icon=":material/login:"):
        st.login(provider)
st.caption("Chưa có tài khoản hoặc không đăng nhập được? Liên hệ Văn phòng Sở.")
