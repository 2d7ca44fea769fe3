"""«Gửi nhắc» on the Cần đôn đốc view: the office emails one unit its reminder now, as
`python -m reporting remind` would (the same email, recorded in `Nhắc việc`, never twice the same day).

Widgets and messages only. `reporting.remind.remind_unit` checks there that the user is the office, and
sends and records through what `Backend` hands in (the SMTP mailer, the source's writer, a fresh read of
who was reminded today), so hiding the button from other roles is convenience, not the protection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from components.context import View
from components.safe import md
from reporting import fmt
from reporting.access import User
from reporting.actions import RowWriter
from reporting.errors import SourceError, WriteRefused
from reporting.parse import Parsed
from reporting.remind import Mailer, RunReport, remind_unit

log = logging.getLogger(__name__)

UNIT_KEY = "followup_remind_unit"
SEND_KEY = "followup_remind_send"
RECEIPT_KEY = "followup_remind_receipt"  # session state: what the last press did, shown after the rerun
FAILED = "Chưa gửi được thư nhắc do lỗi ngoài ý muốn; chưa có thư nào được ghi là đã gửi. Hãy thử lại."


@dataclass(frozen=True)
class Backend:
    """What the button needs from outside: the mailer, the writer, the source read afresh, the clock, and a
    way to forget the cached read (so the new `Nhắc việc` row counts at once)."""

    mailer: Callable[[], Mailer]
    writer: Callable[[], RowWriter]
    fresh: Callable[[], Parsed]
    now: Callable[[], datetime]
    after_write: Callable[[datetime], None]


def sends_for(view: View) -> User | None:
    """The user when they may send reminders (the office), else None: what decides showing the button. The
    send itself checks again."""
    user = view.user
    return user if user is not None and user.role == "office" else None


def _receipt(report: RunReport) -> list[tuple[str, str]]:
    """(kind, text) lines saying what the press did."""
    lines: list[tuple[str, str]] = []
    for outcome in report.outcomes:
        reminder = outcome.reminder
        dues = "; ".join(d.text for d in reminder.dues)
        if outcome.status == "sent":
            lines.append(("success", f"Đã gửi thư nhắc tới {reminder.label} ({', '.join(reminder.to)}): {dues}."))
            if outcome.refused:
                refused = ", ".join(outcome.refused)
                lines.append(("warning", f"Máy chủ thư từ chối địa chỉ {refused}: kiểm tra cột «Email» của đơn vị."))
        else:
            lines.append(
                (
                    "error",
                    f"Chưa gửi được thư nhắc tới {reminder.label}: {outcome.reason} Lần gửi lỗi đã được ghi lại; "
                    "bấm lại hoặc lần chạy nhắc việc sau sẽ gửi lại.",
                )
            )
        if outcome.record_error:
            lines.append(("warning", f"Không ghi được vào trang «{report.batch.tab}»: {outcome.record_error}"))
    for sent in report.batch.already:
        lines.append(
            (
                "info",
                f"{sent.name} ({sent.unit_code}) đã được nhắc hôm nay lúc {fmt.moment(sent.at)} về {sent.due.text}; "
                "không gửi lại.",
            )
        )
    return lines


def remind_button(
    view: View, frame: pd.DataFrame, backend: Backend, *, within_days: int, app_url: str | None, agency_name: str
) -> None:
    """A unit picker over the units of `frame` (the Cần đôn đốc list) and «Gửi nhắc», for the office only."""
    user = sends_for(view)
    if user is None or frame.empty:
        return
    for kind, text in st.session_state.pop(RECEIPT_KEY, None) or ():
        getattr(st, kind)(md(text))
    names = dict(zip(frame["unit_code"], frame["name"], strict=True))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    code = left.selectbox(
        "Gửi thư nhắc ngay cho một đơn vị",
        list(names),
        index=None,
        placeholder="Chọn đơn vị…",
        format_func=lambda c: names.get(c, c),
        key=UNIT_KEY,
    )
    pressed = right.button("Gửi nhắc", key=SEND_KEY, icon=":material/forward_to_inbox:", disabled=code is None)
    st.caption(
        "Thư gồm hạn nộp, nội dung còn thiếu trong quý và các dòng dữ liệu lỗi của đơn vị; mỗi lần gửi được ghi vào "
        "trang «Nhắc việc», nên trong ngày không gửi trùng."
    )
    if not pressed or code is None:
        return
    try:
        with st.spinner("Đang gửi thư nhắc…"):
            now = backend.now()
            report = remind_unit(
                user,
                backend.fresh(),
                now,
                code,
                backend.mailer(),
                backend.writer(),
                within_days=within_days,
                app_url=app_url,
                agency_name=agency_name,
            )
    except WriteRefused as exc:  # NotAllowed included
        st.error(md(str(exc)), icon=":material/block:")
        return
    except SourceError as exc:  # only the office sees this button: the details are theirs
        log.warning("a reminder could not be sent: %s", exc)
        st.error(md(str(exc)), icon=":material/block:")
        return
    except Exception:
        log.exception("a reminder could not be sent")
        st.error(FAILED, icon=":material/report:")
        return
    if report.outcomes:
        backend.after_write(now)
    st.session_state[RECEIPT_KEY] = _receipt(report)
    st.rerun()
