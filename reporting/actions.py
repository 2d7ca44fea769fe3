"""What a unit does from its own page, as rules: confirm the quarter's report, add an activity to its tab.

Each action checks, first and in this code path, that the user may write for that unit
(`reporting.access.check_can_write`): no one acts for another unit, whatever the page showed or the
session state says. Then it hands one record to a `RowWriter` (the Google Sheets or .xlsx writer of
`sheets.append`, injected by the caller), with the caller's record id so a retried or double-clicked
action writes one row. Nothing here does I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import pandas as pd

from reporting.access import User, check_can_review, check_can_write
from reporting.errors import WriteRefused
from reporting.forms import FormCheck, check_activity
from reporting.periods import DEFAULT_RULES, VN_TZ, PeriodRules, period_of
from reporting.periods import quarter as quarter_period
from reporting.plan import DEFAULT_PLANS, Plan, Plans
from reporting.schema import (
    ACTIVITY_COLUMNS,
    REVIEW_COLUMNS,
    REVIEWS_TAB,
    SUBMISSION_COLUMNS,
    SUBMISSIONS_TAB,
    Column,
)
from reporting.snapshot import Cell
from reporting.units_over_time import active_at
from reporting.values import DECISIONS


@dataclass(frozen=True)
class AppendResult:
    """Where the record is. `duplicate` is True when it was already there and nothing was written."""

    tab: str
    row: int | None
    record_id: str
    duplicate: bool = False


class RowWriter(Protocol):
    """Appends one record (column key -> value, keys as in `reporting.schema`) to a tab, exactly once."""

    def append_record(
        self, tab: str, record: Mapping[str, Cell], columns: tuple[Column, ...], record_id: str
    ) -> AppendResult: ...


def new_record_id() -> str:
    """A fresh id for one form; reuse it for every retry of that form."""
    return uuid.uuid4().hex[:16]


def append_submission(
    writer: RowWriter,
    *,
    unit_code: str,
    year: int,
    quarter: int,
    submitted_at: datetime,
    submitted_by: str,
    record_id: str,
    note: str = "",
) -> AppendResult:
    """A unit confirms its quarterly report: one row in `Nộp báo cáo`."""
    if not unit_code.strip():
        raise WriteRefused("Thiếu mã đơn vị: không ghi được báo cáo.")
    if quarter not in (1, 2, 3, 4):
        raise WriteRefused(f"Quý phải từ 1 đến 4 (nhận được {quarter}).")
    record = {
        "unit": unit_code.strip(),
        "year": year,
        "quarter": quarter,
        "submitted_at": submitted_at,
        "submitter": submitted_by,
        "note": note,
    }
    return writer.append_record(SUBMISSIONS_TAB, record, SUBMISSION_COLUMNS, record_id)


def append_activity(
    writer: RowWriter,
    unit_tab: str,
    *,
    day: date,
    areas: str,
    channel: str,
    title: str,
    record_id: str,
    quantity: int | None = None,
    participants: int | None = None,
    evidence: str = "",
    note: str = "",
) -> AppendResult:
    """A new activity at the end of the unit's own tab (values as a person would type them)."""
    if not areas.strip() or not channel.strip():
        raise WriteRefused("Hoạt động cần có Nội dung và Hình thức.")
    record = {
        "date": day,
        "areas": areas,
        "channel": channel,
        "title": title,
        "quantity": quantity,
        "participants": participants,
        "evidence": evidence,
        "note": note,
    }
    return writer.append_record(unit_tab, record, ACTIVITY_COLUMNS, record_id)


@dataclass(frozen=True)
class ActivityOutcome:
    """The form check, and where the row went (None when the check found errors and nothing was written)."""

    check: FormCheck
    result: AppendResult | None


def _unit_row(units: pd.DataFrame, unit_code: str) -> pd.Series:
    rows = units[units["code"] == unit_code]
    if rows.empty:
        raise WriteRefused(f"Không có đơn vị mã «{unit_code}» trong trang «Đơn vị» của bảng tính.")
    return rows.iloc[0]


def own_tab(units: pd.DataFrame, unit_code: str) -> str:
    """The unit's own tab (the first one, when the sheet has several for it); WriteRefused if it has none."""
    tabs = _unit_row(units, unit_code).get("tabs") or ()
    if not tabs:
        raise WriteRefused(
            f"Đơn vị «{unit_code}» chưa có trang riêng trong bảng tính, nên chưa thêm được hoạt động. "
            f"Hãy nhờ Văn phòng Sở tạo trang «{unit_code}»."
        )
    return str(tabs[0])


