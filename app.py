"""Entry point: page config, navigation over the pages, the shared sidebar and the data for this run.

Routing only (STYLE.md): the data comes from `loader`, the sidebar from `components.filters`, and each
page under `pages/` draws itself from the `View` kept in session state. `page_set()` decides which pages
are offered, so sign-in and roles can narrow it later.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

import loader
from components import notices
from components.context import VIEW_KEY, View
from components.filters import default_period, render_sidebar

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

# file, title, icon, url path. A file that does not exist yet (another issue's page) is left out.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("pages/overview.py", "Tổng quan", ":material/dashboard:", "tong-quan"),
    ("pages/unit.py", "Đơn vị", ":material/apartment:", "don-vi"),
    ("pages/quality.py", "Chất lượng dữ liệu", ":material/fact_check:", "chat-luong-du-lieu"),
    ("pages/export.py", "Xuất báo cáo", ":material/download:", "xuat-bao-cao"),
    ("pages/guide.py", "Hướng dẫn", ":material/menu_book:", "huong-dan"),
)


def page_specs(role: str | None = None) -> list[tuple[str, str, str, str]]:
    """The pages offered to `role`: every page whose file exists, for now (roles come with issue 6)."""
    del role  # every role sees every page until roles exist
    return [spec for spec in PAGES if (HERE / spec[0]).exists()]


def page_set(role: str | None = None) -> list[st.Page]:
    """`st.Page`s for `page_specs(role)`, the first one the default (Tổng quan)."""
    return [
        st.Page(path, title=title, icon=icon, url_path=url, default=index == 0)
        for index, (path, title, icon, url) in enumerate(page_specs(role))
    ]


def main() -> None:
    st.set_page_config(
        page_title="Truyền thông CCHC – Sở LĐ-TB&XH Bình Định",
        page_icon=":material/campaign:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    navigation = st.navigation(page_set())
    try:
        settings = loader.settings()
    except ValueError as exc:
        notices.bad_settings(str(exc))
        st.stop()
    try:
        loaded = loader.load(settings)
    except loader.LoadFailed as exc:
        notices.load_failed(str(exc))
        st.stop()
    now = loader.now()
    parsed = loaded.parsed
    source_label = parsed.source_name if loaded.configured else f"{parsed.source_name} (sổ dữ liệu mẫu)"
    filters = render_sidebar(
        parsed,
        lambda: default_period(parsed, loaded.configured, now),
        source_label=source_label,
        on_refresh=loader.refresh,
    )
    st.session_state[VIEW_KEY] = View(loaded, filters, settings, now)
    st.caption(f"{settings.agency_name} TỈNH {settings.place.upper()} · Kế hoạch truyền thông về công tác CCHC")
    notices.stale_banner(loaded.stale)
    try:
        navigation.run()
    except Exception:  # st.stop/st.rerun are BaseException and pass through; anything else is a bug
        log.exception("page %s failed", navigation.title)
        notices.crashed()


if __name__ == "__main__":  # `streamlit run` runs this file as __main__; tests import page_set
    main()
