"""Cần đôn đốc: the units the office has to chase, at a moment — a quarterly report past its deadline with
nothing submitted, or due within a few days with nothing submitted — with whom to write to and how many
data errors the unit still has open. The same list on the dashboard and from `python -m reporting followup`.

Looked at: the quarter `now` falls in and the four before it (a year back), for every unit that reports
(`Đơn vị` «Báo cáo quý»). A report submitted late is no longer chased; it shows as late elsewhere. A report
the office returned (`reporting.review`) is chased, with the office's comment, until the unit confirms again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from reporting.metrics import report_table
from reporting.parse import Parsed
from reporting.periods import ROMAN, current_quarter, days_to_deadline, previous_quarter
from reporting.settings import DUE_SOON_DAYS  # the default of the `due_soon_days` setting

LOOK_BACK = 4  # quarters before the current one still chased when overdue
FOLLOWUP_COLUMNS = ["unit_code", "name", "year", "quarter", "deadline", "reason", "days", "emails", "errors", "comment"]
REASONS = {"overdue": "Quá hạn", "due_soon": "Sắp đến hạn", "returned": "Trả lại, cần bổ sung"}


def followup(parsed: Parsed, now: datetime, within_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """One row per unit and quarter to chase: reason "overdue" (days past the deadline) or "due_soon"
    (days left, 0 on the deadline day), the unit's emails and its open errors; overdue first, oldest first."""
    year, index = current_quarter(now, parsed.rules)
    quarters = [(year, index)]
    for _ in range(LOOK_BACK):
        quarters.append(previous_quarter(*quarters[-1]))
    errors = parsed.problems[parsed.problems["severity"] == "error"].groupby("unit_code").size()
    emails = dict(zip(parsed.units["code"], parsed.units["emails"], strict=True))
    rows: list[dict[str, Any]] = []
    for y, q in quarters:
        reports = report_table(parsed, y, (q,), now)
        for report in reports[reports["expected"].astype(bool)].itertuples(index=False):
            left = days_to_deadline(y, q, now, parsed.rules_for(y))
            if report.status == "missing":
                reason, days = "overdue", -left
            elif report.status == "returned":  # the office returned it: chased until the unit confirms again
                reason, days = "returned", max(-left, 0)
            elif report.status == "not_due" and left <= within_days:
                reason, days = "due_soon", left
            else:
                continue
            rows.append(
                {
                    "unit_code": report.unit_code,
                    "name": report.name,
                    "year": y,
                    "quarter": q,
                    "deadline": report.deadline,
                    "reason": reason,
                    "days": int(days),
                    "emails": tuple(emails.get(report.unit_code) or ()),
                    "errors": int(errors.get(report.unit_code, 0)),
                    "comment": report.review_comment if reason == "returned" else "",
                }
            )
    frame = pd.DataFrame(rows, columns=FOLLOWUP_COLUMNS)
    if frame.empty:
        return frame
    frame["_order"] = frame["reason"].map({"overdue": 0, "returned": 1, "due_soon": 2})
    frame = frame.sort_values(["_order", "year", "quarter", "days"], ascending=[True, True, True, False])
    return frame.drop(columns="_order").reset_index(drop=True)


def describe(row: Any) -> str:
    """'Quý IV/2023: quá hạn 27 ngày (hạn 14/12/2023)' or 'Quý I/2024: còn 4 ngày (hạn 14/03/2024)'."""
    when = f"Quý {ROMAN[int(row['quarter'])]}/{row['year']}"
    due = f"{row['deadline']:%d/%m/%Y}"
    if row["reason"] == "overdue":
        return f"{when}: chưa nộp, quá hạn {row['days']} ngày (hạn {due})"
    if row["reason"] == "returned":
        return f"{when}: Văn phòng Sở trả lại, cần bổ sung: «{row['comment']}»"
    left = "hôm nay là hạn cuối" if row["days"] == 0 else f"còn {row['days']} ngày"
    return f"{when}: chưa nộp, {left} (hạn {due})"


def email_list(frame: pd.DataFrame) -> str:
    """Every address to write to, once each, separated by "; " (what a mail program takes when pasted)."""
    seen: dict[str, None] = {}
    for addresses in frame["emails"]:
        for address in addresses:
            seen.setdefault(address, None)
    return "; ".join(seen)
