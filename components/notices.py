"""Banners that explain the state of the data: stale (the source failed), unreadable, empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from components.safe import md
from reporting import fmt

if TYPE_CHECKING:
    from reporting.snapshot import Stale

STALE_TITLE = "Không đọc được nguồn dữ liệu"
CALL_OFFICE = "Xin liên hệ Văn phòng Sở nếu tình trạng này kéo dài."


def stale_text(stale: Stale, detailed: bool = True) -> str:
    """The stale banner; the reason (which may name the source) only for the office."""
    why = f": {md(stale.reason)}" if detailed else "."
    return (
        f"**{STALE_TITLE}** lúc {fmt.moment(stale.failed_at, seconds=True)}{why}\n\n"
        f"Đang hiển thị bản dữ liệu đọc được gần nhất, lúc {fmt.moment(stale.since, seconds=True)}. "
        "Số liệu có thể chưa cập nhật; bấm «Làm mới» ở thanh bên để thử đọc lại."
    )


def stale_banner(stale: Stale | None, detailed: bool = True) -> None:
    if stale is not None:
        st.warning(stale_text(stale, detailed), icon=":material/cloud_off:")


def load_failed(reason: str, detailed: bool = True, on_retry: Callable[[], None] | None = None) -> None:
    """Nothing to show at all. The office reads the reason and what to do; everyone else a short notice.
    The page has no sidebar, so the way to try again is a button of its own (`on_retry`), not «Làm mới»."""
    if not detailed:
        unavailable(on_retry)
        return
    st.error(
        f"**{STALE_TITLE}.** {md(reason)}\n\n"
        "Chưa có bản dữ liệu nào đọc được trước đó để hiển thị thay. Kiểm tra cấu hình nguồn dữ liệu "
        "(mục `source` trong `.streamlit/secrets.toml` hoặc biến môi trường `CCHC_SOURCE`), rồi bấm "
        "«Đọc lại nguồn dữ liệu» bên dưới.",
        icon=":material/error:",
    )
    _retry_button(on_retry)


def _retry_button(on_retry: Callable[[], None] | None) -> None:
    if on_retry is not None:
        st.button("Đọc lại nguồn dữ liệu", key="notice_retry", icon=":material/refresh:", on_click=on_retry)


def unavailable(on_retry: Callable[[], None] | None = None) -> None:
    """For leadership, units and anyone not yet known: data is unavailable for now, and whom to call."""
    st.warning(
        f"**Dữ liệu tạm thời chưa xem được.** Văn phòng Sở đã có thông tin chi tiết để khắc phục. {CALL_OFFICE}",
        icon=":material/cloud_off:",
    )
    _retry_button(on_retry)


def configuration(problems: list[str]) -> None:
    """The configuration cannot be used: what is wrong (keys and lines, never values), and nothing else."""
    st.title("Ứng dụng chưa chạy được: cấu hình chưa đúng")
    st.error(
        "**Cấu hình của ứng dụng chưa đúng nên ứng dụng dừng lại**, không mở dữ liệu và không cho đăng nhập "
        "cho đến khi sửa xong:\n\n" + "\n".join(f"- {md(problem)}" for problem in problems),
        icon=":material/settings:",
    )
    st.caption(
        "Người quản trị sửa tệp .streamlit/secrets.toml hoặc biến môi trường CCHC_… theo README rồi khởi động "
        f"lại ứng dụng. {CALL_OFFICE}"
    )


def crashed() -> None:
    """An unexpected error in a page: never a traceback, a sentence and what to do."""
    st.error(
        "**Đã xảy ra lỗi ngoài ý muốn khi hiển thị trang này.** Dữ liệu trong bảng tính không bị ảnh hưởng. "
        "Hãy bấm «Làm mới» hoặc mở lại trang; nếu lỗi còn, báo cho Văn phòng Sở kèm thời điểm xảy ra.",
        icon=":material/report:",
    )
