"""«Sửa hoặc hủy hoạt động» on the unit page: the unit's own user fixes an error row, edits or withdraws one of
its activities, or restores a withdrawn one.

Widgets and messages only; the rules are in `reporting.corrections` (who may, which tab, the parser's
check) and the re-read before writing in the editor (`sheets.append`). The row is read from the source when
it is opened, kept in session state as shown, and handed back on «Lưu»: the editor refuses when the row no
longer holds it. A request's record id lives until it succeeds, so a double click writes once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from components import unit_forms
from components.context import View
from components.safe import md
from reporting import corrections, fmt
from reporting.access import User
from reporting.actions import new_record_id
from reporting.corrections import EditConflict, RowEditor, RowState
from reporting.errors import SourceError, WriteRefused
from reporting.schema import ACTIVITY_COLUMNS

log = logging.getLogger(__name__)

PICK_KEY = "fix_pick"
FORM_KEY = "fix_form"
SAVE_KEY = "fix_save"
WITHDRAW_SURE_KEY = "fix_withdraw_sure"
WITHDRAW_REASON_KEY = "fix_withdraw_reason"
WITHDRAW_KEY = "fix_withdraw"
RESTORE_PICK_KEY = "fix_restore_pick"
RESTORE_KEY = "fix_restore"
FIELD_KEYS = {name: f"fix_{name}" for name in (*corrections.FIELDS, "reason")}
STATE_KEY = "unit_corrections"  # the rows opened (as shown), record ids, the last receipt


@dataclass(frozen=True)
class Backend:
    """The editor for the source, the server's clock, and the cache reset after a write."""

    editor: Callable[[], RowEditor]
    now: Callable[[], datetime]
    after_write: Callable[[datetime], None]


def _state() -> dict[str, Any]:
    return st.session_state.setdefault(STATE_KEY, {"shown": {}, "ids": {}, "receipt": None, "filled": None})


def _record_id(key: tuple[Any, ...]) -> str:
    """The id of one request, made on its first press and kept until it is written (`_done`)."""
    return _state()["ids"].setdefault(key, new_record_id())


def _label(tab: str, row: int, day: Any, title: Any) -> str:
    """An activity as a short line (a phone shows about 40 characters): tab, row, day and month, title."""
    when = fmt.day(day)[:5] or "chưa rõ ngày"
    return f"{tab} · dòng {row} · {when} · {fmt.shorten(str(title or '(chưa có tên)'), 30)}"


def _row_errors(view: View, code: str) -> dict[tuple[str, int], list[str]]:
    """(tab, row) → the row's errors, «Cột: lý do», for the unit's error rows."""
    problems = view.parsed.problems
    problems = problems[(problems["unit_code"] == code) & (problems["severity"] == "error")]
    out: dict[tuple[str, int], list[str]] = {}
    for tab, row, column, reason in zip(
        problems["tab"], problems["row"], problems["column"], problems["reason"], strict=True
    ):
        if pd.notna(row):
            said = f"{column}: {reason}" if isinstance(column, str) and column else str(reason)
            out.setdefault((str(tab), int(row)), []).append(said)
    return out


def _choices(view: View, code: str, activities: pd.DataFrame) -> dict[tuple[str, int], str]:
    """(tab, row) → a short label (a phone shows about 40 characters): the unit's error rows first (any
    period) with the column at fault, then its activities in the period shown."""
    errors = _row_errors(view, code)
    mine = view.parsed.excluded[view.parsed.excluded["unit_code"] == code].sort_values(["tab", "row"])
    out: dict[tuple[str, int], str] = {}
    for tab, row in zip(mine["tab"], mine["row"], strict=True):
        said = errors.get((str(tab), int(row)), ["lỗi"])
        where = said[0].split(":", 1)[0] if ":" in said[0] else "lỗi"
        out[(str(tab), int(row))] = f"⚠ {tab} · dòng {int(row)} · lỗi ở «{fmt.shorten(where, 20)}»"
    for act in activities.sort_values(["date", "row"]).itertuples(index=False):
        out[(str(act.tab), int(act.row))] = _label(act.tab, int(act.row), act.date, act.title)
    return out


