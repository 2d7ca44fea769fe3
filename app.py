"""Entry point: page config, navigation over the pages, the shared sidebar and the data for this run.

Routing only (STYLE.md): the data comes from `loader`, the sidebar from `components.filters`, and each
page under `content/` draws itself from the `View` kept in session state. Who is looking comes from
`components.session` (st.login when `[auth]` is configured, else the demo-mode role picker), and
`page_set(role)` offers only that role's pages: a page left out cannot be opened by URL either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st

import loader
from components import notices, session, static
from components.context import VIEW_KEY, View
from components.filters import default_period, render_sidebar
from components.safe import md
from reporting.access import User, pages_for, visible_units
from reporting.config import Config, ConfigError, Mode, app_mode, check_host
from reporting.parse import Parsed

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

# file, title, icon, url path. A file that does not exist yet (another issue's page) is left out.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("content/overview.py", "Tổng quan", ":material/dashboard:", "tong-quan"),
    ("content/unit.py", "Đơn vị", ":material/apartment:", "don-vi"),
    ("content/quality.py", "Chất lượng dữ liệu", ":material/fact_check:", "chat-luong-du-lieu"),
    ("content/followup.py", "Đôn đốc", ":material/campaign:", "don-doc"),
    ("content/export.py", "Xuất báo cáo", ":material/download:", "xuat-bao-cao"),
    ("content/guide.py", "Hướng dẫn", ":material/menu_book:", "huong-dan"),
)


SIGN_IN = ("content/sign_in.py", "Đăng nhập", ":material/login:", "dang-nhap")
NO_ACCESS = ("content/no_access.py", "Chưa có quyền truy cập", ":material/lock:", "chua-co-quyen")


def page_specs(role: str | None = None) -> list[tuple[str, str, str, str]]:
    """The pages offered to `role` whose file exists; None: every page (no roles in play).

    `signed_out` gets the sign-in page only; `unknown` (an email no list names) the no-access page only.
    """
    if role == "signed_out":
        return [SIGN_IN]
    if role is not None and not pages_for(role):
        return [NO_ACCESS]
    allowed = pages_for(role) if role is not None else None
    return [spec for spec in PAGES if (HERE / spec[0]).exists() and (allowed is None or spec[3] in allowed)]


def _not_offered(title: str, role: str | None) -> Callable[[], None]:
    """The page drawn at the address of a page outside the role: a sentence, no data (the real file never runs)."""

    def show() -> None:
        st.title(title)
        if role == "signed_out":
            st.info("Cần đăng nhập để xem trang này.", icon=":material/lock:")
            st.page_link(SIGN_IN[0], label="Đăng nhập", icon=":material/login:")
        else:
            st.info(
                "Trang này không dành cho tài khoản đang dùng. Hãy chọn một trang ở thanh bên; "
                "nếu cần thêm quyền, xin liên hệ Văn phòng Sở.",
                icon=":material/lock:",
            )

    return show


def page_set(role: str | None = None) -> list[st.Page]:
    """`st.Page`s for `page_specs(role)`, the first one the default (Tổng quan).

    Every other page's address gets a hidden stand-in saying it is not for this account, so a bookmark
    or a typed address shows a Vietnamese sentence instead of Streamlit's "Page not found".
    """
    offered = page_specs(role)
    pages = [
        st.Page(path, title=title, icon=icon, url_path=url, default=index == 0)
        for index, (path, title, icon, url) in enumerate(offered)
    ]
    urls = {url for *_, url in offered}
    pages += [
        st.Page(_not_offered(title, role), title=title, icon=icon, url_path=url, visibility="hidden")
        for _path, title, icon, url in PAGES
        if url not in urls and role is not None
    ]
    return pages


def _halt(show: Callable[[], None]) -> None:
    """Stop with a message before any role is known; the navigation offers nothing (no page list leaks).

    Every page's address is registered as a hidden stand-in for the same message, so a bookmarked or typed
    address shows it too, never Streamlit's English "Page not found"."""

    def stand_in(url: str) -> st.Page:
        return st.Page(lambda: None, title="Truyền thông CCHC", url_path=url, visibility="hidden")

    urls = [url for *_, url in (*PAGES, SIGN_IN, NO_ACCESS)]
    home = st.Page(lambda: None, title="Truyền thông CCHC", url_path="thong-bao", default=True)
    st.navigation([home, *(stand_in(url) for url in urls)], position="hidden")
    show()
    st.stop()


