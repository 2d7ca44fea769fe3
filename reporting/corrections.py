"""Corrections from a unit's page, as rules: fix one of its error rows, edit or withdraw one of its activities.

A correction changes one existing row of one of the unit's own tabs, and only the cells the person
changed in the form. It goes like this:

1. The page asks the editor (`RowEditor`, the Google Sheets or .xlsx writer of `sheets.append`) for the
   row as it is now (`RowState`) and fills the form from it (`form_values`).
2. On «Lưu», `correct_activity` checks the user may write for the unit and that the tab is the unit's
   own, checks the row as it will be with the parser's rules (`reporting.forms.check_activity`), and hands
   the editor the row as it was shown, the new cells and one `Nhật ký sửa` line per changed cell.
3. The editor, under its lock, re-reads the row: when anything in it differs from what was shown (a
   colleague edited it in the sheet, a row was inserted above), nothing is written and the person is told
   which column changed (`EditConflict`). Otherwise it writes exactly those cells of that row, then appends
   the log lines, all carrying the request's record id, so a retried press writes nothing twice.

Withdrawal (`withdraw_activity`) writes «Hủy» in the row's «Trạng thái» column: the row stays in the sheet,
the parser lists it as withdrawn and counts it nowhere; `restore_activity` clears it again. Nothing here
does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import pandas as pd

from reporting.access import User, check_can_write
from reporting.actions import activity_cells
from reporting.errors import WriteRefused
from reporting.forms import FormCheck, check_activity
from reporting.periods import VN_TZ, period_of
from reporting.plan import DEFAULT_PLANS, Plan, Plans
from reporting.schema import ACTIVITY_COLUMNS, CORRECTION_COLUMNS, CORRECTIONS_TAB, Column
from reporting.snapshot import Cell
from reporting.text import fold, nfc, show
from reporting.values import WITHDRAWN, parse_date, parse_status, read_areas, read_channel, to_serial

FIELDS = ("date", "areas", "channel", "title", "quantity", "participants", "evidence", "note")
_HEADERS = {c.key: c.header for c in ACTIVITY_COLUMNS}
NO_LOG_TAB = (
    f"Bảng tính chưa có trang «{CORRECTIONS_TAB}», nơi ghi lại mọi lần sửa (ai, lúc nào, ô nào, giá trị cũ và "
    f"mới), nên chưa sửa được từ ứng dụng. Văn phòng Sở thêm một trang trống tên «{CORRECTIONS_TAB}» (hoặc chạy "
    "python -m sheets setup) rồi thử lại; trong lúc đó có thể sửa trực tiếp trong bảng tính."
)


@dataclass(frozen=True)
class RowState:
    """One row of a unit tab as the editor read it: each known column's cell (dates as the backend gives
    them: serial numbers), and the headers as written, for the log's «Cột»."""

    tab: str
    row: int
    values: Mapping[str, Cell]
    headers: Mapping[str, str]

    @property
    def withdrawn(self) -> bool:
        return parse_status(self.values.get("status"))[0] == "withdrawn"


@dataclass(frozen=True)
class UpdateResult:
    """The row written and the columns changed; `duplicate` when this request was already recorded."""

    tab: str
    row: int
    changed: tuple[str, ...]
    record_id: str
    duplicate: bool = False


class EditConflict(WriteRefused):
    """The row changed since it was shown: nothing was written."""


class RowEditor(Protocol):
    """Reads one row, and updates cells of one row after checking it still holds what was shown."""

    def read_row(self, tab: str, row: int, columns: tuple[Column, ...]) -> RowState: ...

    def update_row(
        self,
        tab: str,
        row: int,
        *,
        expected: Mapping[str, Cell],
        changes: Mapping[str, Cell],
        columns: tuple[Column, ...],
        log_tab: str,
        log: Sequence[Mapping[str, Cell]],
        record_id: str,
    ) -> UpdateResult: ...