def _write(action: Callable[[], Any], view: View, key: tuple[str, int], typed: dict[str, Any] | None = None) -> Any:
    """`unit_forms.write`; after a conflict the row is read again and the form shown anew: the fields the
    person changed keep what they typed, the others show the row as it is now, the refusal above them."""
    try:
        return action()
    except EditConflict as exc:
        state = _state()
        shown = state["shown"].pop(key, None)
        if typed is not None and shown is not None:
            changed = corrections.changed_fields(shown, typed, view.parsed.plans)
            state["keep"] = {name: typed[name] for name in changed}
        state["conflict"] = str(exc)
        state["filled"] = None
    return None


def _guarded(action: Callable[[], Any], view: View, key: tuple[str, int], typed: dict[str, Any] | None = None) -> Any:
    result = unit_forms.write(lambda: _write(action, view, key, typed), view.detailed)
    if "conflict" in _state():
        st.rerun()  # outside the spinner: the row is read again and the refusal said above the form
    return result


def _open(view: View, backend: Backend, key: tuple[str, int]) -> RowState | None:
    """The row as it is now in the source, read once per opening."""
    state = _state()
    shown = state["shown"].get(key)
    if shown is not None:
        return shown
    try:
        with st.spinner("Đang đọc dòng từ bảng tính…"):
            shown = backend.editor().read_row(key[0], key[1], ACTIVITY_COLUMNS)
    except SourceError as exc:
        st.error(md(str(exc)) if view.detailed or isinstance(exc, WriteRefused) else unit_forms.SOURCE_FAILED)
        return None
    except Exception:
        log.exception("reading a row to correct failed")
        st.error(unit_forms.FAILED)
        return None
    state["shown"] = {key: shown}  # one row open at a time
    return shown


def _fill(shown: RowState, start: dict[str, Any]) -> None:
    """Put the row's values in the form's widgets when another row (or a re-read) is opened."""
    state = _state()
    stamp = (shown.tab, shown.row, tuple(sorted((k, repr(v)) for k, v in shown.values.items())))
    if state["filled"] == stamp:
        return
    state["filled"] = stamp
    kept = state.pop("keep", {})  # what the person typed before a conflict, over the row as it is now
    st.session_state.update({FIELD_KEYS[name]: kept.get(name, value) for name, value in start.items()})
    st.session_state[FIELD_KEYS["reason"]] = ""
    st.session_state[WITHDRAW_SURE_KEY] = False


def _receipt() -> None:
    receipt = _state().get("receipt")
    _state()["receipt"] = None  # once: the change shows in the tables below
    if receipt:
        st.success(receipt, icon=":material/task_alt:")


def _done(backend: Backend, key: tuple[str, ...], text: str) -> None:
    state = _state()
    backend.after_write(backend.now())
    state["ids"].pop(key, None)
    state["shown"] = {}
    state["filled"] = None
    state["receipt"] = text
    state["last"] = key
    state["reset"] = True  # the picker starts again: its labels (errors, titles) are those of the new read
    st.rerun()


def _change_text(result: corrections.UpdateResult, shown: RowState, new: dict[str, Any]) -> str:
    where = f"trang «{md(result.tab)}», dòng {result.row}"
    if result.duplicate:
        return f"Yêu cầu sửa này đã được ghi trước đó ({where}); không ghi thêm."

    def said(key: str, value: Any) -> str:
        return md(fmt.shorten(corrections.cell_text(key, value), 80)) or "trống"

    parts = [
        f"{md(shown.headers.get(k, k))}: «{said(k, shown.values.get(k))}» → «{said(k, new.get(k))}»"
        for k in result.changed
    ]
    return f"Đã sửa {where} (ghi vào «Nhật ký sửa»): " + "; ".join(parts) + "."


