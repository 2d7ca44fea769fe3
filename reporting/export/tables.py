"""The four tables of the consolidated report, built from a `Summary` and nothing else.

Each builder returns a `Table`: typed columns (with an optional upper header spanning several columns),
rows of plain values, and the notes printed under it. The .xlsx, .csv and .docx writers and the page's
preview all render these, so every format shows the same figures as the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from reporting import fmt
from reporting.catalog import GROUPS
from reporting.export.common import (
    EMPTY_TEXT,
    TITLE_PREFIX,
    local_naive,
    plain_date,
    text,
)
from reporting.metrics import Summary, area_channel_matrix, unit_area_matrix
from reporting.periods import ROMAN
from reporting.targets import KIND_LABELS, share_text

Kind = Literal["text", "center", "int", "date", "moment"]
RowStyle = Literal["", "group", "total"]

NOT_EXPECTED = "Không phải báo cáo"


@dataclass(frozen=True)
class Col:
    header: str
    kind: Kind = "text"
    width: float = 10
    group: str | None = None  # upper header shared by consecutive columns with the same group


class ColumnRows(Sequence[list[Any]]):
    """A table's rows kept as its columns, each row made when it is read: 100,000 activities cost their
    columns' memory, not a list per row (the .xlsx writer streams them to disk one by one)."""

    def __init__(self, columns: list[list[Any]]) -> None:
        self.columns = columns
        self._length = len(columns[0]) if columns else 0

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...
    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [list(row) for row in zip(*(column[index] for column in self.columns), strict=True)]
        return [column[index] for column in self.columns]

    def __iter__(self) -> Iterator[list[Any]]:
        return map(list, zip(*self.columns, strict=True))


@dataclass
class Table:
    sheet: str
    title: str
    columns: list[Col]
    rows: Sequence[list[Any]] = field(default_factory=list)
    styles: list[RowStyle] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: str | None = None  # said in place of rows when there are none

    def add(self, values: list[Any], style: RowStyle = "") -> None:
        assert isinstance(self.rows, list), "a table of columns is complete"
        self.rows.append(values)
        self.styles.append(style)

    @property
    def headers(self) -> list[str]:
        """One flat header per column: 'Tin bài … – Số tin, bài' where there is an upper header."""
        return [f"{c.group} – {c.header}" if c.group else c.header for c in self.columns]

    def frame(self) -> pd.DataFrame:
        """The table as the page shows it: every cell worded as in the files (1.200, dd/mm/yyyy), blanks empty."""
        shown: dict[str, list[str]] = {}
        for position, (col, header) in enumerate(zip(self.columns, self.headers, strict=True)):
            values = [row[position] for row in self.rows]
            if col.kind == "int":
                shown[header] = [fmt.number(v) for v in values]
            elif col.kind == "moment":
                shown[header] = [fmt.moment(v) for v in values]
            elif col.kind == "date":
                shown[header] = [fmt.day(v) for v in values]
            else:
                shown[header] = ["" if v is None else str(v) for v in values]
        return pd.DataFrame(shown)


def unit_order(summary: Summary) -> list[tuple[str | None, list[int]]]:
    """Row positions of `summary.units` grouped as the plan lists units; [(group label or None, rows)]."""
    units = summary.units
    known = {g.code: g.label for g in GROUPS}
    if units.empty or units["group"].map(lambda g: text(g) is None).all():
        return [(None, list(range(len(units))))]
    out: list[tuple[str | None, list[int]]] = []
    groups = units["group"].map(lambda g: text(g) or "")
    for code, label in known.items():
        rows = [i for i, g in enumerate(groups) if g == code]
        if rows:
            out.append((label, rows))
    rest = [i for i, g in enumerate(groups) if g not in known]
    if rest:
        out.append(("Đơn vị khác", rest))
    return out


def _status_of(report: pd.Series) -> str:
    return report["status_label"] if report["expected"] else NOT_EXPECTED


def _areas_text(areas: tuple[str, ...]) -> str:
    return ", ".join(areas)


