"""Reporting periods by Nghị định 09/2019/NĐ-CP (default) or calendar quarters, and report status.

Under ND 09 the quarter's cut-off runs from the 15th of the month before the period to the 14th of its
last month: Q1 of year Y is 15/12/(Y−1) … 14/3/Y. A report is on time when submitted by 23:59 of the
deadline day (the 14th by default) in Asia/Ho_Chi_Minh; days late are calendar days past that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Status = Literal["on_time", "late", "missing", "not_due", "returned"]
STATUS_LABELS: dict[str, str] = {
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "missing": "Chưa nộp",
    "not_due": "Chưa đến hạn",
    "returned": "Cần bổ sung",  # the office returned it (`reporting.review`); the unit has not confirmed again
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class PeriodRules:
    """Settings: `calendar=True` uses calendar quarters; `deadline_day` is the last on-time day of the
    quarter's last month (plan: "trước ngày 15/3, 15/6, 15/9, 15/12", so 14)."""

    calendar: bool = False
    deadline_day: int = 14
    # A year's plan may set its own last on-time day («Hạn báo cáo» in `Kế hoạch`): it moves the deadline
    # only; the data cut-off (the 15th under ND 09) stays `deadline_day + 1`. None: `deadline_day`.
    due_day: int | None = None

    @property
    def last_on_time_day(self) -> int:
        """The day of the quarter's last month a report is due by (23:59 of it)."""
        return self.due_day or self.deadline_day

    @property
    def cutoff_day(self) -> int:
        """Day of month on which an ND 09 period starts (the day after the deadline day)."""
        return self.deadline_day + 1


DEFAULT_RULES = PeriodRules()


@dataclass(frozen=True)
class Period:
    """A reporting period: a quarter (1–4), a half-year (1–2) or the whole year."""

    kind: Literal["quarter", "half", "year"]
    year: int
    index: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """Vietnamese name as used in titles: 'quý I năm 2023', '6 tháng đầu năm 2023', 'năm 2023'."""
        if self.kind == "quarter":
            return f"quý {ROMAN[self.index]} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"năm {self.year}"

    @property
    def slug(self) -> str:
        """For file names: '2023-Q1', '2023-H1', '2023'."""
        return {"quarter": f"{self.year}-Q{self.index}", "half": f"{self.year}-H{self.index}"}.get(
            self.kind, str(self.year)
        )

    @property
    def quarters(self) -> tuple[int, ...]:
        if self.kind == "quarter":
            return (self.index,)
        if self.kind == "half":
            return (1, 2) if self.index == 1 else (3, 4)
        return (1, 2, 3, 4)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _quarter_bounds(year: int, quarter: int, rules: PeriodRules) -> tuple[date, date]:
    if not 1 <= quarter <= 4:
        raise ValueError(f"Quý phải từ 1 đến 4, không phải {quarter}.")
    last_month = quarter * 3
    if rules.calendar:
        start = date(year, last_month - 2, 1)
        end = (date(year + (last_month == 12), last_month % 12 + 1, 1)) - timedelta(days=1)
        return start, end
    first_month = last_month - 3  # month before the quarter; 0 means December of the year before
    start = date(year - 1, 12, rules.cutoff_day) if first_month == 0 else date(year, first_month, rules.cutoff_day)
    return start, date(year, last_month, rules.deadline_day)


def quarter(year: int, index: int, rules: PeriodRules = DEFAULT_RULES) -> Period:
    start, end = _quarter_bounds(year, index, rules)
    return Period("quarter", year, index, start, end)


def half(year: int, index: int, rules: PeriodRules = DEFAULT_RULES) -> Period:
    if index not in (1, 2):
        raise ValueError(f"Nửa năm phải là 1 hoặc 2, không phải {index}.")
    first, last = (1, 2) if index == 1 else (3, 4)
    return Period("half", year, index, quarter(year, first, rules).start, quarter(year, last, rules).end)


def whole_year(year: int, rules: PeriodRules = DEFAULT_RULES) -> Period:
    return Period("year", year, 0, quarter(year, 1, rules).start, quarter(year, 4, rules).end)


PERIOD_CHOICES: tuple[int | str, ...] = (1, 2, 3, 4, "H1", "H2", "Y")  # what a page may show: a quarter, a half, a year


def chosen_period(year: int, choice: int | str, rules: PeriodRules = DEFAULT_RULES) -> Period:
    """The period of a choice among `PERIOD_CHOICES`: quarter 1–4, "H1"/"H2", or "Y" for the year."""
    if choice in (1, 2, 3, 4):
        return quarter(year, int(choice), rules)
    if choice in ("H1", "H2"):
        return half(year, int(str(choice)[1]), rules)
    if choice == "Y":
        return whole_year(year, rules)
    raise ValueError(f"Kỳ không hợp lệ: {choice!r}.")


def choice_label(choice: int | str) -> str:
    """'Quý I', '6 tháng đầu năm', '6 tháng cuối năm', 'Cả năm'."""
    if choice in (1, 2, 3, 4):
        return f"Quý {ROMAN[int(choice)]}"
    return {"H1": "6 tháng đầu năm", "H2": "6 tháng cuối năm", "Y": "Cả năm"}[str(choice)]