# ---- comparing cells ----------------------------------------------------------------------------------------
def canonical(value: Cell) -> Any:
    """A cell in one form for comparison: blank is "", numbers and dates are floats (dates as serials), text
    is NFC text. Two reads of an unchanged cell always agree; any edit a person makes does not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return float(to_serial(value))
    if isinstance(value, (int, float)):
        return round(float(value), 8)
    return nfc(str(value))


def differences(now: Mapping[str, Cell], shown: Mapping[str, Cell]) -> list[str]:
    """The column keys whose cell differs between two reads of a row."""
    return [k for k in sorted(set(now) | set(shown)) if canonical(now.get(k)) != canonical(shown.get(k))]


def conflict(state: RowState, keys: Sequence[str], now: Mapping[str, Cell]) -> EditConflict:
    """The refusal when the row changed since it was shown, naming what it holds now."""
    parts = [
        f"«{state.headers.get(k, _HEADERS.get(k, k))}» nay là «{cell_text(k, now.get(k)) or 'trống'}»" for k in keys
    ]
    return EditConflict(
        f"Dòng {state.row} của trang «{state.tab}» đã được thay đổi sau khi anh/chị mở để sửa ("
        + "; ".join(parts[:3])
        + (f" và {len(parts) - 3} ô khác" if len(parts) > 3 else "")
        + "). Ứng dụng không ghi gì để không đè lên thay đổi đó: hãy mở lại dòng để xem giá trị mới rồi sửa lại."
    )


# ---- the form ---------------------------------------------------------------------------------------------
def cell_text(key: str, value: Cell) -> str:
    """A cell as a person would type it: a date cell as dd/mm/yyyy, a whole number without «.0»."""
    if value is None:
        return ""
    if key == "date" and not isinstance(value, str):
        day, reason = parse_date(value)
        if reason is None and day is not None:
            return f"{day:%d/%m/%Y}"
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return show(value)


def plan_of_row(state: RowState, plans: Plans) -> Plan:
    """The plan the row is read by: its date's year's, the newest when the date does not read."""
    day, _reason = parse_date(state.values.get("date")) if state.values.get("date") is not None else (None, "")
    return plans.for_year(period_of(day)[0]) if day is not None else plans.plans[-1]


def form_values(state: RowState, plans: Plans = DEFAULT_PLANS) -> dict[str, Any]:
    """The correction form's starting values: text as typed, the areas as letters and the channel as its label
    when they read (empty otherwise: the page shows the cell as it is)."""
    plan = plan_of_row(state, plans)
    values = state.values
    areas, _reason = (
        read_areas(values.get("areas"), plan.letters, plan.area_hint, "") if values.get("areas") else ((), None)
    )
    channel, _reason = (
        read_channel(values.get("channel"), plan.channel_lookup, plan.channel_hint)
        if values.get("channel")
        else (None, None)
    )
    out: dict[str, Any] = {key: cell_text(key, values.get(key)) for key in FIELDS}
    out["areas"] = list(areas or ())
    out["channel"] = plan.channel_by_code[channel].label if channel in plan.channel_by_code else None
    return out


def _same_field(key: str, typed: Any, start: Any) -> bool:
    if key == "areas":
        return list(typed or []) == list(start or [])
    if key == "channel":
        return (typed or None) == (start or None)
    return str(typed or "").strip() == str(start or "").strip()


def changed_fields(state: RowState, typed: Mapping[str, Any], plans: Plans = DEFAULT_PLANS) -> list[str]:
    """The fields the person changed in the form (what else the row holds is never written)."""
    start = form_values(state, plans)
    return [key for key in FIELDS if key in typed and not _same_field(key, typed[key], start[key])]


# ---- the rules ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CorrectionOutcome:
    """The check of the row as it would be, and what was written (None when the check found errors)."""

    check: FormCheck | None
    result: UpdateResult | None
    changes: Mapping[str, Cell] = field(default_factory=dict)  # column key → the value written


def _authorize(user: User, units: pd.DataFrame, unit_code: str, state: RowState, log_tab: str | None) -> None:
    check_can_write(user, unit_code)
    rows = units[units["code"] == unit_code]
    if rows.empty:
        raise WriteRefused(f"Không có đơn vị mã «{unit_code}» trong trang «Đơn vị» của bảng tính.")
    tabs = tuple(rows.iloc[0].get("tabs") or ())
    if fold(state.tab) not in {fold(t) for t in tabs}:
        raise WriteRefused(f"Trang «{state.tab}» không phải trang của đơn vị {unit_code}: không sửa được.")
    if log_tab is None:
        raise WriteRefused(NO_LOG_TAB)


def _moment(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the correction time must be timezone-aware (the server's clock)")
    return at.astimezone(VN_TZ).replace(microsecond=0, tzinfo=None)


def _log_lines(
    user: User, unit_code: str, state: RowState, changes: Mapping[str, Cell], at: datetime, action: str, note: str
) -> list[dict[str, Cell]]:
    return [
        {
            "at": _moment(at),
            "editor": user.email or "",
            "unit": unit_code,
            "tab": state.tab,
            "row": state.row,
            "column": state.headers.get(key, _HEADERS[key]),
            "old": cell_text(key, state.values.get(key)),
            "new": cell_text(key, value),
            "action": action,
            "note": note.strip(),
        }
        for key, value in changes.items()
    ]


def _checking_plans(fields: Mapping[str, Any], shown: RowState, plans: Plans) -> Plans:
    """The plans to check the row by: all of them, each row by its date's year; while the new date does not
    read, the plan of the row as it was (its letters are the ones to hint at, not the newest plan's)."""
    if fields.get("date") not in (None, "") and parse_date(fields["date"])[1] is None:
        return plans
    return Plans((plan_of_row(shown, plans),), from_tab=plans.from_tab)


def _update(
    editor: RowEditor,
    user: User,
    unit_code: str,
    shown: RowState,
    changes: Mapping[str, Cell],
    *,
    at: datetime,
    record_id: str,
    log_tab: str | None,
    action: str,
    note: str,
) -> UpdateResult:
    """Hand the checked change to the editor, with its log lines (the editor re-reads the row first)."""
    return editor.update_row(
        shown.tab,
        shown.row,
        expected=shown.values,
        changes=changes,
        columns=ACTIVITY_COLUMNS,
        log_tab=str(log_tab),
        log=_log_lines(user, unit_code, shown, changes, at, action, note),
        record_id=record_id,
    )


def correct_activity(
    editor: RowEditor,
    user: User,
    units: pd.DataFrame,
    *,
    unit_code: str,
    shown: RowState,
    typed: Mapping[str, Any],
    at: datetime,
    record_id: str,
    log_tab: str | None = CORRECTIONS_TAB,
    plans: Plans = DEFAULT_PLANS,
    note: str = "",
) -> CorrectionOutcome:
    """Write the fields of `typed` (the form's keys: `FIELDS`) that differ from the form's start into row
    `shown.row`, when the row as it would be passes the parser's rules.

    Raises NotAllowed unless `user` is that unit's own user, WriteRefused for another unit's tab, a
    withdrawn row, no change or no log tab; the editor raises EditConflict when the row changed meanwhile."""
    _authorize(user, units, unit_code, shown, log_tab)
    if shown.withdrawn:
        raise WriteRefused(f"Dòng {shown.row} đã được hủy; khôi phục dòng trước khi sửa.")
    keys = changed_fields(shown, typed, plans)
    if not keys:
        raise WriteRefused("Chưa có thay đổi nào để lưu: hãy sửa ít nhất một ô.")
    # The row as it will be: what it holds, with the person's changes. The parser's rules judge it.
    fields = {key: shown.values.get(key) for key in FIELDS} | {key: typed[key] for key in keys}
    check = check_activity(fields, _checking_plans(fields, shown, plans))
    if not check.ok or check.activity is None:
        return CorrectionOutcome(check, None)
    plan = plans.for_year(period_of(check.activity["date"])[0])
    cells = activity_cells(typed, check.activity, plan)
    changes = {key: cells[key] for key in keys}  # only what the person changed
    result = _update(
        editor, user, unit_code, shown, changes, at=at, record_id=record_id, log_tab=log_tab, action="Sửa", note=note
    )
    return CorrectionOutcome(check, result, changes)


def withdraw_activity(
    editor: RowEditor,
    user: User,
    units: pd.DataFrame,
    *,
    unit_code: str,
    shown: RowState,
    at: datetime,
    record_id: str,
    log_tab: str | None = CORRECTIONS_TAB,
    reason: str = "",
) -> UpdateResult:
    """Mark the row «Hủy» in its «Trạng thái» column (added to the header when the tab has none): it stays in
    the sheet and counts nowhere. Same checks as `correct_activity`."""
    _authorize(user, units, unit_code, shown, log_tab)
    if shown.withdrawn:
        raise WriteRefused(f"Dòng {shown.row} đã được hủy từ trước; không ghi thêm.")
    changes = {"status": WITHDRAWN}
    return _update(
        editor, user, unit_code, shown, changes, at=at, record_id=record_id, log_tab=log_tab, action="Hủy", note=reason
    )


def restore_activity(
    editor: RowEditor,
    user: User,
    units: pd.DataFrame,
    *,
    unit_code: str,
    shown: RowState,
    at: datetime,
    record_id: str,
    log_tab: str | None = CORRECTIONS_TAB,
) -> UpdateResult:
    """Undo a withdrawal: clear the row's «Trạng thái», so it is read (and counted or flagged) again."""
    _authorize(user, units, unit_code, shown, log_tab)
    if not shown.withdrawn:
        raise WriteRefused(f"Dòng {shown.row} chưa bị hủy; không có gì để khôi phục.")
    changes: dict[str, Cell] = {"status": None}
    return _update(
        editor, user, unit_code, shown, changes, at=at, record_id=record_id, log_tab=log_tab, action="Khôi phục",
        note="",
    )  # fmt: skip


__all__ = [
    "CORRECTION_COLUMNS",
    "FIELDS",
    "CorrectionOutcome",
    "EditConflict",
    "RowEditor",
    "RowState",
    "UpdateResult",
    "canonical",
    "changed_fields",
    "conflict",
    "correct_activity",
    "differences",
    "form_values",
    "restore_activity",
    "withdraw_activity",
]
