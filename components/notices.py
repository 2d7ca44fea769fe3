"""Banners that explain the state of the data: stale (the source failed), unreadable, empty."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from reporting import fmt

if TYPE_CHECKING:
    from loader import Stale

STALE_TITLE = "Không đọc được nguồn dữ liệu"


def stale_text(stale: Stale) -> str:
    return (
        f"**{STALE_TITLE}** lúc {fmt.moment(stale.failed_at, seconds=True)}: {stale.reason}\n\n"
        f"Đang hiển thị bản dữ liệu đọc được gần nhất, lúc {fmt.moment(stale.since, seconds=True)}. "
        "Số liệu có thể chưa cập nhật; bấm «Làm mới» ở thanh bên để thử đọc lại."
    )


def stale_banner(stale: Stale | None) -> None:
    if stale is not None:
        st.warning(stale_text(stale), icon=":material/cloud_off:")


def load_failed(reason: str) -> None:
    """Nothing to show at all: the reason, and what the office can do about it."""
    st.error(
        f"**{STALE_TITLE}.** {reason}\n\n"
        "Chưa có bản dữ liệu nào đọc được trước đó để hiển thị thay. Kiểm tra cấu hình nguồn dữ liệu "
        "(mục `source` trong `.streamlit/secrets.toml` hoặc biến môi trường `CCHC_SOURCE`), rồi bấm «Làm mới».",
        icon=":material/error:",
    )


def bad_settings(reason: str) -> None:
    st.error(f"**Cấu hình chưa đúng.** {reason}", icon=":material/settings:")


def crashed() -> None:
    """An unexpected error in a page: never a traceback, a sentence and what to do."""
    st.error(
        "**Đã xảy ra lỗi ngoài ý muốn khi hiển thị trang này.** Dữ liệu trong bảng tính không bị ảnh hưởng. "
        "Hãy bấm «Làm mới» hoặc mở lại trang; nếu lỗi còn, báo cho Văn phòng Sở kèm thời điểm xảy ra.",
        icon=":material/report:",
    )