def summary_table(summary: Summary) -> Table:
    """`Tổng hợp`: one row per unit — activities by channel (and items where Số lượng counts them),
    participants, areas covered, report status — then the total row."""
    period, plan = summary.period, summary.plan
    items = plan.item_nouns  # channels whose «Số lượng» counts items: their column says what it counts
    columns = [Col("STT", "center", 5), Col("Đơn vị", "text", 30), Col("Tổng số hoạt động", "int", 9)]
    for channel in plan.channels:
        group = f"{channel.number}. {channel.label}"
        columns.append(Col("Số hoạt động", "int", 9 if channel.code in items else 11, group))
        if channel.code in items:
            columns.append(Col(f"Số {items[channel.code]}", "int", 9, group))
    columns += [Col("Số người tham gia", "int", 10), Col("Nội dung đã tuyên truyền", "center", 17)]
    quarterly = period.kind == "quarter"
    if quarterly:
        columns += [
            Col("Tình trạng", "center", 15, "Báo cáo quý"),
            Col("Ngày nộp", "date", 12, "Báo cáo quý"),
        ]
    else:
        columns += [Col(f"Quý {ROMAN[q]}", "center", 12, "Tình trạng báo cáo") for q in period.quarters]
    table = Table("Tổng hợp", f"BẢNG TỔNG HỢP {TITLE_PREFIX}", columns)

    units = summary.units
    reports = summary.reports.set_index(["unit_code", "quarter"])
    groups = unit_order(summary)
    number = 0
    for index, (label, positions) in enumerate(groups):
        if label is not None:
            table.add([_roman(index + 1), label] + [None] * (len(columns) - 2), "group")
        for position in positions:
            unit = units.iloc[position]
            number += 1
            values: list[Any] = [number, text(unit["name"]), int(unit["activities"])]
            for channel in plan.channels:
                values.append(int(unit[f"ch_{channel.code}"]))
                if channel.code in items:
                    values.append(int(unit[f"qty_{channel.code}"]))
            values += [int(unit["participants"]), _areas_text(unit["areas"])]
            if quarterly:
                report = reports.loc[(unit["code"], period.index)]
                values += [_status_of(report), _day(report["submitted_at"])]
            else:
                values += [_status_of(reports.loc[(unit["code"], q)]) for q in period.quarters]
            table.add(values)

    totals = summary.totals
    total: list[Any] = [None, "Tổng cộng", totals["activities"]]
    for channel in plan.channels:
        total.append(int(summary.channels[channel.code]))
        if channel.code in items:
            total.append(int(units[f"qty_{channel.code}"].sum()))
    covered = [a for a in plan.letters if summary.areas[a] > 0]
    total += [totals["participants"], f"{len(covered)}/{len(plan.letters)} nội dung"]
    if quarterly:
        total += [f"Đã nộp {totals['reports_submitted']}/{totals['reports_expected']}", None]
    else:
        expected = summary.reports[summary.reports["expected"].astype(bool)]
        for q in period.quarters:
            of_q = expected[expected["quarter"] == q]
            done = int(of_q["status"].isin(["on_time", "late"]).sum())
            total.append(f"Đã nộp {done}/{len(of_q)}")
    table.add(total, "total")
    table.notes = summary_notes(summary)
    return table


def summary_notes(summary: Summary) -> list[str]:
    """The lines under `Tổng hợp`: emptiness, uncovered areas, report rates."""
    period = summary.period
    totals = summary.totals
    notes = []
    if totals["activities"] == 0:
        notes.append(f"{EMPTY_TEXT} ({period.label}).")
    if summary.plan.built_in:
        notes.append(
            "Cột «Nội dung đã tuyên truyền» ghi các nội dung a–m tại mục II.2 Kế hoạch truyền thông CCHC năm "
            f"{period.year} của Sở (xem trang «Theo nội dung»)."
        )
    else:
        notes.append(
            f"Cột «Nội dung đã tuyên truyền» ghi các nội dung {summary.plan.letter_span} của "
            f"{summary.plan.name} (xem trang «Theo nội dung»)."
        )
    if summary.plan_notice:
        notes.append(summary.plan_notice)
    if summary.uncovered_areas:
        by_letter = summary.plan.area_by_letter
        names = "; ".join(f"{a}) {by_letter[a].label}" for a in summary.uncovered_areas)
        notes.append(f"Nội dung chưa được tuyên truyền trong kỳ: {names}.")
    notes.append(report_rates(summary))
    return notes  # what the data left out is for the office (the export page), not for UBND tỉnh


def report_rates(summary: Summary) -> str:
    """'Báo cáo phải nộp: 12; đã nộp: 11 (91,7%), trong đó đúng hạn: 9 (75,0%); tính đến ngày 10/01/2024.'

    A day, not a clock time: the document is signed and sent as of a date."""
    totals = summary.totals
    expected = totals["reports_expected"]
    when = f"tính đến ngày {plain_date(local_naive(summary.now).date())}"
    if not expected:
        return f"Không có báo cáo nào phải nộp trong kỳ ({when})."
    submitted, on_time = totals["reports_submitted"], totals["reports_on_time"]
    return (
        f"Báo cáo phải nộp: {expected}; đã nộp: {submitted} ({fmt.percent(submitted / expected, 1)}), "
        f"trong đó đúng hạn: {on_time} ({fmt.percent(on_time / expected, 1)}); {when}."
    )