def confirm_report(
    writer: RowWriter,
    user: User,
    units: pd.DataFrame,
    *,
    unit_code: str,
    year: int,
    quarter: int,
    at: datetime,
    record_id: str,
    note: str = "",
    rules: PeriodRules = DEFAULT_RULES,
) -> AppendResult:
    """Append the unit's confirmation of its quarterly report to `Nộp báo cáo`, at `at` (the server's clock).

    Raises PermissionError unless `user` is that unit's own user, WriteRefused on a bad request or a quarter
    the unit does not report (before its «Từ ngày», after its «Đến ngày»: `reporting.units_over_time`).
    """
    check_can_write(user, unit_code)
    _unit_row(units, unit_code)
    mine = units[units["code"] == unit_code]
    if quarter in (1, 2, 3, 4) and not active_at(mine, quarter_period(int(year), int(quarter), rules).end).all():
        raise WriteRefused(
            f"Đơn vị {unit_code} không phải báo cáo quý {quarter}/{year} (theo «Từ ngày», «Đến ngày» của trang "
            "«Đơn vị»): không ghi xác nhận."
        )
    if at.tzinfo is None:
        raise ValueError("the submission time must be timezone-aware (the server's clock)")
    return append_submission(
        writer,
        unit_code=unit_code,
        year=int(year),
        quarter=int(quarter),
        submitted_at=at.astimezone(VN_TZ).replace(microsecond=0, tzinfo=None),
        submitted_by=user.email or "",
        record_id=record_id,
        note=note,
    )


def review_report(
    writer: RowWriter,
    user: User,
    units: pd.DataFrame,
    submissions: pd.DataFrame,
    *,
    unit_code: str,
    year: int,
    quarter: int,
    decision: str,
    comment: str,
    at: datetime,
    record_id: str,
) -> AppendResult:
    """The office's «Đã duyệt» (`decision="approved"`) or «Trả lại» (`"returned"`, a comment required) on a
    submitted quarterly report: one row in `Duyệt báo cáo`, at `at` (the server's clock).

    Raises PermissionError unless `user` is the office, WriteRefused on a report not submitted or a return
    without a comment."""
    check_can_review(user)
    _unit_row(units, unit_code)
    if decision not in DECISIONS:
        raise WriteRefused("Quyết định phải là «Đã duyệt» hoặc «Trả lại».")
    comment = comment.strip()
    if decision == "returned" and not comment:
        raise WriteRefused("Khi trả lại báo cáo, hãy ghi nhận xét: đơn vị cần bổ sung gì.")
    sent = submissions[
        (submissions["unit_code"] == unit_code) & (submissions["year"] == year) & (submissions["quarter"] == quarter)
    ]
    if sent.empty:
        raise WriteRefused(f"Đơn vị {unit_code} chưa nộp báo cáo quý {quarter}/{year}: chưa có gì để duyệt.")
    if at.tzinfo is None:
        raise ValueError("the review time must be timezone-aware (the server's clock)")
    record = {
        "reviewed_at": at.astimezone(VN_TZ).replace(microsecond=0, tzinfo=None),
        "reviewer": user.email or "",
        "unit": unit_code,
        "year": int(year),
        "quarter": int(quarter),
        "decision": DECISIONS[decision],
        "comment": comment,
    }
    return writer.append_record(REVIEWS_TAB, record, REVIEW_COLUMNS, record_id)


def _typed(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def activity_cells(fields: Mapping[str, Any], activity: Mapping[str, Any], plan: Plan) -> dict[str, Cell]:
    """A checked activity (`FormCheck.activity`) as its tab should hold it, key by key: the date, the letters
    «a, c», the channel's dropdown label, a count only when one was typed (a blank count stays blank, as a
    person leaves it, and the parser reads its default), text as typed without spaces around; blank is None."""
    return {
        "date": activity["date"],
        "areas": ", ".join(activity["areas"]),
        "channel": plan.channel_by_code[activity["channel"]].label,  # the template's dropdown value
        "title": str(fields.get("title") or "").strip() or None,
        "quantity": activity["quantity"] if _typed(fields.get("quantity")) else None,
        "participants": activity["participants"] if _typed(fields.get("participants")) else None,
        "evidence": str(fields.get("evidence") or "").strip() or None,
        "note": str(fields.get("note") or "").strip() or None,
    }


def add_activity(
    writer: RowWriter,
    user: User,
    units: pd.DataFrame,
    *,
    unit_code: str,
    fields: Mapping[str, Any],
    record_id: str,
    plans: Plans = DEFAULT_PLANS,
) -> ActivityOutcome:
    """Check `fields` with the parser's rules and, when it has no error, append it to the unit's own tab.

    `fields` uses the parser's keys (date, areas, channel, title, quantity, participants, evidence, note).
    Raises PermissionError unless `user` is that unit's own user, WriteRefused when the unit has no tab.
    """
    check_can_write(user, unit_code)
    tab = own_tab(units, unit_code)
    check = check_activity(fields, plans)
    if not check.ok or check.activity is None:
        return ActivityOutcome(check, None)
    cells = activity_cells(fields, check.activity, plans.for_year(period_of(check.activity["date"])[0]))
    result = append_activity(
        writer,
        tab,
        day=cells["date"],
        areas=cells["areas"],
        channel=cells["channel"],
        title=cells["title"] or "",
        record_id=record_id,
        quantity=cells["quantity"],
        participants=cells["participants"],
        evidence=cells["evidence"] or "",
        note=cells["note"] or "",
    )
    return ActivityOutcome(check, result)