def correction_form(view: View, code: str, backend: Backend, activities: pd.DataFrame) -> None:
    """The section, for the unit's own user; nothing for anyone else (the rules check again when writing)."""
    user = unit_forms.writes_for(view, code)
    if user is None:
        return
    st.subheader("Sửa hoặc hủy một hoạt động")
    if _state().pop("reset", False):  # after a write: nothing open, the labels are those of the new read
        st.session_state[PICK_KEY] = None
        st.session_state[RESTORE_PICK_KEY] = None
    _receipt()
    conflict = _state().pop("conflict", None)
    if conflict:
        st.error(md(conflict), icon=":material/block:")
    if view.parsed.corrections_tab is None:
        st.info(corrections.NO_LOG_TAB)
        return
    choices = _choices(view, code, activities)
    withdrawn = view.parsed.withdrawn[view.parsed.withdrawn["unit_code"] == code]
    if not choices and withdrawn.empty:
        st.caption("Chưa có dòng nào để sửa trong kỳ này.")
        return
    st.caption(
        "Chọn một dòng có lỗi hoặc một hoạt động trong kỳ: ứng dụng đọc lại dòng đó từ bảng tính, chỉ ghi những ô "
        "anh/chị sửa, và không ghi gì nếu dòng đã được người khác thay đổi. Mọi lần sửa được ghi vào trang "
        "«Nhật ký sửa»."
    )
    if choices:
        key = st.selectbox(
            "Dòng cần sửa",
            list(choices),
            index=None,
            format_func=choices.get,
            placeholder="Chọn dòng…",
            key=PICK_KEY,
        )
        if key is not None:
            shown = _open(view, backend, key)
            if shown is not None:
                errors = _row_errors(view, code).get(key)
                if errors:
                    st.warning("Dòng này đang có lỗi:\n\n" + unit_forms.bullets(errors), icon=":material/warning:")
                _row_form(view, backend, user, code, shown)
    if not withdrawn.empty:
        _restore_section(view, backend, user, code, withdrawn)


def _row_form(view: View, backend: Backend, user: User, code: str, shown: RowState) -> None:
    plans = view.parsed.plans
    plan = corrections.plan_of_row(shown, plans)
    start = corrections.form_values(shown, plans)
    _fill(shown, start)
    raw_areas, raw_channel = shown.values.get("areas"), shown.values.get("channel")
    if raw_areas not in (None, "") and not start["areas"]:
        st.caption(f"Ô «Nội dung» đang ghi «{md(corrections.cell_text('areas', raw_areas))}»: chọn lại theo Kế hoạch.")
    if raw_channel not in (None, "") and start["channel"] is None:
        st.caption(f"Ô «Hình thức» đang ghi «{md(corrections.cell_text('channel', raw_channel))}»: chọn lại.")
    with st.form(FORM_KEY, enter_to_submit=False):
        left, right = st.columns(2)
        left.text_input("Ngày (ngày/tháng/năm)", key=FIELD_KEYS["date"])
        right.selectbox("Hình thức", [c.label for c in plan.channels], index=None, placeholder="Chọn hình thức…",
                        key=FIELD_KEYS["channel"])  # fmt: skip
        st.multiselect(
            "Nội dung (một hay nhiều)",
            plan.letters,
            format_func=lambda letter: f"{letter} – {plan.area_by_letter[letter].label}",
            placeholder="Chọn nội dung của Kế hoạch…",
            key=FIELD_KEYS["areas"],
        )
        st.text_input("Tên hoạt động", key=FIELD_KEYS["title"])
        left, right = st.columns(2)
        left.text_input("Số lượng", placeholder="để trống là 1", key=FIELD_KEYS["quantity"])
        right.text_input("Số người tham gia", key=FIELD_KEYS["participants"])
        st.text_input("Minh chứng (đường dẫn)", key=FIELD_KEYS["evidence"])
        st.text_area("Ghi chú", height=68, key=FIELD_KEYS["note"])
        st.text_input("Lý do sửa (không bắt buộc, ghi vào «Nhật ký sửa»)", key=FIELD_KEYS["reason"])
        saved = st.form_submit_button("Lưu sửa", type="primary", icon=":material/save:", key=SAVE_KEY)
    if saved:
        typed = {name: st.session_state.get(FIELD_KEYS[name]) for name in corrections.FIELDS}
        _save(view, backend, user, code, shown, typed, str(st.session_state.get(FIELD_KEYS["reason"]) or ""))
    with st.expander("Hủy hoạt động này", icon=":material/delete:", key="fix_withdraw_box"):
        st.caption(
            "Dòng không bị xóa khỏi bảng tính: ô «Trạng thái» được ghi «Hủy», và hoạt động không còn được tính. "
            "Có thể khôi phục lại sau."
        )
        st.text_input("Lý do hủy (ví dụ: nhập trùng)", key=WITHDRAW_REASON_KEY)
        sure = st.checkbox("Tôi chắc chắn muốn hủy hoạt động này", key=WITHDRAW_SURE_KEY)
        if st.button("Hủy hoạt động", key=WITHDRAW_KEY, icon=":material/delete:", disabled=not sure):
            _withdraw(view, backend, user, code, shown, str(st.session_state.get(WITHDRAW_REASON_KEY) or ""))