def area_table(summary: Summary) -> Table:
    """`Theo nội dung`: the plan's areas × channels, and which units covered each area."""
    plan = summary.plan
    columns = [Col("Mục", "center", 6), Col("Nội dung tuyên truyền (mục II.2 Kế hoạch)", "text", 38)]
    columns += [Col(c.label, "int", 11, "Số hoạt động theo hình thức tuyên truyền") for c in plan.channels]
    columns += [Col("Tổng số hoạt động", "int", 10), Col("Đơn vị thực hiện", "text", 48)]
    table = Table(
        "Theo nội dung", "KẾT QUẢ THÔNG TIN, TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH THEO NỘI DUNG KẾ HOẠCH", columns
    )
    acts = summary.activities
    matrix = area_channel_matrix(acts, plan)
    by_unit = unit_area_matrix(acts, summary.units, plan)
    names = dict(zip(summary.units["code"], summary.units["name"], strict=True))
    for area in plan.areas:
        letter = area.letter
        counts = [int(matrix.at[letter, c.code]) for c in plan.channels]
        doers = [text(names[code]) or code for code in by_unit.index if by_unit.at[code, letter] > 0]
        table.add([f"{letter})", area.label, *counts, int(summary.areas[letter]), "; ".join(doers)])
    covered = len(plan.letters) - len(summary.uncovered_areas)
    table.notes = [
        f"Đã tuyên truyền {covered}/{len(plan.letters)} nội dung của Kế hoạch"
        + (f"; chưa tuyên truyền: {', '.join(summary.uncovered_areas)}." if summary.uncovered_areas else "."),
        "Một hoạt động gắn với nhiều nội dung được tính ở từng nội dung, nên cộng theo cột có thể lớn hơn "
        f"tổng số hoạt động ({fmt.number(summary.totals['activities'])}).",
    ]
    if summary.totals["activities"] == 0:
        table.notes.insert(0, f"{EMPTY_TEXT} ({summary.period.label}).")
    return table


DETAIL_COLUMNS = [
    Col("STT", "center", 6),
    Col("Đơn vị", "text", 24),
    Col("Ngày", "date", 11),
    Col("Nội dung", "center", 9),
    Col("Hình thức", "text", 20),
    Col("Tên hoạt động", "text", 42),
    Col("Số lượng", "int", 9),
    Col("Số người tham gia", "int", 10),
    Col("Minh chứng", "text", 30),
    Col("Ghi chú", "text", 20),
]


