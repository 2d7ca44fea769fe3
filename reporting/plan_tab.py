"""The `Kế hoạch` tab → `Plans`: one row per item of a year's plan, typed and read by people.

| Năm  | Mục       | Ký hiệu        | Tên                         | Diễn giải  | Đơn vị tính | Chỉ tiêu mỗi quý | Nội dung được giao | Ngày ban hành |
|------|-----------|----------------|-----------------------------|------------|-------------|------------------|--------------------|---------------|
| 2024 | Kế hoạch  | 30/KH-SLĐTBXH  | Kế hoạch truyền thông CCHC… |            |             |                  |                    | 05/02/2024    |
| 2024 | Nội dung  | a              | Vai trò của người đứng đầu  | full text  |             | 2                |                    |               |
| 2024 | Hình thức | 1              | Hội nghị, tập huấn          |            |             |                  |                    |               |
| 2024 | Hình thức | 3              | Tin bài trên Trang TTĐT     |            | tin, bài    | 4                |                    |               |
| 2024 | Đơn vị    | VP             |                             |            |             | 3                | a, c               |               |
| 2024 | Hạn báo cáo | 10           |                             |            |             |                  |                    |               |

A year's «Nội dung» rows are its areas in order, its «Hình thức» rows its channels; a year that lists
none of one kind takes that kind from the nearest earlier plan (the built-in 2023 plan at the start), so
a year can add only targets. A channel with an «Đơn vị tính» counts items (its «Số lượng» is summed with
that noun). A channel keeps the 2023 code of the 2023 channel with the same name (so trends and the JSON
follow it across years); another name gets `hinh_thuc_<số>`. «Hạn báo cáo» (optional, one a year) is the
last on-time day of the quarter's last month when the plan differs from the setting (10: reports are due
by 10/3, 10/6, 10/9, 10/12); the data cut-off stays as set. Rows the plan cannot use are problems with their
row and column, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pandas as pd

from reporting.catalog import CHANNELS, Area, Channel
from reporting.plan import BUILT_IN_YEAR, PLAN_2023, Plan, Plans, Targets
from reporting.text import fold
from reporting.values import read_areas

_BUILT_IN_CODES = {fold(c.label): c.code for c in CHANNELS}
_LETTER = re.compile(r"^[a-z]$")


@dataclass(frozen=True)
class Issue:
    """A problem of one row of the tab: the column key it is about (None: the whole row)."""

    row: int
    column: str | None
    value: Any
    severity: str
    reason: str


@dataclass
class _Year:
    plan_row: dict[str, Any] | None = None
    areas: list[Area] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    nouns: dict[str, str] = field(default_factory=dict)
    area_targets: dict[str, int] = field(default_factory=dict)
    channel_targets: dict[str, int] = field(default_factory=dict)
    unit_rows: list[dict[str, Any]] = field(default_factory=list)
    due_row: dict[str, Any] | None = None


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _channel_code(number: int, label: str) -> str:
    return _BUILT_IN_CODES.get(fold(label), f"hinh_thuc_{number}")


def _number(key: str) -> int | None:
    folded = fold(key)
    return int(folded) if folded.isdigit() and 0 < int(folded) < 100 else None


class _Reader:
    def __init__(self, unit_codes: Iterable[str]) -> None:
        self.issues: list[Issue] = []
        self.years: dict[int, _Year] = {}
        self.units = {fold(code): code for code in unit_codes}

    def error(self, row: dict[str, Any], column: str | None, reason: str, severity: str = "error") -> None:
        value = row.get(column) if column else None
        self.issues.append(Issue(int(row["row"]), column, value, severity, reason))

    def add(self, row: dict[str, Any]) -> None:
        year = self.years.setdefault(int(row["year"]), _Year())
        key = _text(row["key"])
        kind = row["kind"]
        if kind == "plan":
            if year.plan_row is not None:
                self.error(row, "kind", f"năm {row['year']} đã có dòng «Kế hoạch» ở dòng {year.plan_row['row']}")
                return
            year.plan_row = row
        elif kind == "area":
            self._area(year, row, key)
        elif kind == "channel":
            self._channel(year, row, key)
        elif kind == "due":
            self._due(year, row, key)
        else:
            year.unit_rows.append(row)

    def _due(self, year: _Year, row: dict[str, Any], key: str) -> None:
        day = _number(key)
        if year.due_row is not None:
            self.error(row, "kind", f"năm {row['year']} đã có dòng «Hạn báo cáo» ở dòng {year.due_row['row']}")
        elif day is None or not 1 <= day <= 28:
            self.error(row, "key", "hạn báo cáo là ngày cuối được nộp đúng hạn trong tháng cuối quý, từ 1 đến 28")
        else:
            row = {**row, "day": day}
            year.due_row = row

    def _area(self, year: _Year, row: dict[str, Any], key: str) -> None:
        letter = fold(key).rstrip(")")
        label = _text(row["label"])
        if not _LETTER.match(letter):
            self.error(row, "key", "ký hiệu của nội dung là một chữ cái, ví dụ «a»")
        elif letter in {a.letter for a in year.areas}:
            self.error(row, "key", f"nội dung «{letter}» đã có ở một dòng phía trên của năm {row['year']}")
        elif not label:
            self.error(row, "label", "chưa ghi tên ngắn của nội dung")
        else:
            year.areas.append(Area(letter, label, _text(row["text"]) or label))
            if row["target"] is not None:
                year.area_targets[letter] = int(row["target"])

    def _channel(self, year: _Year, row: dict[str, Any], key: str) -> None:
        number = _number(key)
        label = _text(row["label"])
        if number is None:
            self.error(row, "key", "ký hiệu của hình thức là số thứ tự, ví dụ «1»")
        elif number in {c.number for c in year.channels}:
            self.error(row, "key", f"hình thức số {number} đã có ở một dòng phía trên của năm {row['year']}")
        elif not label:
            self.error(row, "label", "chưa ghi tên của hình thức")
        elif (code := _channel_code(number, label)) in {c.code for c in year.channels}:
            self.error(row, "label", f"hình thức «{label}» đã có ở một dòng phía trên của năm {row['year']}")
        else:
            year.channels.append(Channel(number, code, label))
            if noun := _text(row["noun"]):
                year.nouns[code] = noun
            if row["target"] is not None:
                year.channel_targets[code] = int(row["target"])

    def plans(self) -> Plans:
        built: list[Plan] = [] if BUILT_IN_YEAR in self.years else [PLAN_2023]
        for number in sorted(self.years):
            year = self.years[number]
            earlier = [p for p in built if p.year < number]
            base = max(earlier, key=lambda p: p.year) if earlier else PLAN_2023
            areas = tuple(year.areas) or base.areas
            channels = tuple(year.channels) or base.channels
            nouns = tuple(year.nouns.items()) if year.channels else base.nouns
            due = year.due_row["day"] if year.due_row is not None else base.due_day
            plan = Plan(number, areas, channels, nouns, due_day=due)
            plan = replace(plan, targets=self._targets(plan, year))
            if year.plan_row is not None:
                issued = year.plan_row["issued"]
                plan = replace(
                    plan,
                    number=_text(year.plan_row["key"]),
                    title=_text(year.plan_row["label"]),
                    issued=issued if isinstance(issued, date) else None,
                )
            built.append(plan)
        return Plans(tuple(built), from_tab=True)

    def _targets(self, plan: Plan, year: _Year) -> Targets:
        units: dict[str, int] = {}
        assigned: dict[str, tuple[str, ...]] = {}
        for row in year.unit_rows:
            code = self.units.get(fold(_text(row["key"])))
            if code is None:
                self.error(row, "key", "không khớp mã đơn vị nào trong trang «Đơn vị»")
                continue
            if code in units or code in assigned:
                self.error(row, "key", f"đơn vị {code} đã có chỉ tiêu ở một dòng phía trên của năm {plan.year}")
                continue
            letters: tuple[str, ...] = ()
            if text := _text(row["assigned"]):
                letters, reason = read_areas(text, plan.letters, plan_name=f"năm {plan.year}")
                if reason:
                    self.error(row, "assigned", reason)
                    continue
            if row["target"] is None and not letters:
                self.error(row, None, "dòng «Đơn vị» chưa ghi chỉ tiêu mỗi quý hay nội dung được giao", "warning")
                continue
            if row["target"] is not None:
                units[code] = int(row["target"])
            if letters:
                assigned[code] = letters
        return Targets(
            tuple((a, n) for a, n in year.area_targets.items() if a in plan.letters),
            tuple((c, n) for c, n in year.channel_targets.items() if c in plan.channel_codes),
            tuple(units.items()),
            tuple(assigned.items()),
        )


def build_plans(rows: pd.DataFrame, unit_codes: Iterable[str]) -> tuple[Plans, list[Issue]]:
    """Plans from the tab's readable rows (columns: the keys of `PLAN_COLUMNS`, and `row`), in row order,
    and the problems of the rows the plan could not use."""
    reader = _Reader(unit_codes)
    for row in rows.to_dict("records"):
        reader.add(row)
    if not reader.years:
        return Plans(), reader.issues
    return reader.plans(), reader.issues