def _save(
    view: View, backend: Backend, user: User, code: str, shown: RowState, typed: dict[str, Any], reason: str
) -> None:
    key = ("fix", shown.tab, shown.row)
    record_id = _record_id(key)
    if not corrections.changed_fields(shown, typed, view.parsed.plans) and _state().get("last") == key:
        return  # a repeated press after the save: its receipt is already above
    outcome = _guarded(
        lambda: corrections.correct_activity(
            backend.editor(),
            user,
            view.parsed.units,
            unit_code=code,
            shown=shown,
            typed=typed,
            at=backend.now(),
            record_id=record_id,
            log_tab=view.parsed.corrections_tab,
            plans=view.parsed.plans,
            note=reason,
        ),
        view,
        (shown.tab, shown.row),
        typed,
    )
    if outcome is None:
        return
    if outcome.result is None:
        assert outcome.check is not None
        st.error("**Chưa lưu.** Sửa các mục sau rồi bấm lại:\n\n" + unit_forms.bullets(outcome.check.errors))
        return
    _done(backend, key, _change_text(outcome.result, shown, dict(outcome.changes)))


def _withdraw(view: View, backend: Backend, user: User, code: str, shown: RowState, reason: str) -> None:
    key = ("withdraw", shown.tab, shown.row)
    record_id = _record_id(key)
    result = _guarded(
        lambda: corrections.withdraw_activity(
            backend.editor(),
            user,
            view.parsed.units,
            unit_code=code,
            shown=shown,
            at=backend.now(),
            record_id=record_id,
            log_tab=view.parsed.corrections_tab,
            reason=reason,
        ),
        view,
        (shown.tab, shown.row),
    )
    if result is not None:
        _done(
            backend,
            key,
            f"Đã hủy hoạt động ở trang «{md(result.tab)}», dòng {result.row}; dòng vẫn còn trong bảng tính.",
        )


def _restore_section(view: View, backend: Backend, user: User, code: str, withdrawn: pd.DataFrame) -> None:
    with st.expander(
        f"Hoạt động đã hủy ({fmt.number(len(withdrawn))})", icon=":material/restore:", key="fix_restore_box"
    ):
        labels = {
            (str(tab), int(row)): _label(tab, int(row), day, title)
            for tab, row, day, title in zip(
                withdrawn["tab"], withdrawn["row"], withdrawn["date"], withdrawn["title"], strict=True
            )
        }
        st.caption("Các dòng này vẫn ở trong bảng tính với «Trạng thái» là «Hủy» và không được tính.")
        pick = st.selectbox("Dòng", list(labels), format_func=labels.get, index=None, placeholder="Chọn dòng…",
                            key=RESTORE_PICK_KEY)  # fmt: skip
        if pick is None or not st.button("Khôi phục hoạt động", key=RESTORE_KEY, icon=":material/restore:"):
            return
        key = ("restore", *pick)
        record_id = _record_id(key)

        def restore() -> Any:
            editor = backend.editor()
            shown = editor.read_row(pick[0], pick[1], ACTIVITY_COLUMNS)
            return corrections.restore_activity(
                editor,
                user,
                view.parsed.units,
                unit_code=code,
                shown=shown,
                at=backend.now(),
                record_id=record_id,
                log_tab=view.parsed.corrections_tab,
            )

        result = _guarded(restore, view, pick)
        if result is not None:
            _done(backend, key, f"Đã khôi phục hoạt động ở trang «{md(result.tab)}», dòng {result.row}.")
