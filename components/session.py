"""Who is looking: the signed-in user (st.login, when `[auth]` is configured) or the demo-mode role picker.

With sign-in, the user is derived on every run from `st.user` (the identity cookie Streamlit checked) and
the roles (`[roles]` emails, then a unit's `Email` cell): nothing a browser can put in session state or
the URL changes it. Without `[auth]` the app is in demo mode and a sidebar picker, clearly labelled,
stands in for sign-in so every role can be tried on the demo workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from components.safe import md
from reporting.access import ROLE_LABELS, User, demo_user, resolve_user

DEMO_ROLE_KEY = "sidebar_demo_role"
DEMO_UNIT_KEY = "sidebar_demo_unit"
LOGOUT_KEY = "sidebar_logout"
DEMO_ROLES = ("office", "leadership", "unit")  # the office first: the demo opens on every page


def _user_info() -> dict[str, Any]:
    try:
        return st.user.to_dict()
    except Exception:  # no script context (never in the app): nobody is signed in
        return {}


def is_signed_in() -> bool:
    """True when Streamlit holds a signed-in identity for this session."""
    return _user_info().get("is_logged_in") is True


def signed_in_email(accept_unverified: bool = False) -> str | None:
    """The signed-in email, lower-cased, when the provider vouches for it; else None.

    It counts only when the `email_verified` claim is the boolean true: a string "false", 0 or no claim
    at all do not (some providers let a user type any address). `accept_unverified` (the documented
    `email_verified_optional` setting) is for a provider that never sends the claim: then a missing claim
    is accepted, but one that is present must still be true.
    """
    info = _user_info()
    if info.get("is_logged_in") is not True:
        return None
    if ("email_verified" in info or not accept_unverified) and info.get("email_verified") is not True:
        return None
    email = info.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    return email.strip().lower()


def signed_in_user(units: pd.DataFrame, roles: Mapping[str, Any], accept_unverified: bool = False) -> User:
    """The signed-in user's role; `unknown` for an email no list names (or no usable email)."""
    email = signed_in_email(accept_unverified)
    if email is None:
        return User(None, "unknown")
    return resolve_user(email, units, roles)


def login_providers(auth: Mapping[str, Any]) -> list[str | None]:
    """Providers `st.login` can be called with: None for settings directly under `[auth]`, else each
    `[auth.NAME]` table's NAME."""
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return [None, *named] if "client_id" in auth else named or [None]


def _keep(key: str, options: list[Any], default: Any) -> None:
    if st.session_state.get(key, default) not in options:
        st.session_state[key] = default


def demo_picker(units: pd.DataFrame) -> User:
    """Sidebar: the demo-mode role (and unit) picker; returns the user it stands for."""
    names = dict(zip(units["code"], units["name"], strict=True))
    codes = list(names)
    _keep(DEMO_ROLE_KEY, list(DEMO_ROLES), DEMO_ROLES[0])
    with st.sidebar:
        st.markdown("**Chế độ trình diễn**")
        st.caption(
            "Chưa cấu hình đăng nhập: chọn vai trò để xem ứng dụng như người dùng đó. "
            "Khi triển khai thật, Văn phòng Sở cấu hình đăng nhập (mục [auth]) và mục này biến mất."
        )
        role = st.selectbox(
            "Xem với vai trò", DEMO_ROLES, format_func=ROLE_LABELS.get, key=DEMO_ROLE_KEY, placeholder="Chọn vai trò…"
        )
        unit = None
        if role == "unit" and codes:
            _keep(DEMO_UNIT_KEY, codes, codes[0])
            unit = st.selectbox(
                "Đơn vị của tôi", codes, format_func=names.get, key=DEMO_UNIT_KEY, placeholder="Chọn đơn vị…"
            )
        st.divider()
    return demo_user(role, unit, units)


def account_box(user: User) -> None:
    """Sidebar: who is signed in, as what, and «Đăng xuất»."""
    who = ROLE_LABELS[user.role] + (f" · {md(user.unit_name)}" if user.unit_name else "")
    with st.sidebar:
        st.caption(f"Đăng nhập: **{md(user.email)}**  \n{who}")
        if st.button("Đăng xuất", key=LOGOUT_KEY, icon=":material/logout:"):
            st.logout()
        st.divider()
