"""The shared sidebar: year, period (a quarter, a half-year or the year) and unit filters, the data source,
the read time and "Làm mới". Every page, the export included, shows the period chosen here.

Widget keys are `sidebar_*`; their values stay in `st.session_state` across pages. Defaults are set
with `setdefault` before the widgets are drawn, and a stored value that is no longer an option (a unit
removed from the sheet, a year with no data after a refresh) falls back to the default instead of
failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from components.context import Filters
from components.safe import md
from reporting import fmt
from reporting.metrics import latest_quarter_with_data
from reporting.parse import Parsed
from reporting.periods import PERIOD_CHOICES, ROMAN, choice_label, chosen_period, current_quarter, deadline

YEAR_KEY = "sidebar_year"
QUARTER_KEY = "sidebar_quarter"
UNIT_KEY = "sidebar_unit"
REFRESH_KEY = "sidebar_refresh"
ALL_UNITS = ""  # the unit filter's "every unit" option


def default_period(parsed: Parsed, configured: bool, now: datetime) -> tuple[int, int]:
    """The quarter a page opens on: the current ND 09 period; on the demo, the latest one with data."""
    if not configured:
        latest = latest_quarter_with_data(parsed)
        if latest is not None:
            return latest
    return current_quarter(now, parsed.rules)


def year_options(parsed: Parsed, default_year: int) -> list[int]:
    """Years with activities or submissions, the default year, and nothing absurd."""
    years = {default_year}
    for frame in (parsed.activities, parsed.submissions):
        if len(frame):
            years.update(int(y) for y in pd.unique(frame["year"]) if 2000 <= int(y) <= 2100)
    return sorted(years)


def unit_names(parsed: Parsed) -> dict[str, str]:
    return dict(zip(parsed.units["code"], parsed.units["name"], strict=True))


def select_unit(code: str | None) -> None:
    """Make `code` the sidebar's unit (for a page's own unit picker, as an on_change callback)."""
    st.session_state[UNIT_KEY] = code or ALL_UNITS


def _keep_valid(key: str, options: Sequence[object], default: object) -> None:
    if st.session_state.get(key, default) not in options:
        st.session_state[key] = default
    st.session_state.setdefault(key, default)


def render_sidebar(
    parsed: Parsed,
    default: Callable[[], tuple[int, int]] | tuple[int, int],
    *,
    source_label: str,
    on_refresh: Callable[[], None],
    allowed_units: Sequence[str] | None = None,
    link_source: bool = True,
) -> Filters:
    """Draw the filters and the data's provenance in the sidebar; return the chosen filters.

    `default` may be a callable: it is then only asked when the session has no choice yet (finding the
    latest quarter with data sorts every activity, which a filter change should not pay for).
    `allowed_units` (codes) narrows the unit filter to those units, without "every unit": for a signed-in
    unit. A stored choice outside it (session state edited by hand) falls back to the first allowed unit.
    """
    if callable(default) and YEAR_KEY in st.session_state and QUARTER_KEY in st.session_state:
        default = (int(st.session_state[YEAR_KEY]), 1)  # the stored choice is kept below; only the year matters
    elif callable(default):
        default = default()
    years = year_options(parsed, default[0])
    names = unit_names(parsed)
    if allowed_units is None:
        units = [ALL_UNITS, *names]
    else:
        units = [code for code in allowed_units if code in names]
        if not units:  # never fall back to "every unit" for someone limited to some
            raise ValueError("Không có đơn vị nào được phép xem trong trang «Đơn vị» của bảng tính.")
    _keep_valid(YEAR_KEY, years, default[0])
    _keep_valid(QUARTER_KEY, list(PERIOD_CHOICES), default[1])
    _keep_valid(UNIT_KEY, units, units[0])

    with st.sidebar:
        st.markdown("**Kỳ báo cáo**")
        left, right = st.columns([2, 3])  # «6 tháng cuối năm» needs the wider half
        year = left.selectbox("Năm", years, key=YEAR_KEY, placeholder="Chọn năm…")
        choice = right.selectbox(
            "Kỳ", list(PERIOD_CHOICES), key=QUARTER_KEY, format_func=choice_label, placeholder="Chọn kỳ…"
        )
        period = chosen_period(year, choice, parsed.rules)
        rule = " (quý dương lịch)" if parsed.rules.calendar else " (theo Nghị định 09/2019/NĐ-CP)"
        if period.kind == "quarter":
            due = f"hạn báo cáo {fmt.day(deadline(year, period.index, parsed.rules_for(year)))}"
        else:
            due = "gồm quý " + ", ".join(ROMAN[q] for q in period.quarters) + ", mỗi quý một báo cáo"
        st.caption(f"{fmt.period_range(period)} · {due}{rule}")
        unit = st.selectbox(
            "Đơn vị",
            units,
            key=UNIT_KEY,
            format_func=lambda code: names.get(code, "Tất cả đơn vị"),
            disabled=len(units) == 1 and allowed_units is not None,
            placeholder="Chọn đơn vị…",
        )
        st.divider()
        url = parsed.snapshot.url if parsed.snapshot is not None and link_source else None
        st.caption(f"Nguồn: [{md(source_label)}]({url})" if url else f"Nguồn: {md(source_label)}")
        st.caption(f"Dữ liệu lúc {fmt.moment(parsed.read_at, seconds=True)}")
        st.button(
            "Làm mới",
            key=REFRESH_KEY,
            icon=":material/refresh:",
            on_click=on_refresh,
            help="Đọc lại bảng tính ngay, không chờ hết thời gian lưu tạm.",
        )
    return Filters(int(year), choice, unit or None)
