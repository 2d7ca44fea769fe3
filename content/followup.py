"""Đôn đốc: the office's worklist of the reports, for the office and leadership.

«Cần đôn đốc» (who to chase today, whatever period is shown, with the addresses to copy and, for the office,
«Gửi nhắc») and, for the office, «Duyệt báo cáo quý» of the quarter chosen in the sidebar (the quarter's
compliance table, then the form). These were the bottom of Tổng quan; on a page of their own the overview
stays a glance (it keeps one line on who is to be chased, with a link here) and opens faster.
"""

from __future__ import annotations

import streamlit as st

import loader
from components import remind_button, review_form, tables, unit_forms
from components.context import View, current_view
from components.filters import unit_names
from components.safe import md
from reporting import fmt
from reporting.followup import email_list


def chase(view: View) -> None:
    """Cần đôn đốc: who to chase today (whatever period is shown), and the addresses to copy."""
    st.subheader("Cần đôn đốc")
    settings = view.settings
    frame = view.to_chase()
    st.caption(
        f"Tính đến {fmt.moment(view.now)}: báo cáo quý đã quá hạn mà chưa nộp (trong một năm trở lại), hoặc "
        f"đến hạn trong {settings.due_soon_days} ngày tới mà chưa nộp. Cùng danh sách: python -m reporting followup; "
        "gửi thư nhắc: python -m reporting remind."
    )
    if frame.empty:
        st.success("Không có đơn vị nào cần đôn đốc.")
        return
    tables.show_followup(frame, key="followup_list")
    st.caption("Email để gửi nhắc (sao chép bằng nút ở góc ô):")
    st.code(email_list(frame) or "(các đơn vị này chưa có email trong trang «Đơn vị»)", language=None)
    backend = remind_button.Backend(
        mailer=lambda: loader.mailer(settings),
        writer=lambda: loader.writer(settings),
        fresh=lambda: loader.fresh(settings),
        now=lambda: loader.now(demo=not view.loaded.configured),
        after_write=lambda at: loader.after_write(settings, at),
    )
    remind_button.remind_button(
        view,
        frame,
        backend,
        within_days=settings.due_soon_days,
        app_url=settings.app_url,
        agency_name=settings.agency_name,
    )


def review(view: View) -> None:
    """Duyệt báo cáo quý (the office only): the period's compliance, then the form."""
    if view.user is None or view.user.role != "office":
        return
    summary = loader.figures(view.loaded, view.period, view.filters.units, view.now)
    st.subheader(f"Tình hình nộp báo cáo {summary.period.label}")
    tables.show_compliance(summary.reports)
    backend = unit_forms.Backend(
        writer=lambda: loader.writer(view.settings),
        now=lambda: loader.now(demo=not view.loaded.configured),
        after_write=lambda at: loader.after_write(view.settings, at),
    )
    review_form.review_actions(view, summary, backend)


view = current_view()
st.title("Đôn đốc")
if view.user is None or not view.user.follows_up:  # left out of the navigation too
    st.info("Trang này dành cho Văn phòng Sở và lãnh đạo Sở.", icon=":material/lock:")
    st.stop()
who = md(unit_names(view.parsed).get(view.filters.unit, "")) if view.filters.unit else "toàn Sở"
st.caption(f"{fmt.capitalize(who)} · dữ liệu lúc {fmt.moment(view.parsed.read_at, seconds=True)}")
chase(view)
review(view)