def per_distinct(values: pd.Series, func: Callable[[Any], Any]) -> list[Any]:
    """`func` applied once per distinct value (blanks give None): 25,000 rows hold few distinct texts."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = None  # what code -1 (a blank) picks
    return mapped[codes].tolist()


def detail_columns(summary: Summary) -> list[list[Any]]:
    """The `Chi tiết` table column by column, in its row order: unit (in the table's order), date, place."""
    acts = summary.activities
    positions = [p for _, rows in unit_order(summary) for p in rows]
    codes = summary.units["code"]
    rank = {codes.iloc[p]: i for i, p in enumerate(positions)}
    names = {code: text(name) or code for code, name in zip(codes, summary.units["name"], strict=True)}
    frame = acts.assign(_rank=acts["unit_code"].map(rank).fillna(len(rank)))
    frame = frame.sort_values(["_rank", "date", "tab", "row"], kind="stable")
    days = frame["date"].dt.date.tolist()
    labels = {c.code: c.label for c in summary.plan.channels}
    return [
        list(range(1, len(frame) + 1)),
        per_distinct(frame["unit_code"], lambda code: names.get(code, code)),
        days,
        per_distinct(frame["areas"], ", ".join),
        per_distinct(frame["channel"], labels.get),
        per_distinct(frame["title"], text),
        frame["quantity"].astype("int64").tolist(),
        frame["participants"].astype("int64").tolist(),
        per_distinct(frame["evidence"], text),
        per_distinct(frame["note"], text),
    ]


def detail_rows(summary: Summary) -> Sequence[list[Any]]:
    """Every activity of the period as rows of the `Chi tiết` table (made as they are read)."""
    if summary.activities.empty:
        return []
    return ColumnRows(detail_columns(summary))


def detail_table(summary: Summary) -> Table:
    """`Chi tiết`: STT, Đơn vị, Ngày, Nội dung, Hình thức, Tên hoạt động, Số lượng, Số người, Minh chứng, Ghi chú."""
    table = Table("Chi tiết", "DANH SÁCH HOẠT ĐỘNG THÔNG TIN, TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH", list(DETAIL_COLUMNS))
    rows = detail_rows(summary)
    table.rows = rows
    table.styles = [""] * len(rows)
    if not rows:
        table.empty = f"{EMPTY_TEXT} ({summary.period.label})."
    return table


def progress_table(summary: Summary) -> Table:
    """`Tiến độ báo cáo`: each unit's report per quarter — due, submitted on, status, days late; the rates."""
    columns = [
        Col("STT", "center", 6),
        Col("Đơn vị", "text", 42),
        Col("Kỳ báo cáo", "center", 14),
        Col("Hạn nộp", "date", 12),
        Col("Ngày nộp", "date", 12),  # a day, as the deadline is: the clock time stays in the app
        Col("Tình trạng", "center", 18),
        Col("Số ngày trễ", "int", 10),
    ]
    table = Table("Tiến độ báo cáo", "TÌNH HÌNH NỘP BÁO CÁO ĐỊNH KỲ CỦA CÁC PHÒNG, ĐƠN VỊ", columns)
    reports = summary.reports
    positions = [p for _, rows in unit_order(summary) for p in rows]
    rank = {summary.units["code"].iloc[p]: i for i, p in enumerate(positions)}
    ordered = reports.assign(_rank=reports["unit_code"].map(rank)).sort_values(["quarter", "_rank"], kind="stable")
    for number, report in enumerate(ordered.to_dict("records"), 1):
        late = report["days_late"]
        table.add(
            [
                number,
                text(report["name"]),
                f"Quý {ROMAN[report['quarter']]}/{report['year']}",
                report["deadline"],
                None if pd.isna(report["submitted_at"]) else local_naive(report["submitted_at"]).date(),
                report["status_label"] if report["expected"] else NOT_EXPECTED,
                None if pd.isna(late) else int(late),
            ]
        )
    table.notes = [report_rates(summary)]
    if reports.empty:
        table.empty = "Không có đơn vị nào trong danh sách."
    return table


def completion_result(row: Mapping[str, Any]) -> str:
    """«Đạt», «Chưa đạt», or «Đang thực hiện» for a quarter still running that has not reached its target."""
    if row["met"]:
        return "Đạt"
    return "Chưa đạt" if row["closed"] else "Đang thực hiện"


def completion_table(summary: Summary) -> Table:
    """`Hoàn thành kế hoạch`: each target of the plan per quarter, from quarter I to the period's last."""
    columns = [
        Col("STT", "center", 6),
        Col("Quý", "center", 8),
        Col("Loại chỉ tiêu", "center", 14),
        Col("Chỉ tiêu", "text", 44),
        Col("Yêu cầu mỗi quý", "int", 11),
        Col("Thực hiện", "int", 11),
        Col("Kết quả", "center", 14),
        Col("Còn thiếu", "text", 30),
    ]
    table = Table("Hoàn thành kế hoạch", "MỨC ĐỘ HOÀN THÀNH KẾ HOẠCH", columns)
    frame = summary.completion
    for number, row in enumerate(frame.to_dict("records"), 1):
        table.add(
            [
                number,
                ROMAN[int(row["quarter"])],
                KIND_LABELS[row["kind"]],
                text(row["label"]),
                int(row["target"]),
                int(row["actual"]),
                completion_result(row),
                row["gap"] or None,
            ]
        )
    period = summary.period
    table.notes = [
        f"Chỉ tiêu của {summary.plan.name}, tính theo từng quý; quý chưa kết thúc tính đến ngày "
        f"{plain_date(local_naive(summary.now).date())}.",
        f"Trong {period.label}: đạt {share_text(summary.completion_in_period)}.",
        f"Từ đầu năm {period.year} đến hết {period.label}: đạt {share_text(frame)}.",
    ]
    return table


def all_tables(summary: Summary) -> list[Table]:
    tables = [summary_table(summary), area_table(summary), detail_table(summary), progress_table(summary)]
    if len(summary.completion):  # only a plan with targets: without them the files are as they always were
        tables.append(completion_table(summary))
    return tables


def _roman(number: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}.get(number, str(number))


def _day(moment: Any) -> date | None:
    if moment is None or pd.isna(moment):
        return None
    return local_naive(moment).date() if isinstance(moment, datetime) else moment