def previous_period(period: Period, rules: PeriodRules = DEFAULT_RULES) -> Period:
    """The period of the same kind just before: the previous quarter, half-year or year."""
    if period.kind == "quarter":
        return quarter(*previous_quarter(period.year, period.index), rules)
    if period.kind == "half":
        return half(period.year - 1, 2, rules) if period.index == 1 else half(period.year, 1, rules)
    return whole_year(period.year - 1, rules)


def reporting_months(period: Period, rules: PeriodRules = DEFAULT_RULES) -> list[tuple[int, int, date, date]]:
    """The period's reporting months (year, month, first day, last day): under ND 09 month M runs from the
    15th of M−1 to the 14th of M, so a quarter's three months add up to the quarter; calendar months
    under calendar quarters."""
    months = []
    for q in period.quarters:
        for m in range(q * 3 - 2, q * 3 + 1):
            if rules.calendar:
                first = date(period.year, m, 1)
                last = (date(period.year + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
            else:
                before = (
                    date(period.year - 1, 12, rules.deadline_day)
                    if m == 1
                    else date(period.year, m - 1, rules.deadline_day)
                )
                first = before + timedelta(days=1)  # the day after the deadline day (a deadline of 28/2: 1/3)
                last = date(period.year, m, rules.deadline_day)
            months.append((period.year, m, first, last))
    return months


def deadline(year: int, index: int, rules: PeriodRules = DEFAULT_RULES) -> date:
    """Last on-time day for the report of quarter `index` of `year` (14/3, 14/6, 14/9, 14/12 by default)."""
    return date(year, index * 3, rules.due_day or rules.deadline_day)


def period_of(day: date, rules: PeriodRules = DEFAULT_RULES) -> tuple[int, int]:
    """(year, quarter) an activity on `day` belongs to: 20/12/2023 → (2024, 1) under ND 09."""
    year, month = day.year, day.month
    if not rules.calendar and day.day >= rules.cutoff_day:
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return year, (month - 1) // 3 + 1


def periods_of(dates: pd.Series, rules: PeriodRules = DEFAULT_RULES) -> tuple[pd.Series, pd.Series]:
    """Vectorised `period_of` for a datetime64 series: (year, quarter) as int series."""
    year = dates.dt.year.to_numpy()
    month = dates.dt.month.to_numpy()
    if not rules.calendar:
        shift = dates.dt.day.to_numpy() >= rules.cutoff_day
        month = month + shift
        wrap = month == 13
        year = np.where(wrap, year + 1, year)
        month = np.where(wrap, 1, month)
    return (
        pd.Series(year, index=dates.index, dtype="int64"),
        pd.Series((month - 1) // 3 + 1, index=dates.index, dtype="int64"),
    )


def current_quarter(now: datetime, rules: PeriodRules = DEFAULT_RULES) -> tuple[int, int]:
    """The period today falls in, in Vietnam's time zone."""
    return period_of(now.astimezone(VN_TZ).date(), rules)


def previous_quarter(year: int, index: int) -> tuple[int, int]:
    return (year - 1, 4) if index == 1 else (year, index - 1)


@dataclass(frozen=True)
class ReportStatus:
    status: Status
    submitted_at: datetime | None
    days_late: int | None
    days_overdue: int | None = None  # a missing report: calendar days past the deadline so far

    @property
    def label(self) -> str:
        """'Đúng hạn', 'Trễ hạn 3 ngày', 'Chưa nộp, quá hạn 27 ngày', 'Chưa đến hạn'."""
        if self.status == "late":
            return f"Trễ hạn {self.days_late} ngày"
        if self.status == "missing" and self.days_overdue:
            return f"Chưa nộp, quá hạn {self.days_overdue} ngày"
        return STATUS_LABELS[self.status]


def report_status(
    submissions: list[datetime],
    year: int,
    index: int,
    now: datetime,
    rules: PeriodRules = DEFAULT_RULES,
) -> ReportStatus:
    """Status of one unit's report for a quarter at moment `now` (aware).

    The earliest submission made by `now` decides; later ones (updates) do not change it.
    """
    due = deadline(year, index, rules)
    closes = datetime.combine(due + timedelta(days=1), time(0), tzinfo=VN_TZ)
    known = sorted(s for s in submissions if s <= now)
    if known:
        first = known[0].astimezone(VN_TZ)
        if first < closes:
            return ReportStatus("on_time", first, None)
        return ReportStatus("late", first, (first.date() - due).days)
    if now < closes:
        return ReportStatus("not_due", None, None)
    return ReportStatus("missing", None, None, (now.astimezone(VN_TZ).date() - due).days)


def days_to_deadline(year: int, index: int, now: datetime, rules: PeriodRules = DEFAULT_RULES) -> int:
    """Calendar days from today (Vietnam) to the deadline day: 0 on the day itself, negative once past."""
    return (deadline(year, index, rules) - now.astimezone(VN_TZ).date()).days
