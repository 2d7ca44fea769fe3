"""«Duyệt báo cáo quý» for the office on «Đôn đốc»: mark a submitted quarterly report «Đã duyệt» or
«Trả lại» with a comment (`reporting.actions.review_report`, which checks the role again where it writes)."""

from __future__ import annotations

import streamlit as st

from components.context import View
from components.safe import md
from components.unit_forms import Backend, _record_id, _state, write
from reporting import actions
from reporting.metrics import Summary
from reporting.review import REVIEW_LABELS
from reporting.schema import REVIEW_COLUMNS, REVIEWS_TAB
from reporting.values import DECISIONS

FORM_KEY = "review_form"
UNIT_KEY = "review_unit"
DECISION_KEY = "review_decision"
COMMENT_KEY = "review_comment"
SUBMIT_KEY = "review_submit"


def review_actions(view: View, summary: Summary, backend: Backend) -> None:
    """The form, for the office and a quarter only; nothing for anyone else."""
    user = view.user
    if user is None or user.role != "office":
        return
    st.subheader("Duyệt báo cáo quý")
    if summary.period.kind != "quarter":
        st.info("Báo cáo được duyệt theo từng quý: chọn một quý ở mục «Kỳ» trên thanh bên.")
        return
    if not view.parsed.has_tab(REVIEWS_TAB):
        headers = " · ".join(c.header for c in REVIEW_COLUMNS if c.key != "record_id")
        st.info(
            f"Bảng tính chưa có trang «{REVIEWS_TAB}». Thêm trang này với dòng tiêu đề {headers} "
            "(hoặc chạy python -m sheets setup với bảng tính Google) để ghi việc duyệt báo cáo."
        )
        return
    receipt = _state()["receipts"].pop(("review", summary.period.slug), None)
    if receipt is not None:
        st.success(md(receipt), icon=":material/task_alt:")
    sent = summary.reports[summary.reports["status"].isin(["on_time", "late", "returned"])]
    if sent.empty:
        st.caption(f"Chưa đơn vị nào nộp báo cáo {summary.period.label}: chưa có gì để duyệt.")
        return
    names = dict(zip(sent["unit_code"], sent["name"], strict=True))
    states = dict(zip(sent["unit_code"], sent["review"], strict=True))
    with st.form(FORM_KEY, enter_to_submit=False):
        code = st.selectbox(
            "Đơn vị đã nộp",
            list(names),
            format_func=lambda c: f"{names[c]} — {REVIEW_LABELS[states[c]].lower()}",
            key=UNIT_KEY,
        )
        decision = st.radio("Quyết định", list(DECISIONS), format_func=DECISIONS.get, horizontal=True, key=DECISION_KEY)
        comment = st.text_area("Nhận xét (bắt buộc khi trả lại: đơn vị cần bổ sung gì)", height=80, key=COMMENT_KEY)
        go = st.form_submit_button("Ghi quyết định", type="primary", icon=":material/gavel:", key=SUBMIT_KEY)
    if not go or code is None:
        return
    period = summary.period
    record_id = _record_id(("review", code, period.year, period.index, decision, comment.strip()))
    at = backend.now()
    result = write(
        lambda: actions.review_report(
            backend.writer(),
            user,
            view.parsed.units,
            view.parsed.submissions,
            unit_code=code,
            year=period.year,
            quarter=period.index,
            decision=decision,
            comment=comment,
            at=at,
            record_id=record_id,
        ),
        view.detailed,
    )
    if result is None:
        return
    backend.after_write(at)
    done = "đã ghi trước đó; không ghi thêm" if result.duplicate else f"đã ghi vào trang «{result.tab}»"
    _state()["receipts"][("review", period.slug)] = f"{DECISIONS[decision]} báo cáo của {names[code]}: {done}."
    st.rerun()
