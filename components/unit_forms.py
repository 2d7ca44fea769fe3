"""The unit page's two actions for the unit's own user: confirm the quarter's report, add an activity.

Widgets and messages only. The writes go through `reporting.actions`, which checks there that the user
may write for the unit, so hiding these widgets from other roles is convenience, not the protection.
The writer, the clock and the cache reset are handed in (`Backend`): components fetch nothing.

Double clicks and retries: every request has a record id, made once and kept in session state before
the write (the first confirmation of a quarter; an update the user explicitly asked for; one activity's
exact content), so pressing twice finds the row the first press wrote instead of writing another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.context import View
from components.safe import md
from components.tables import area_label
from reporting import actions, fmt
from reporting.access import User
from reporting.actions import AppendResult, RowWriter, new_record_id
from reporting.errors import SourceError, WriteRefused
from reporting.periods import days_to_deadline, deadline, period_of, quarter
from reporting.units_over_time import active_at

log = logging.getLogger(__name__)

CONFIRM_KEY = "unit_confirm"
UPDATE_WANTED_KEY = "unit_update_wanted"
UPDATE_KEY = "unit_update"
FORM_KEY = "unit_activity_form"
SUBMIT_KEY = "unit_activity_submit"
FIELD_KEYS = {
    name: f"unit_activity_{name}"
    for name in ("date", "areas", "channel", "title", "quantity", "participants", "evidence", "note")
}
EMPTY_FORM: dict[str, Any] = {"areas": [], "channel": None}  # the other fields: ""
STATE_KEY = "unit_actions"  # record ids, receipts and pending resets of this session (not widgets)
UPDATE_NOTE = "Nộp cập nhật"
FAILED = (
    "Chưa ghi được do lỗi ngoài ý muốn; dữ liệu trong bảng tính không bị thay đổi. "
    "Hãy thử lại; nếu lỗi còn, báo cho Văn phòng Sở kèm thời điểm xảy ra."
)


@dataclass(frozen=True)
class Backend:
    """What the actions need from outside: a writer for the source, the server's clock, and a way to
    forget the cached read of the source (so the new row shows at once)."""

    writer: Callable[[], RowWriter]
    now: Callable[[], datetime]
    after_write: Callable[[datetime], None]  # given the moment of the write


@dataclass(frozen=True)
class Receipt:
    """What was recorded, for the message after the rerun."""

    result: AppendResult
    at: datetime | None = None
    by: str = ""
    text: str = ""
    warnings: tuple[str, ...] = ()


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(STATE_KEY, {"ids": {}, "receipts": {}, "reset": set()})


def _record_id(key: tuple[Any, ...]) -> str:
    """The id of one request, made on its first press and reused on every later press."""
    return _state()["ids"].setdefault(key, new_record_id())


def writes_for(view: View, code: str) -> User | None:
    """The user when they may write for `code` (the unit's own user), else None: what decides showing the
    widgets. The write itself checks again."""
    user = view.user
    return user if user is not None and user.role == "unit" and user.unit_code == code else None


SOURCE_FAILED = (
    "Chưa ghi được vì nguồn dữ liệu tạm thời không truy cập được; dữ liệu trong bảng tính không bị thay đổi. "
    "Hãy thử lại sau ít phút; nếu lỗi còn, báo cho Văn phòng Sở kèm thời điểm xảy ra."
)


def write(action: Callable[[], Any], detailed: bool = False) -> Any:
    """Run a write; show a refused or failed write as a sentence (never a traceback) and return None.

    A refusal (the user's own request: no tab, not allowed) is said as it is. A failure of the source may
    name its path, spreadsheet key or service account: that detail is for the office (and the log) only.
    """
    try:
        # A large .xlsx takes seconds to rewrite, longer when a colleague writes at the same moment.
        with st.spinner("Đang ghi vào bảng tính…"):
            return action()
    except WriteRefused as exc:  # NotAllowed included
        st.error(md(str(exc)), icon=":material/block:")
    except SourceError as exc:
        log.warning("a unit's write failed: %s", exc)
        st.error(md(str(exc)) if detailed else SOURCE_FAILED, icon=":material/block:")
    except Exception:
        log.exception("a unit's write failed")
        st.error(FAILED, icon=":material/report:")
    return None


# ---- the quarter's report ------------------------------------------------------------------------------------


def _deadline_text(view: View) -> tuple[str, bool]:
    """(sentence, late): days left before the deadline, or that a confirmation now counts as late."""
    period, rules = view.period, view.parsed.rules_for(view.period.year)
    due = fmt.day(deadline(period.year, period.index, rules))
    left = days_to_deadline(period.year, period.index, view.now, rules)
    if left > 0:
        return f"Còn {fmt.days(left)} đến hạn (hết ngày {due}). Thời điểm bấm nút được ghi là thời điểm nộp.", False
    if left == 0:
        return f"Hôm nay ({due}) là ngày cuối của hạn nộp. Thời điểm bấm nút được ghi là thời điểm nộp.", False
    return (
        f"Đã quá hạn {fmt.days(-left)} (hạn {due}): xác nhận bây giờ sẽ được tính là **trễ hạn**.",
        True,
    )


def _submissions(view: View, code: str) -> pd.DataFrame:
    subs = view.parsed.submissions
    period = view.period
    mine = subs[(subs["unit_code"] == code) & (subs["year"] == period.year) & (subs["quarter"] == period.index)]
    return mine.sort_values("submitted_at")


def _confirm(view: View, backend: Backend, user: User, code: str, key: tuple[Any, ...], note: str = "") -> None:
    record_id = _record_id(key)
    at = backend.now()
    result = write(
        lambda: actions.confirm_report(
            backend.writer(),
            user,
            view.parsed.units,
            unit_code=code,
            year=view.period.year,
            quarter=view.period.index,
            at=at,
            record_id=record_id,
            note=note,
            rules=view.parsed.rules,
        ),
        view.detailed,
    )
    if result is None:
        return
    # No Streamlit call between the write and here: a rerun requested meanwhile cannot lose the receipt.
    backend.after_write(at)
    receipt = Receipt(result, at, user.email or "", text=note)
    _state()["receipts"][("report", code, view.period.year, view.period.index)] = receipt
    if note:
        _state()["reset"].add(UPDATE_WANTED_KEY)
    st.rerun()


def _receipt_text(receipt: Receipt, period_label: str) -> str:
    result = receipt.result
    where = f"trang «{md(result.tab)}»" + (f", dòng {result.row}" if result.row else "")
    if result.duplicate:
        return f"Yêu cầu này đã được ghi trước đó ({where}); không ghi thêm dòng nào."
    kind = "lần nộp cập nhật" if receipt.text == UPDATE_NOTE else "xác nhận báo cáo"
    return (
        f"Đã ghi {kind} {period_label}: lúc **{fmt.moment(receipt.at, seconds=True)}**, "
        f"người nộp **{md(receipt.by)}** ({where})."
    )


def report_actions(view: View, code: str, backend: Backend) -> None:
    """«Xác nhận báo cáo quý» for the unit's own user; nothing for anyone else."""
    user = writes_for(view, code)
    if user is None:  # leadership and the office read; only the unit acts for itself
        return
    st.subheader("Xác nhận báo cáo quý")
    if view.period.kind != "quarter":  # a report is per quarter: confirming one needs a quarter chosen
        st.info(
            f"Đang xem {view.period.label}. Báo cáo được xác nhận theo từng quý: chọn một quý ở mục «Kỳ» "
            "trên thanh bên để xác nhận."
        )
        return
    state = _state()
    if UPDATE_WANTED_KEY in state["reset"]:
        state["reset"].discard(UPDATE_WANTED_KEY)
        st.session_state[UPDATE_WANTED_KEY] = False
    period = view.period
    mine = view.parsed.units[view.parsed.units["code"] == code]
    if not active_at(mine, period.end).all():  # before its «Từ ngày» or after its «Đến ngày»: nothing owed
        st.info(f"Đơn vị không phải báo cáo {period.label}, nên không có gì để xác nhận.")
        return
    if period.start > view.now.date():
        st.info(
            f"{fmt.capitalize(period.label)} chưa bắt đầu ({fmt.period_range(period)}): chưa xác nhận báo cáo được."
        )
        return
    key = ("report", code, period.year, period.index)
    receipt = state["receipts"].get(key)
    if receipt is not None:
        st.success(_receipt_text(receipt, period.label), icon=":material/task_alt:")
    mine = _submissions(view, code)
    label = f"Xác nhận đã nộp báo cáo {period.label}"
    if mine.empty:
        text, late = _deadline_text(view)
        (st.warning if late else st.caption)(text)
        if st.button(label, key=CONFIRM_KEY, type="primary", icon=":material/send:"):
            _confirm(view, backend, user, code, key)
        return

    first, last = mine.iloc[0], mine.iloc[-1]
    said = f"Báo cáo {period.label} đã được xác nhận lúc {fmt.moment(first['submitted_at'])}"
    said += f" bởi {md(first['submitter'])}." if first["submitter"] else "."
    if len(mine) > 1:
        said += f" Có {len(mine) - 1} lần nộp cập nhật, gần nhất lúc {fmt.moment(last['submitted_at'])}."
    st.caption(said + " Lần nộp đầu tiên quyết định đúng hạn hay trễ hạn.")
    if st.button(label, key=CONFIRM_KEY, icon=":material/send:"):
        st.info(
            f"Báo cáo {period.label} đã được nộp lúc {fmt.moment(first['submitted_at'])}; không ghi thêm. "
            "Nếu đơn vị đã bổ sung báo cáo, có thể ghi một lần nộp cập nhật bên dưới.",
            icon=":material/info:",
        )
    wanted = st.checkbox(
        "Tôi muốn ghi thêm một lần nộp cập nhật",
        key=UPDATE_WANTED_KEY,
        # Ticking it starts a new request: its id is made on the next press and kept for repeats.
        on_change=lambda: _state()["ids"].pop(("update", code, period.year, period.index), None),
    )
    if wanted and st.button("Ghi lần nộp cập nhật", key=UPDATE_KEY, icon=":material/update:"):
        _confirm(view, backend, user, code, ("update", code, period.year, period.index), note=UPDATE_NOTE)


# ---- adding an activity --------------------------------------------------------------------------------------


def _default_day(view: View) -> date:
    """Today, unless the quarter shown is over: then its last day, so the new row lands in view."""
    today = view.now.date()
    return min(today, view.period.end) if today >= view.period.start else today


def _fingerprint(fields: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((name, str(fields.get(name) or "").strip()) for name in FIELD_KEYS)


def bullets(lines: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"- {md(line)}" for line in lines)


def activity_form(view: View, code: str, backend: Backend) -> None:
    """«Thêm hoạt động» for the unit's own user: checked by the parser's rules, appended to the unit's tab."""
    user = writes_for(view, code)
    if user is None:
        return
    try:
        tab = actions.own_tab(view.parsed.units, code)
    except SourceError:  # no tab of its own: the page already says how to add one
        return
    st.subheader("Thêm hoạt động")
    plan = view.parsed.plan_for(view.period.year)  # the date starts inside the period shown
    state = _state()
    # Values are set through session state before the widgets exist, which also sends them to the browser
    # (removing a key would not: the browser would send its old value back).
    shown = (code, view.period.year, view.period.kind, view.period.index)  # quý I and 6 tháng đầu năm differ
    if FORM_KEY in state["reset"]:  # the last activity was written: an empty form for the next one
        state["reset"].discard(FORM_KEY)
        st.session_state.update({key: EMPTY_FORM.get(name, "") for name, key in FIELD_KEYS.items() if name != "date"})
        state.pop("form_for", None)
    if state.get("form_for") != shown or FIELD_KEYS["date"] not in st.session_state:
        state["form_for"] = shown  # another quarter (or unit): the date starts inside it again
        st.session_state[FIELD_KEYS["date"]] = fmt.day(_default_day(view))
    receipt = state["receipts"].pop(("activity", code), None)  # once: the new row is in the table above
    if receipt is not None:
        st.success(receipt.text, icon=":material/task_alt:")
        if receipt.warnings:
            st.warning("Hoạt động đã được tính, nhưng nên bổ sung:\n\n" + bullets(receipt.warnings))
    st.caption(
        f"Hoạt động được ghi thêm vào cuối trang «{md(tab)}» của đơn vị, và được kiểm tra theo đúng quy tắc "
        "như khi nhập trực tiếp vào bảng tính."
    )
    with st.form(FORM_KEY, enter_to_submit=False):
        left, right = st.columns(2)
        # A text field, not a date picker: a picker silently turns 31/02/2024 into 29/02/2024, and what a
        # person typed must reach the parser as typed (it refuses an impossible day with its own message).
        day = left.text_input("Ngày (ngày/tháng/năm)", placeholder="ví dụ 15/03/2024", key=FIELD_KEYS["date"])
        channel = right.selectbox(
            "Hình thức",
            [c.label for c in plan.channels],
            index=None,
            placeholder="Chọn hình thức…",
            key=FIELD_KEYS["channel"],
        )
        areas = st.multiselect(
            "Nội dung (một hay nhiều)",
            plan.letters,
            format_func=lambda letter: f"{letter} – {plan.area_by_letter[letter].label}",
            placeholder="Chọn nội dung của Kế hoạch…",
            key=FIELD_KEYS["areas"],
        )
        title = st.text_input("Tên hoạt động", key=FIELD_KEYS["title"])
        left, right = st.columns(2)
        quantity = left.text_input("Số lượng", placeholder="để trống là 1", key=FIELD_KEYS["quantity"])
        participants = right.text_input("Số người tham gia", placeholder="ví dụ 1.200", key=FIELD_KEYS["participants"])
        evidence = st.text_input("Minh chứng (đường dẫn)", placeholder="https://…", key=FIELD_KEYS["evidence"])
        note = st.text_area("Ghi chú", height=68, key=FIELD_KEYS["note"])
        submitted = st.form_submit_button("Thêm hoạt động", type="primary", icon=":material/add:", key=SUBMIT_KEY)
    if submitted:
        _submit_activity(
            view,
            backend,
            user,
            code,
            {
                "date": day,
                "areas": list(areas),
                "channel": channel or "",
                "title": title,
                "quantity": quantity,
                "participants": participants,
                "evidence": evidence,
                "note": note,
            },
        )
    with st.expander(f"Các nội dung tuyên truyền của {plan.name}, đầy đủ", key="unit_form_areas"):
        st.markdown("\n\n".join(f"**{md(area_label(a.letter, plan))}.** {md(a.text)}" for a in plan.areas))


def _submit_activity(view: View, backend: Backend, user: User, code: str, fields: dict[str, Any]) -> None:
    """Check and write one submitted form; messages go right below the form."""
    state = _state()
    title = str(fields["title"] or "")
    record_id = _record_id(("activity", code, _fingerprint(fields)))
    outcome = write(
        lambda: actions.add_activity(
            backend.writer(),
            user,
            view.parsed.units,
            unit_code=code,
            fields=fields,
            record_id=record_id,
            plans=view.parsed.plans,
        ),
        view.detailed,
    )
    if outcome is None:
        return
    if outcome.result is None:
        st.error("**Chưa ghi hoạt động.** Sửa các mục sau rồi bấm lại:\n\n" + bullets(outcome.check.errors))
        if outcome.check.warnings:
            st.warning("Nên bổ sung thêm:\n\n" + bullets(outcome.check.warnings))
        return
    backend.after_write(backend.now())
    result = outcome.result
    activity = outcome.check.activity or {}
    counted = quarter(*period_of(activity["date"], view.parsed.rules), view.parsed.rules)
    where = f"trang «{md(result.tab)}»" + (f", dòng {result.row}" if result.row else "")
    if result.duplicate:
        text = (
            f"Hoạt động giống hệt đã được ghi trước đó ({where}); không ghi thêm. Nếu đây là một hoạt động khác, "
            "hãy sửa tên, ghi chú hoặc số lượng."
        )
    else:
        name = f"«{md(title.strip())}» " if title.strip() else ""
        text = f"Đã thêm hoạt động {name}ngày {fmt.day(activity['date'])} vào {where}; tính vào {counted.label}."
    state["receipts"][("activity", code)] = Receipt(result, text=text, warnings=tuple(outcome.check.warnings))
    state["reset"].add(FORM_KEY)
    st.rerun()