def current_user(parsed: Parsed, config: Config, mode: Mode) -> User:
    """Who is looking: the signed-in user's role, the kiosk's read-only viewer, or the demo picker's role."""
    if mode == "sign_in":
        accept = config.settings.email_verified_optional
        user = session.signed_in_user(parsed.units, config.roles.as_mapping(), accept)
        if user.role != "unknown":
            session.account_box(user)
        return user
    if mode == "kiosk":
        return User(None, "viewer")
    return session.demo_picker(parsed.units)


def _is_office(config: Config, mode: Mode) -> bool:
    """Whether details of a failed read or a bad setting may be shown: the office (anyone, in demo mode on
    this machine, may pick the office anyway). Known before the data is, from `[roles]` alone."""
    if mode == "demo":
        return True
    email = session.signed_in_email(config.settings.email_verified_optional) if mode == "sign_in" else None
    return email is not None and email in config.roles.office


def _configuration() -> tuple[Config, Mode, list[str]]:
    """The configuration and mode, or a stop on the configuration page (for everyone: nobody can be told
    apart before sign-in works). When only settings are wrong and sign-in works, their problems are
    returned so that only the office reads them, after signing in."""
    try:
        config, problems = loader.configuration(), []
    except ConfigError as exc:
        log.error("configuration: %s", " | ".join(exc.problems))
        config, problems = exc.partial, exc.problems
        if config is None:
            _halt(lambda: notices.configuration(problems))
    try:
        mode = app_mode(config, loader.bind_address())
        check_host(mode, loader.bind_address(), loader.host_header())
    except ConfigError as exc:
        refused = exc.problems
        log.error("configuration: %s", " | ".join(refused))
        _halt(lambda: notices.configuration(refused))
    return config, mode, problems


def main() -> None:
    st.set_page_config(
        page_title="Truyền thông CCHC – Sở LĐ-TB&XH Bình Định",
        page_icon=str(HERE / "assets" / "favicon.png"),  # a file of ours: a :material: icon is fetched from a font CDN
        layout="wide",
        initial_sidebar_state="auto",  # open on a desk, closed on a phone (where it would cover the page)
    )
    config, mode, problems = _configuration()
    if mode == "sign_in" and not session.is_signed_in():
        st.navigation(page_set("signed_out"), position="hidden").run()
        return
    office = _is_office(config, mode)
    if problems:
        _halt((lambda: notices.configuration(problems)) if office else notices.unavailable)
    settings = config.settings
    try:
        loaded = loader.load(settings)
    except loader.LoadFailed as exc:
        reason = str(exc)
        log.error("no data to show: %s", reason)
        _halt(lambda: notices.load_failed(reason, detailed=office, on_retry=loader.refresh))
    now = loader.now(demo=not loaded.configured)
    parsed = loaded.parsed
    user = current_user(parsed, config, mode)
    navigation = st.navigation(page_set(user.role))
    if user.role == "unknown":
        navigation.run()
        return
    source_label = parsed.source_name if loaded.configured else f"{parsed.source_name} (sổ dữ liệu mẫu)"
    filters = render_sidebar(
        parsed,
        lambda: default_period(parsed, loaded.configured, now),
        source_label=source_label,
        on_refresh=loader.refresh,
        allowed_units=None if user.sees_everything else visible_units(user, parsed.units),
        link_source=user.sees_source_address,
    )
    detailed = user.role == "office" or office  # may this viewer read why a read failed?
    st.session_state[VIEW_KEY] = View(loaded, filters, settings, now, user, detailed=detailed)
    st.caption(f"{md(settings.agency_name)} TỈNH {md(settings.place.upper())} · Kế hoạch truyền thông về công tác CCHC")
    notices.stale_banner(loaded.stale, detailed=detailed)
    static.style()  # the look of the pages' static cards and tables
    try:
        navigation.run()
    except Exception:  # st.stop/st.rerun are BaseException and pass through; anything else is a bug
        log.exception("page %s failed", navigation.title)
        notices.crashed()


if __name__ == "__main__":  # `streamlit run` runs this file as __main__; tests import page_set
    main()
