"""Snapshot → frames: units, activities, submissions and problems, with no silent loss.

Every non-blank row of a unit tab ends as exactly one of: an activity, or a row with at least one
problem of severity "error" (which keeps it out of every figure). Stray tabs, units without a tab,
missing required columns and duplicate headers are problems too. Cells are interpreted once per
distinct value (`_factorize`), which keeps 100,000 rows under a second.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from pandas._libs.lib import to_object_array_tuples

from reporting.collector import collector_paused
from reporting.letterhead import LETTERHEAD_FRAME_COLUMNS
from reporting.periods import DEFAULT_RULES, PeriodRules, periods_of
from reporting.plan import DEFAULT_PLANS, Plan, Plans
from reporting.plan_tab import build_plans
from reporting.schema import (
    ACTIVITY_COLUMNS,
    CORRECTIONS_TAB,
    GUIDE_TAB,
    LETTERHEAD_COLUMNS,
    LETTERHEAD_TAB,
    PLAN_COLUMNS,
    PLAN_TAB,
    REMINDER_COLUMNS,
    REMINDERS_TAB,
    REVIEW_COLUMNS,
    REVIEWS_TAB,
    SUBMISSION_COLUMNS,
    SUBMISSIONS_TAB,
    UNIT_COLUMNS,
    UNITS_TAB,
    Column,
    Header,
    find_header,
)
from reporting.snapshot import SheetRow, Snapshot
from reporting.text import fold, nfc, nfc_stripped, nfc_texts, show
from reporting.values import CellReading, parse_date, parse_status, read_areas, read_channel

EXCLUDED_COLUMNS = ["tab", "row", "unit_code", "date"]
SUBMISSION_FRAME_COLUMNS = [
    "unit_code",
    "year",
    "quarter",
    "submitted_at",
    "submitter",
    "note",
    "record_id",
    "tab",
    "row",
]
REVIEW_FRAME_COLUMNS = ["unit_code", "year", "quarter", "reviewed_at", "reviewer", "decision", "comment", "tab", "row"]
REMINDER_FRAME_COLUMNS = [
    "unit_code",
    "year",
    "quarter",
    "at",
    "kind",
    "to",
    "result",
    "note",
    "record_id",
    "tab",
    "row",
]
WITHDRAWN_COLUMNS = ["unit_code", "tab", "row", "date", "title"]
# A message quotes at most this much of the value (the problem's "value" keeps all of it): enough to find
# the cell, not a whole pasted document in every list of problems.
QUOTED_CHARACTERS = 200
PROBLEM_COLUMNS = ["tab", "row", "column", "cell", "value", "severity", "reason", "message", "unit_code"]
ACTIVITY_FRAME_COLUMNS = [
    "unit_code",
    "tab",
    "row",
    "date",
    "year",
    "quarter",
    "areas",
    "channel",
    "title",
    "quantity",
    "participants",
    "evidence",
    "note",
    "record_id",
]


log = logging.getLogger(__name__)
# Column key → its schema header (the keys of the three tabs do not clash), for a problem of a cell.
_HEADERS = {c.key: c.header for columns in (ACTIVITY_COLUMNS, UNIT_COLUMNS, SUBMISSION_COLUMNS) for c in columns}
_PLAN_HEADERS = {c.key: c.header for c in PLAN_COLUMNS}


@dataclass
class Parsed:
    """The frames every page, metric and export is computed from."""

    units: pd.DataFrame
    activities: pd.DataFrame
    submissions: pd.DataFrame
    problems: pd.DataFrame
    rows: int
    blank_rows: int
    error_rows: int  # unit-tab rows kept out of the figures: rows == len(activities) + error_rows
    read_at: datetime
    source_name: str
    rules: PeriodRules = DEFAULT_RULES
    snapshot: Snapshot | None = field(default=None, repr=False)
    # The `Cơ quan` tab's rows (`reporting.letterhead`): the agency block of the exports over time.
    letterheads: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=LETTERHEAD_FRAME_COLUMNS), repr=False
    )
    # The error rows, each with its date when readable: what a period's export left out.
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EXCLUDED_COLUMNS), repr=False)
    # The plans of the years (`reporting.plan`): the built-in 2023 plan unless the `Kế hoạch` tab adds some.
    plans: Plans = DEFAULT_PLANS
    # The office's decisions on quarterly reports (`Duyệt báo cáo`): REVIEW_FRAME_COLUMNS.
    reviews: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REVIEW_FRAME_COLUMNS), repr=False)
    titles: tuple[str, ...] = ()  # the tabs read, in order (kept when the loader drops the snapshot's cells)

    def has_tab(self, title: str) -> bool:
        return any(fold(t) == fold(title) for t in self.titles)

    # The `Nhắc việc` tab's rows (`reporting.remind`): the reminders sent, and its title as the sheet spells
    # it (None: the sheet has no such tab yet, so no reminder can be recorded).
    reminders: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REMINDER_FRAME_COLUMNS), repr=False)
    reminders_tab: str | None = None
    # Activities their unit withdrew («Trạng thái» «Hủy»): not in `rows`, `activities` or the errors.
    withdrawn: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WITHDRAWN_COLUMNS), repr=False)
    # The `Nhật ký sửa` tab as the sheet spells it (None: no tab, so no correction can be recorded).
    corrections_tab: str | None = None

    def plan_for(self, year: int) -> Plan:
        return self.plans.for_year(year)

    def rules_for(self, year: int) -> PeriodRules:
        """The period rules of `year`: the settings, with the deadline of that year's plan if it sets one."""
        due = self.plans.for_year(year).due_day
        return self.rules if due is None or due == self.rules.deadline_day else replace(self.rules, due_day=due)


class _Problems:
    """Collects problems as plain dicts; turned into one frame at the end."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(
        self,
        tab: str,
        row: int | None,
        column: str | None,
        col_index: int | None,
        value: Any,
        severity: str,
        reason: str,
        unit_code: str | None = None,
    ) -> None:
        cell = f"{get_column_letter(col_index + 1)}{row}" if col_index is not None and row is not None else None
        where = f"Trang «{tab}»"
        if row is not None:
            where += f", dòng {row}"
        if column is not None:
            where += f", cột «{column}»" + (f" ({cell})" if cell else "")
        shown = show(value) if value is not None else None
        quoted = shown if shown is None or len(shown) <= QUOTED_CHARACTERS else shown[:QUOTED_CHARACTERS] + "…"
        what = f"giá trị «{quoted}»: {reason}" if shown else reason
        self.items.append(
            {
                "tab": tab,
                "row": row,
                "column": column,
                "cell": cell,
                "value": shown,
                "severity": severity,
                "reason": reason,
                "message": f"{where}: {what[0].upper()}{what[1:]}.",
                "unit_code": unit_code,
            }
        )

    def add_cell(
        self,
        table: _Table,
        tab: str,
        row: int,
        key: str,
        value: Any,
        severity: str,
        reason: str,
        unit_code: str | None = None,
    ) -> None:
        """A problem of one cell of a known column: its header as written (the schema's when the tab lacks
        the column) and its position come from `table`."""
        header = table.headers.get(key, _HEADERS[key])
        self.add(tab, row, header, table.positions.get(key), value, severity, reason, unit_code)

    def add_row(self, tab: str, row: int, severity: str, reason: str, unit_code: str | None = None) -> None:
        """A problem of a whole row (no column or value)."""
        self.add(tab, row, None, None, None, severity, reason, unit_code)

    def add_tab(self, tab: str, severity: str, reason: str, unit_code: str | None = None) -> None:
        """A problem of a whole tab (no row, column or value)."""
        self.add(tab, None, None, None, None, severity, reason, unit_code)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.items, columns=PROBLEM_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        return frame


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Table:
    """A tab's header row and where each known column sits."""

    header_row: int
    positions: dict[str, int]  # column key → 0-based index
    headers: dict[str, str]  # column key → header text as written
    data: list[SheetRow]
    grid: np.ndarray  # the data rows' cells (`_grid`), a column each, at least as far as the columns read
    above: list[int] = field(default_factory=list)  # filled rows above the header: errors, never read


def _read_table(
    tab: str, rows: list[SheetRow], columns: tuple[Column, ...], problems: _Problems, unit_code: str | None = None
) -> _Table | None:
    """The tab's header (`reporting.schema.find_header`) and the rows below it. A repeated header, data above
    the header and a header sorted in among the data are errors; a value in a column without a header is a
    warning on its row."""
    header = find_header(map(_VALUES, rows), columns)
    if header is None:
        return None
    row = rows[header.index]
    for col, key, first in header.repeats:
        letter = get_column_letter(first + 1)
        problems.add(
            tab,
            row.number,
            show(row.values[col]),
            col,
            None,
            "error",
            f"tiêu đề trùng với cột {letter} («{header.headers[key]}»); chỉ cột {letter} được "
            "đọc, hãy xóa hoặc đổi tên cột trùng",
            unit_code,
        )
    above = _report_rows_above(tab, rows[: header.index], header, columns, row.number, problems, unit_code)
    data = rows[header.index + 1 :]
    cells = list(map(_VALUES, data))
    widest = max(map(len, cells), default=0)
    read = max(header.positions.values(), default=-1) + 1  # the columns anything is read from
    if widest > read + _SPARE_COLUMNS:  # one cell far to the right must not make every row that wide
        cells = [values[:read] for values in cells]
    _report_unnamed_values(tab, row, data, widest, problems, unit_code)
    return _Table(row.number, header.positions, header.headers, data, _grid(cells), above)


def _report_rows_above(
    tab: str,
    rows: list[SheetRow],
    header: Header,
    columns: tuple[Column, ...],
    header_row: int,
    problems: _Problems,
    unit_code: str | None,
) -> list[int]:
    """Errors for filled rows above the header; their row numbers. Above a header in its usual place, a row is
    data when it fills two of the header's columns (a title fills one); above a moved header, every filled
    row is data that the sort put there."""
    known = sorted(header.positions.values())
    if header.moved:
        problems.add_tab(
            tab,
            "error",
            f"dòng tiêu đề đang ở dòng {header_row}, dưới các dòng dữ liệu (có lẽ trang tính đã được sắp xếp "
            "cả dòng tiêu đề); hãy hoàn tác lần sắp xếp hoặc chuyển dòng tiêu đề lên trên cùng, và khi sắp "
            "xếp hãy chọn «Dữ liệu có hàng tiêu đề»",
            unit_code,
        )
    # A letterhead («SỞ…» beside «CỘNG HÒA…») fills two columns too: a row is data only when one of its
    # required cells that has a reader (a date, an area, a channel) reads as one.
    checks = [(header.positions[c.key], c) for c in columns if c.required and c.parser and c.key in header.positions]
    numbers = []
    for r in rows:
        filled = [i for i in known if i < len(r.values) and not _is_blank(r.values[i])]
        if header.moved:
            if not any(not _is_blank(c) for c in r.values):
                continue
        elif len(filled) < 2 or (checks and not any(_reads(c, r.values, i) for i, c in checks)):
            continue
        numbers.append(r.number)
        problems.add_row(
            tab,
            r.number,
            "error",
            f"dòng này có dữ liệu nhưng nằm trên dòng tiêu đề (dòng {header_row}) nên không được tính; "
            "hãy chuyển nó xuống dưới dòng tiêu đề",
            unit_code,
        )
    return numbers


def _reads(column: Column, values: tuple[Any, ...], position: int) -> bool:
    """Whether the cell at `position` holds a value `column` reads without an error."""
    if position >= len(values) or _is_blank(values[position]):
        return False
    return _read_cell(column, values[position])[1] is None


def _report_unnamed_values(
    tab: str, header: SheetRow, data: list[SheetRow], widest: int, problems: _Problems, unit_code: str | None
) -> None:
    """A warning on each row with a value in a column whose header cell is blank: it is not read. `widest`:
    the length of the longest data row."""
    width = len(header.values)
    blank_inside = [i for i, c in enumerate(header.values) if _is_blank(c)]
    if not blank_inside and widest <= width:
        return  # the usual case, seen without a loop: no cell outside the named columns
    for r in data:
        values = r.values
        if len(values) <= width and not blank_inside:
            continue
        unnamed = [i for i in blank_inside if i < len(values) and not _is_blank(values[i])]
        unnamed += [i for i in range(width, len(values)) if not _is_blank(values[i])]
        if not unnamed:
            continue
        letters = ", ".join(get_column_letter(i + 1) for i in unnamed)
        first = unnamed[0]
        problems.add(
            tab,
            r.number,
            None,
            None,
            values[first],
            "warning",
            f"ô {get_column_letter(first + 1)}{r.number} có giá trị nhưng cột {letters} chưa có tiêu đề nên "
            "không được đọc; hãy ghi tiêu đề cho cột hoặc chuyển giá trị sang đúng cột",
            unit_code,
        )


def _object_array(items: list[Any]) -> np.ndarray:
    """A 1-D object array of the items as they are, tuples too (np.array would make those a 2-D array),
    filled by numpy in C."""
    return np.fromiter(items, dtype=object, count=len(items))


@dataclass
class _Factor:
    """A column as distinct values and, per cell, the index of its value (-1 for a blank cell)."""

    codes: np.ndarray
    uniques: np.ndarray
    # Free text (`_factorize_text`): each value NFC and stripped, then None for a blank cell (a `_Lookup` table).
    texts: np.ndarray | None = None
    # Free text: whether some value holds «�» (U+FFFD), found while the column is read (`_factorize_text`).
    damaged: bool = False

    def cells(self) -> np.ndarray:
        """The raw value of each cell (None for a blank cell)."""
        table = np.empty(len(self.uniques) + 1, dtype=object)
        table[:-1] = self.uniques
        table[-1] = None
        return table[self.codes]

    def at(self, mask: np.ndarray) -> np.ndarray:
        """The raw values of the cells `mask` picks (None for a blank cell)."""
        return _Factor(self.codes[mask], self.uniques).cells()


@dataclass
class _Lookup:
    """A column's per-row values (or reasons) kept per reading rather than per cell: `table` holds one entry
    per distinct value (and plan) plus one a blank cell takes, `index` says which entry is each row's. A cell is
    then copied only for the rows a frame keeps."""

    table: np.ndarray
    index: np.ndarray

    @classmethod
    def of(cls, factor: _Factor, per_unique: list[Any]) -> _Lookup:
        return cls(_object_array([*per_unique, None]), factor.codes)  # a blank cell (-1) takes the last: None

    @classmethod
    def nothing(cls, rows: int) -> _Lookup:
        return cls(np.array([None], dtype=object), np.zeros(rows, dtype=np.intp))

    def all(self) -> np.ndarray:
        return self.table[self.index]

    def at(self, mask: np.ndarray) -> np.ndarray:
        return self.table[self.index[mask]]

    def given(self) -> np.ndarray:
        """Per row: whether its entry is not None (for reasons: the value does not read)."""
        return (self.table != None)[self.index]  # noqa: E711 (elementwise on an object array)

    def fill_blanks(self, blank: np.ndarray, value: Any) -> None:
        """`value` for the rows `blank` marks (cells left blank: they share the blank entries)."""
        self.table[np.unique(self.index[blank])] = value

    def typed(self, mask: np.ndarray, convert: Callable[[np.ndarray], np.ndarray], empty: Any) -> np.ndarray:
        """The rows `mask` picks, converted (`convert` on an object array) once per entry they use."""
        used = np.zeros(len(self.table), dtype=bool)
        used[self.index[mask]] = True
        converted = convert(self.table[used])
        lookup = np.full(len(self.table), empty, dtype=converted.dtype)
        lookup[used] = converted
        return lookup[self.index[mask]]


def _factorize(cells: np.ndarray, free_text: bool = False) -> _Factor:
    """Distinct values of a column, with whitespace-only text counted as blank.

    Booleans become text first: True == 1, so they would otherwise merge with 1; a NaN becomes the text
    «NaN», so the row is not taken for blank. Free text is mostly distinct, so hashing it buys nothing:
    each filled cell is its own "distinct value" there.
    """
    if free_text:
        return _factorize_text(cells)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    # Looking at the few distinct values, and at the blank cells, is cheaper than at every cell first: at a
    # million rows each pass over the cells costs a cache miss per cell.
    if _holds_nan(cells, codes) or _may_hold_bool(uniques):
        kinds = set(map(type, cells))  # the pass over every cell, only when it may find something
        if float in kinds or bool in kinds:
            codes, uniques = pd.factorize(_object_array(_as_values(cells.tolist(), kinds)), use_na_sentinel=True)
    blank = np.fromiter((u.__class__ is str and not u.strip() for u in uniques), dtype=bool, count=len(uniques))
    if blank.any():
        codes = np.where((codes >= 0) & blank[np.maximum(codes, 0)], -1, codes)
    return _Factor(codes, uniques)


def _may_hold_bool(uniques: np.ndarray) -> bool:
    """Whether a boolean cell is there or may have merged into a 1 or 0 (the value pd.factorize kept)."""
    return any(u.__class__ is not str and (u.__class__ is bool or u == 0 or u == 1) for u in uniques)


def _holds_nan(array: np.ndarray, codes: np.ndarray) -> bool:
    """Whether a cell that pd.factorize took for blank is not None (a NaN)."""
    blank = array[codes < 0].tolist()
    return blank.count(None) != len(blank)


def _as_values(cells: list[Any], kinds: set[type]) -> list[Any]:
    """Booleans as «TRUE»/«FALSE» and NaN as «NaN»: values in their own right, neither 1 nor blank."""
    if bool in kinds:
        cells = [("TRUE" if c else "FALSE") if c.__class__ is bool else c for c in cells]
    if float in kinds:  # the parser then rejects «NaN» aloud
        cells = [("NaN" if c != c else c) if c.__class__ is float else c for c in cells]
    return cells


_TEXT_CHUNK = 2048  # cells of a free-text column read together: few enough to stay in the CPU's cache
DAMAGED = "\ufffd"  # what a reader shows as «�»: the mark of a character that was lost
DAMAGED_NOTE = (
    "có ký tự «�» ở chỗ một chữ đã bị hỏng (thường do chép từ tệp dùng bảng mã khác); "
    "hãy gõ lại chữ đó cho đúng; dòng vẫn được tính"
)


def _factorize_text(cells: np.ndarray) -> _Factor:
    """Free text: only the filled cells are "distinct values", so later passes (NFC, strip) skip blanks; their
    NFC, stripped text (`reporting.text.nfc`) is worked out here too, as `_Factor.texts`.

    A column is read by chunks: at a million rows every first touch of a cell is a cache miss, and this way it
    is the only one (the chunk's other passes, copies into the results included, find it in the cache).
    """
    count = len(cells)
    filled = np.zeros(count, dtype=bool)
    uniques = np.empty(count, dtype=object)
    texts = np.empty(count + 1, dtype=object)
    done, damaged = 0, False
    for start in range(0, count, _TEXT_CHUNK):
        part = cells[start : start + _TEXT_CHUNK]
        chunk = part.tolist()
        blanks = chunk.count(None)
        if blanks == len(chunk):
            continue
        present = part != None if blanks else np.ones(len(chunk), dtype=bool)  # noqa: E711 (elementwise)
        values = [c for c in chunk if c is not None] if blanks else chunk
        try:
            joined = "\x00".join(values)  # the usual case, text only (joining raises on anything else), read by C
        except TypeError:  # a number, a date, a boolean, a NaN among the text
            keep, values, stripped = _mixed_chunk(chunk)
            damaged = damaged or any(DAMAGED in text for text in stripped if text)
        else:
            damaged = damaged or DAMAGED in joined  # one search of the chunk's text, in C
            keep, values, stripped = _text_chunk(present, values, joined)
        filled[start : start + len(chunk)] = keep
        uniques[done : done + len(values)] = _object_array(values)
        texts[done : done + len(values)] = _object_array(stripped)
        done += len(values)
    codes = np.full(count, -1, dtype=np.intp)
    codes[filled] = np.arange(done)
    texts[done] = None  # what a blank cell (-1) takes
    return _Factor(codes, uniques[:done], texts[: done + 1], damaged)


def _text_chunk(present: np.ndarray, values: list[str], joined: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Text cells (`present` marks them in the chunk; `joined`, the values joined by NUL): which are filled,
    their values, their NFC text."""
    stripped = list(map(str.strip, values))  # blank ⇔ strips to "" (str.strip and str.isspace agree)
    if "" in stripped:
        kept = list(map(bool, stripped))
        present = present.copy()
        present[present] = kept
        values, stripped = list(compress(values, kept)), list(compress(stripped, kept))
        joined = "\x00".join(values)
    return present, values, nfc_stripped(joined, values, stripped)


def _mixed_chunk(chunk: list[Any]) -> tuple[np.ndarray, list[Any], list[str | None]]:
    """A chunk holding more than text: booleans and NaN become text (`_as_values`), other values are shown as
    a user would recognise them (`reporting.text.show`)."""
    # 0 text, 1 blank (None, "" or whitespace; isspace() copies nothing), 2 anything else.
    kinds = np.array(
        [2 if c.__class__ is not str and c is not None else (1 if not c or c.isspace() else 0) for c in chunk],
        dtype=np.int8,
    )
    keep = kinds != 1
    values = list(compress(_as_values(chunk, set(map(type, chunk))), keep))
    return keep, values, nfc_texts(values)


_VALUES, _NUMBER = attrgetter("values"), attrgetter("number")


_SPARE_COLUMNS = 32  # how much wider than the columns read a tab's grid may be before its rows are cut


def _grid(rows: list[tuple[Any, ...]]) -> np.ndarray:
    """The rows' cells as one 2-D object array, short rows padded with None.

    pandas' own C routine behind `DataFrame.from_records` (private, but pandas is pinned in requirements.txt,
    and the tests' short rows would show a change in how it pads): half the time of transposing with
    `zip_longest`, and the columns come out as arrays, with no per-cell Python work."""
    return to_object_array_tuples(rows)


def _repeated(value: Any, count: int) -> np.ndarray:
    """`count` references to the one object (np.full would make a new str per cell out of a text)."""
    array = np.empty(count, dtype=object)
    array.fill(value)
    return array


def _extract(
    tables: list[tuple[str, str | None, _Table]], columns: tuple[Column, ...]
) -> tuple[pd.DataFrame, dict[str, _Factor], int]:
    """Non-blank data rows of several tabs: a frame of where each is (tab, unit_code, row) and each key's column
    factorised (its raw cells are `_Factor.cells`), both aligned; and the number of blank rows."""
    keys = [c.key for c in columns]
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ["tab", "unit_code", "row", *keys]}
    for tab, unit_code, table in tables:
        count = len(table.data)
        if not count:
            continue
        grid = table.grid
        for key in keys:
            pos = table.positions.get(key)
            on_grid = pos is not None and pos < grid.shape[1]
            parts[key].append(grid[:, pos] if on_grid else _repeated(None, count))
        parts["tab"].append(_repeated(tab, count))
        parts["unit_code"].append(_repeated(unit_code, count))
        parts["row"].append(np.fromiter(map(_NUMBER, table.data), dtype=np.int64, count=count))
    out = {
        k: np.concatenate(v) if v else np.empty(0, dtype=np.int64 if k == "row" else object) for k, v in parts.items()
    }
    factors = {c.key: _factorize(out[c.key], free_text=c.parser is None) for c in columns}
    filled = np.zeros(len(out["row"]), dtype=bool)
    for factor in factors.values():
        filled |= factor.codes >= 0
    factors = {k: replace(f, codes=f.codes[filled]) for k, f in factors.items()}
    # dtype=object: pandas would otherwise spend time inferring string columns we only read back.
    frame = pd.DataFrame({"tab": out["tab"][filled], "unit_code": out["unit_code"][filled]}, dtype=object, copy=False)
    frame.insert(2, "row", out["row"][filled])
    return frame, factors, int((~filled).sum())


class _ByPlan:
    """The activity columns read by the plan of each row's year (areas, channel): each distinct value is read
    once per plan, and each row takes its own plan's reading. A row without a readable date (an error row
    anyway) is read by the newest plan."""

    def __init__(self, plans: Plans, rules: PeriodRules) -> None:
        self.plans = plans
        self.rules = rules
        self.rows: np.ndarray | None = None  # per row: the index of its plan in `plans.plans`

    def assign(self, dates: np.ndarray) -> None:
        newest = len(self.plans.plans) - 1
        if not self.plans.many:
            self.rows = np.zeros(len(dates), dtype=np.intp)
            return
        stamps = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
        known = stamps.notna().to_numpy()
        filled = stamps.where(known, pd.Timestamp(self.plans.plans[newest].year, 6, 1)).astype("datetime64[ns]")
        years, _quarters = periods_of(filled, self.rules)
        index = {plan.year: i for i, plan in enumerate(self.plans.plans)}
        per_year = {int(y): index[self.plans.for_year(int(y)).year] for y in np.unique(years.to_numpy())}
        self.rows = np.where(known, np.array([per_year[int(y)] for y in years.to_numpy()], dtype=np.intp), newest)

    def read(self, key: str, value: Any, plan: Plan) -> CellReading:
        name = f"năm {plan.year}" if self.plans.many else ""
        if key == "areas":
            return read_areas(value, plan.letters, plan.area_hint, name)
        return read_channel(value, plan.channel_lookup, plan.channel_hint)

    def readings(self, column: Column, factor: _Factor) -> tuple[_Lookup, _Lookup]:
        """Per row: the value under the row's plan, and why it does not read (None when it does)."""
        assert self.rows is not None, "the date column is read first"
        values = np.empty((len(self.plans.plans), len(factor.uniques) + 1), dtype=object)
        reasons = np.empty_like(values)
        for i, plan in enumerate(self.plans.plans):
            if self.plans.many and not (self.rows == i).any():
                continue
            results = [
                _read_cell(column, u, lambda value, p=plan: self.read(column.key, value, p)) for u in factor.uniques
            ]
            values[i, :-1] = _object_array([r[0] for r in results])
            reasons[i, :-1] = [r[1] for r in results]
        width = len(factor.uniques) + 1  # a blank cell (-1) takes the last column: None
        index = self.rows * width + np.where(factor.codes < 0, width - 1, factor.codes)
        return _Lookup(values.ravel(), index), _Lookup(reasons.ravel(), index)


def _validate(
    frame: pd.DataFrame,
    factors: dict[str, _Factor],
    tables: dict[str, _Table],
    columns: tuple[Column, ...],
    problems: _Problems,
    defaults: dict[str, Any],
) -> tuple[pd.DataFrame, pd.Series]:
    """`_read_columns` as a frame of parsed values (one column per key) and a mask of rows with errors."""
    parsed, errors = _read_columns(frame, factors, tables, columns, problems, defaults)
    values = {key: lookup.all() for key, lookup in parsed.items()}
    return pd.DataFrame(values, index=frame.index, dtype=object, copy=False), pd.Series(errors, index=frame.index)


def _read_columns(
    frame: pd.DataFrame,
    factors: dict[str, _Factor],
    tables: dict[str, _Table],
    columns: tuple[Column, ...],
    problems: _Problems,
    defaults: dict[str, Any],
    by_plan: _ByPlan | None = None,
) -> tuple[dict[str, _Lookup], np.ndarray]:
    """Parse every column once per distinct value (once per plan too, for the columns `by_plan` reads);
    record problems; return the parsed values and a mask of rows with errors."""
    errors = np.zeros(len(frame), dtype=bool)
    parsed: dict[str, _Lookup] = {}
    for column in columns:
        factor = factors[column.key]
        missing = factor.codes < 0
        if column.parser is None:  # free text: nothing to reject, only a required cell left blank
            texts = factor.texts
            values = (
                _Lookup(texts, factor.codes) if texts is not None else _Lookup.of(factor, nfc_texts(factor.uniques))
            )
            reasons = _Lookup.nothing(len(frame))
            parsed[column.key] = values
            if factor.damaged:
                _warn(frame, factor, column, tables, problems, _damaged_notes(factor))
            if not column.required:
                continue
        elif by_plan is not None and column.key in ("areas", "channel"):
            values, reasons = by_plan.readings(column, factor)
        else:
            results = [_read_cell(column, u) for u in factor.uniques]
            values, reasons = _Lookup.of(factor, [r[0] for r in results]), _Lookup.of(factor, [r[1] for r in results])
            if column.warn is not None:
                surprising = [column.warn(value) if value is not None else None for value, _reason in results]
                _warn(frame, factor, column, tables, problems, surprising, reasons.given())
        if column.key in defaults:
            values.fill_blanks(missing, defaults[column.key])
        if by_plan is not None and column.key == "date":
            by_plan.assign(values.all())
        parsed[column.key] = values
        bad = reasons.given()
        required_missing = missing & column.required
        flagged = bad | required_missing
        if not flagged.any():
            continue
        rows = frame.loc[flagged, ["tab", "row", "unit_code"]].itertuples(index=False)
        for (tab, row, unit_code), value, reason, is_missing, is_required in zip(
            rows, factor.at(flagged), reasons.at(flagged), missing[flagged], required_missing[flagged], strict=True
        ):
            table = tables[tab]
            pos = table.positions.get(column.key)
            if pos is None:
                reason = f"trang tính thiếu cột bắt buộc «{column.header}» nên không đọc được dòng này"
            elif is_missing:
                reason = f"ô «{column.header}» đang trống; cột này là bắt buộc"
            severity = "error" if is_required else column.severity
            header = table.headers.get(column.key, column.header)
            problems.add(tab, int(row), header, pos, None if is_missing else value, severity, reason, unit_code)
        errors |= required_missing | (bad if column.severity == "error" else False)
    return parsed, errors


def _read_cell(column: Column, value: Any, parser: Callable[[Any], CellReading] | None = None) -> CellReading:
    """The column's parser (or `parser`) on one distinct value; whatever a cell holds, a reading, never an
    exception."""
    try:
        return (parser or column.parser)(value)  # type: ignore[misc]
    except Exception:  # a parser bug must not take the app down for everyone: the row is an error instead
        log.exception("the %s parser failed on a cell", column.key)
        return None, "không đọc được giá trị này; ghi lại theo hướng dẫn"


def _damaged_notes(factor: _Factor) -> list[str | None]:
    """Per distinct free-text value, a note when it holds «�»: a character lost before the sheet had it (text
    copied from a file in another encoding) or on the way (half a character from the API,
    `reporting.text.show_text`). The text is kept as it is and the row still counts; only the person who typed
    it knows what it said."""
    return [DAMAGED_NOTE if isinstance(u, str) and DAMAGED in u else None for u in factor.uniques]


def _warn(
    frame: pd.DataFrame,
    factor: _Factor,
    column: Column,
    tables: dict[str, _Table],
    problems: _Problems,
    notes: list[str | None],
    bad: np.ndarray | None = None,
) -> None:
    """A warning on each row whose distinct value has a note (`notes`, one per value: a surprising number, a
    damaged character), unless `bad` already makes the row an error; the row still counts."""
    given = _Lookup.of(factor, notes)
    flagged = given.given() if bad is None else given.given() & ~bad
    if not flagged.any():
        return
    rows = frame.loc[flagged, ["tab", "row", "unit_code"]].itertuples(index=False)
    for (tab, row, unit_code), raw, note in zip(rows, factor.at(flagged), given.at(flagged), strict=True):
        problems.add_cell(tables[tab], tab, int(row), column.key, raw, "warning", note, unit_code)


def _read_list_table(tab: str, rows: list[SheetRow], columns: tuple[Column, ...], problems: _Problems) -> _Table | None:
    """`_read_table` for the unit list and the submissions tab: a filled tab without a header is an error."""
    table = _read_table(tab, rows, columns, problems)
    if table is None and any(r.values for r in rows):
        expected = " · ".join(c.header for c in columns if c.key != "record_id")
        problems.add_tab(tab, "error", f"không tìm thấy dòng tiêu đề ({expected})")
    return table


UNIT_FRAME_COLUMNS = [
    "code",
    "name",
    "group",
    "emails",
    "reports",
    "since",
    "until",
    "successor",
    "row",
    "key_code",
    "key_name",
]


def _parse_units(snapshot: Snapshot, problems: _Problems) -> pd.DataFrame:
    columns = UNIT_FRAME_COLUMNS
    tab = _find_tab(snapshot, UNITS_TAB)
    if tab is None:
        problems.add_tab(
            UNITS_TAB,
            "error",
            "thiếu trang «Đơn vị» (danh sách đơn vị); mỗi trang tính khác được coi là một đơn vị",
        )
        return pd.DataFrame(columns=columns)
    table = _read_list_table(tab, snapshot.tabs[tab], UNIT_COLUMNS, problems)
    if table is None:
        return pd.DataFrame(columns=columns)
    raw, factors, _blank = _extract([(tab, None, table)], UNIT_COLUMNS)
    parsed, errors = _validate(raw, factors, {tab: table}, UNIT_COLUMNS, problems, {"reports": True})
    parsed["reports"] = parsed["reports"].where(parsed["reports"].notna(), True)
    units = pd.DataFrame(
        {
            "code": parsed["code"],
            "name": parsed["name"],
            "group": parsed["group"],
            "emails": parsed["emails"].map(lambda e: e if isinstance(e, tuple) else ()),
            "reports": parsed["reports"].astype(bool),
            "since": pd.to_datetime(parsed["since"].astype(object)).astype("datetime64[ns]"),
            "until": pd.to_datetime(parsed["until"].astype(object)).astype("datetime64[ns]"),
            "successor": parsed["successor"],
            "row": raw["row"],
        }
    )[~errors]
    units["key_code"] = units["code"].map(fold)
    units["key_name"] = units["name"].map(fold)
    duplicated = units["key_code"].duplicated()
    for _, unit in units[duplicated].iterrows():
        problems.add_cell(
            table,
            tab,
            int(unit["row"]),
            "code",
            unit["code"],
            "error",
            "mã đơn vị bị trùng với một dòng phía trên; dòng này bị bỏ qua",
        )
    units = units[~duplicated].reset_index(drop=True)
    shared = _report_shared_emails(tab, table, raw["row"], factors, problems)
    if shared:  # nobody signs in as a unit through an address two rows claim
        units["emails"] = units["emails"].map(lambda emails: tuple(e for e in emails if e.lower() not in shared))
    _resolve_successors(tab, table, units, problems)
    return units


def _resolve_successors(tab: str, table: _Table, units: pd.DataFrame, problems: _Problems) -> None:
    """«Đơn vị tiếp nhận» as a unit code; a name that matches no other unit, a unit taking over from itself and
    a stop before the start are warnings (the unit then simply has no successor, or no dates)."""
    index = _UnitIndex(units)
    successors: list[str | None] = []
    for unit in units.itertuples(index=False):
        if pd.notna(unit.since) and pd.notna(unit.until) and unit.until < unit.since:
            problems.add_cell(
                table,
                tab,
                int(unit.row),
                "until",
                unit.until.date(),
                "warning",
                "«Đến ngày» sớm hơn «Từ ngày»; hai ngày này không được dùng",
            )
            units.loc[units["code"] == unit.code, ["since", "until"]] = pd.NaT
        text = unit.successor
        if text is None or not str(text).strip():
            successors.append(None)
            continue
        found = index.find(text)
        if found is None or found == unit.code:
            reason = (
                "đơn vị không thể tiếp nhận chính nó"
                if found == unit.code
                else f"không khớp mã hay tên đơn vị nào trong trang «{UNITS_TAB}»"
            )
            problems.add_cell(table, tab, int(unit.row), "successor", text, "warning", reason)
            successors.append(None)
            continue
        if pd.isna(unit.until):
            problems.add_cell(
                table,
                tab,
                int(unit.row),
                "successor",
                text,
                "warning",
                "có đơn vị tiếp nhận nhưng chưa ghi «Đến ngày»; đơn vị vẫn được coi là còn báo cáo",
            )
        successors.append(found)
    units["successor"] = pd.Series(successors, index=units.index, dtype=object)


_EMAIL_LIKE = re.compile(r"[^\s,;<>()]+@[^\s,;<>()]+")


def _report_shared_emails(
    tab: str, table: _Table, rows: pd.Series, factors: dict[str, _Factor], problems: _Problems
) -> set[str]:
    """Addresses in the `Email` cells of two rows of the unit list, and an error on each of those rows:
    sign-in cannot tell which unit the person acts for, so the address gets no unit role until it is fixed.

    Read from the raw cells of every row — also a row with an error, or a cell with a typo beside the
    address — so a mistake elsewhere never turns a shared address into one unit's."""
    owners: dict[str, list[tuple[int, str]]] = {}
    for row, code, cell in zip(rows, factors["code"].cells(), factors["emails"].cells(), strict=True):
        if not isinstance(cell, str):
            continue
        for email in {e.lower().strip(".") for e in _EMAIL_LIKE.findall(cell)}:
            owners.setdefault(email, []).append((int(row), "" if code is None else show(code)))
    shared = {email for email, rows in owners.items() if len({r for r, _ in rows}) > 1}
    for email in sorted(shared):
        codes = ", ".join(code or f"dòng {row}" for row, code in owners[email])
        for row, _code in owners[email]:
            problems.add_cell(
                table,
                tab,
                row,
                "emails",
                email,
                "error",
                f"email này có ở nhiều đơn vị ({codes}); người dùng email đó chưa được nhận là cán bộ đơn vị nào "
                "cho đến khi chỉ còn ở một đơn vị",
            )
    return shared


def _report_twin_fixed_tabs(snapshot: Snapshot, problems: _Problems) -> None:
    """Two tabs that fold to one fixed tab («Đơn vị» and «đơn vị », say): only the first is read, so the
    other is an error naming both, with how many filled rows it holds — nothing in it goes unmentioned."""
    for title in (UNITS_TAB, SUBMISSIONS_TAB, PLAN_TAB, LETTERHEAD_TAB, REVIEWS_TAB, REMINDERS_TAB, CORRECTIONS_TAB):
        twins = [t for t in snapshot.tabs if fold(t) == fold(title)]
        for twin in twins[1:]:
            filled = sum(1 for r in snapshot.tabs[twin] if any(not _is_blank(c) for c in r.values))
            problems.add_tab(
                twin,
                "error",
                f"trang này và trang «{twins[0]}» cùng là trang «{title}» (chỉ khác hoa thường, dấu hay khoảng "
                f"trắng); chỉ trang «{twins[0]}» được đọc, {filled} dòng không trống của trang này không được đọc: "
                "hãy gộp hai trang làm một",
            )


def _find_tab(snapshot: Snapshot, title: str) -> str | None:
    wanted = fold(title)
    return next((t for t in snapshot.tabs if fold(t) == wanted), None)


class _UnitIndex:
    """Looks a unit up by code, then name, then a unique part of its name; all folded, memoised."""

    def __init__(self, units: pd.DataFrame) -> None:
        self.codes = dict(zip(units["key_code"], units["code"], strict=True))
        self.names = dict(zip(units["key_name"], units["code"], strict=True))
        self.memo: dict[str, str | None] = {}

    def find(self, text: Any) -> str | None:
        key = fold(text)
        if key not in self.memo:
            self.memo[key] = self._find(key)
        return self.memo[key]

    def _find(self, key: str) -> str | None:
        if not key:
            return None
        found = self.codes.get(key) or self.names.get(key)
        if found is None and " " in key:
            # "Người có công" for "Phòng Người có công": a name's words, if they point to one unit only.
            hits = {code for name, code in self.names.items() if f" {key} " in f" {name} "}
            found = hits.pop() if len(hits) == 1 else None
        return None if found is None else str(found)


def _unit_tabs(
    snapshot: Snapshot, units: pd.DataFrame, problems: _Problems, has_unit_list: bool
) -> list[tuple[str, str]]:
    """(tab, unit code) for every tab that belongs to a unit; stray tabs become problems."""
    fixed = {
        fold(t)
        for t in (
            UNITS_TAB,
            SUBMISSIONS_TAB,
            GUIDE_TAB,
            LETTERHEAD_TAB,
            PLAN_TAB,
            REVIEWS_TAB,
            REMINDERS_TAB,
            CORRECTIONS_TAB,
        )
    }
    index = _UnitIndex(units)
    pairs: list[tuple[str, str]] = []
    for tab, rows in snapshot.tabs.items():
        if fold(tab) in fixed:
            continue
        code = index.find(tab) if has_unit_list else nfc(tab)
        if code is None:
            filled = sum(1 for r in rows if any(not _is_blank(c) for c in r.values))
            severity = "error" if filled else "warning"
            detail = f"có {filled} dòng không được tính" if filled else "trang trống"
            problems.add_tab(
                tab,
                severity,
                f"tên trang không khớp mã hay tên đơn vị nào trong trang «{UNITS_TAB}» ({detail}); "
                f"hãy đổi tên trang theo mã đơn vị hoặc thêm đơn vị vào trang «{UNITS_TAB}»",
            )
            continue
        pairs.append((tab, code))
    seen: dict[str, str] = {}
    for tab, code in pairs:
        if code in seen:
            problems.add_tab(
                tab,
                "warning",
                f"đơn vị {code} có hai trang («{seen[code]}» và «{tab}»); cả hai đều được tính",
                code,
            )
        seen.setdefault(code, tab)
    if has_unit_list:
        for _, unit in units.iterrows():
            if unit["code"] not in seen:
                problems.add_row(
                    UNITS_TAB,
                    int(unit["row"]),
                    "warning",
                    f"đơn vị {unit['code']} ({unit['name']}) chưa có trang tính riêng; hãy thêm trang "
                    f"tên «{unit['code']}» để nhập hoạt động",
                    unit["code"],
                )
    return pairs


def _parse_activities(
    snapshot: Snapshot, pairs: list[tuple[str, str]], problems: _Problems, rules: PeriodRules, plans: Plans
) -> tuple[pd.DataFrame, int, int, int, pd.DataFrame]:
    tables: dict[str, _Table] = {}
    listed: list[tuple[str, str | None, _Table]] = []
    unread: list[tuple[str, int, str | None]] = []  # error rows never read into the frame: (tab, row, unit)
    for tab, code in pairs:
        rows = snapshot.tabs[tab]
        table = _read_table(tab, rows, ACTIVITY_COLUMNS, problems, code)
        if table is None:
            filled = [r for r in rows if any(not _is_blank(c) for c in r.values)]
            for r in filled:
                problems.add_row(
                    tab,
                    r.number,
                    "error",
                    "không tìm thấy dòng tiêu đề (Ngày · Nội dung · Hình thức · …) nên không đọc được dòng này",
                    code,
                )
            unread.extend((tab, r.number, code) for r in filled)
            continue
        unread.extend((tab, number, code) for number in table.above)
        for column in ACTIVITY_COLUMNS:
            if column.required and column.key not in table.positions:
                problems.add(
                    tab,
                    table.header_row,
                    column.header,
                    None,
                    None,
                    "error",
                    f"thiếu cột bắt buộc «{column.header}»",
                    code,
                )
        tables[tab] = table
        listed.append((tab, code, table))
    raw, factors, blank = _extract(listed, ACTIVITY_COLUMNS)
    raw, factors, withdrawn = _take_withdrawn(raw, factors)
    parsed, read_errors = _read_columns(
        raw, factors, tables, ACTIVITY_COLUMNS, problems, {"quantity": 1, "participants": 0}, _ByPlan(plans, rules)
    )
    errors = pd.Series(read_errors, index=raw.index)
    errors |= _repeated_records(raw, parsed["record_id"], errors, tables, problems)
    codes = {tab: code for tab, code, _ in listed}
    gone = set(zip(withdrawn["tab"], withdrawn["row"], strict=True))
    unread += [
        (tab, row, codes.get(tab))
        for tab, row in _uncomputed_rows(snapshot, raw, errors, tables, codes, problems)
        if (tab, row) not in gone
    ]
    error_rows = int(errors.sum()) + len(unread)
    excluded = _excluded(raw, parsed["date"].at(errors.to_numpy()), errors, unread)
    for idx in raw.index[(factors["title"].codes < 0) & ~errors.to_numpy()]:  # blank or whitespace only
        tab = raw.at[idx, "tab"]
        problems.add_cell(
            tables[tab],
            tab,
            int(raw.at[idx, "row"]),
            "title",
            None,
            "warning",
            "chưa ghi tên hoạt động; dòng vẫn được tính",
            raw.at[idx, "unit_code"],
        )
    good = ~errors.to_numpy()
    kept = {"unit_code": raw["unit_code"].to_numpy()[good], "tab": raw["tab"].to_numpy()[good]}
    frame = pd.DataFrame({**kept, **{k: v.at(good) for k, v in parsed.items()}}, dtype=object, copy=False)
    frame.insert(2, "row", raw["row"].to_numpy()[good])
    frame["date"] = parsed["date"].typed(good, _as_datetimes, np.datetime64("NaT", "ns"))
    frame["year"], frame["quarter"] = periods_of(frame["date"], rules)
    for key in ("quantity", "participants"):
        frame[key] = parsed[key].typed(good, lambda values: values.astype("int64"), 0)
    frame = frame[ACTIVITY_FRAME_COLUMNS]
    return frame, len(raw) + len(unread), blank, error_rows, excluded, withdrawn


def _as_datetimes(values: np.ndarray) -> np.ndarray:
    return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]").to_numpy()


def _take_withdrawn(
    raw: pd.DataFrame, factors: dict[str, _Factor]
) -> tuple[pd.DataFrame, dict[str, _Factor], pd.DataFrame]:
    """Rows whose «Trạng thái» says «Hủy» (`reporting.corrections`): withdrawn by their unit, so neither
    counted nor checked, and listed apart (never lost). Returns the other rows, their factors, and those rows
    (unit_code, tab, row, the date cell as read or NaT, the title as typed)."""
    factor = factors["status"]
    # Read once per distinct status; the last entry is what a blank cell (code -1) picks.
    hits = np.array([parse_status(u)[0] == "withdrawn" for u in factor.uniques] + [False], dtype=bool)
    if not hits.any():
        return raw, factors, pd.DataFrame(columns=WITHDRAWN_COLUMNS)
    mask = hits[factor.codes]
    days = [parse_date(value)[0] if value is not None else None for value in factors["date"].at(mask)]
    withdrawn = pd.DataFrame(
        {
            "unit_code": raw.loc[mask, "unit_code"].to_numpy(dtype=object),
            "tab": raw.loc[mask, "tab"].to_numpy(dtype=object),
            "row": raw.loc[mask, "row"].to_numpy(dtype="int64"),
            "date": pd.to_datetime(pd.Series(days, dtype=object), errors="coerce").to_numpy(dtype="datetime64[ns]"),
            "title": [show(t) if t is not None else "" for t in factors["title"].at(mask)],
        }
    )
    kept = ~mask
    factors = {k: replace(f, codes=f.codes[kept]) for k, f in factors.items()}
    return raw[kept].reset_index(drop=True), factors, withdrawn


def _excluded(
    raw: pd.DataFrame, read_dates: np.ndarray, errors: pd.Series, unread: list[tuple[str, int, str | None]]
) -> pd.DataFrame:
    """Every error row of the unit tabs with its date when that cell could be read (NaT otherwise), so an
    export can say how many rows its own period left out. `read_dates`: the date read from each error row."""
    dates = pd.to_datetime(pd.Series(read_dates, dtype=object), errors="coerce")
    frame = pd.DataFrame(
        {
            "tab": raw.loc[errors, "tab"].to_numpy(dtype=object),
            "row": raw.loc[errors, "row"].to_numpy(dtype="int64"),
            "unit_code": raw.loc[errors, "unit_code"].to_numpy(dtype=object),
            "date": dates.to_numpy(dtype="datetime64[ns]"),
        }
    )
    if unread:
        tabs, rows, codes = zip(*unread, strict=True)
        more = pd.DataFrame({"tab": tabs, "row": rows, "unit_code": codes, "date": pd.NaT}, columns=EXCLUDED_COLUMNS)
        frame = pd.concat([frame, more.astype({"date": "datetime64[ns]", "row": "int64"})], ignore_index=True)
    return frame


_UNCOMPUTED = (
    "tệp không lưu kết quả tính của công thức nên không biết giá trị; mở tệp bằng Excel hoặc LibreOffice, "
    "lưu lại rồi dùng tệp vừa lưu"
)


def _uncomputed_rows(
    snapshot: Snapshot,
    raw: pd.DataFrame,
    errors: pd.Series,
    tables: dict[str, _Table],
    codes: dict[str, str | None],
    problems: _Problems,
) -> list[tuple[str, int]]:
    """Rows of unit tabs with a formula whose result the file did not store, in a column that is read: an
    error each (marked in `errors`), since the value is unknown. Returns those that read as blank."""
    unread: list[tuple[str, int]] = []
    at = (
        {(t, int(r)): i for i, t, r in zip(raw.index, raw["tab"], raw["row"], strict=True)}
        if snapshot.uncomputed
        else {}
    )
    for tab, cells in snapshot.uncomputed.items():
        table = tables.get(tab)
        if table is None:
            continue
        read = set(table.positions.values())
        by_row: dict[int, list[int]] = {}
        for row, col in cells:
            if row > table.header_row and col in read:
                by_row.setdefault(row, []).append(col)
        for row, cols in sorted(by_row.items()):
            where = ", ".join(f"{get_column_letter(c + 1)}{row}" for c in sorted(cols))
            problems.add_row(tab, row, "error", f"ô {where} có công thức nhưng {_UNCOMPUTED}", codes.get(tab))
            index = at.get((tab, row))
            if index is None:
                unread.append((tab, row))
            else:
                errors[index] = True
    return unread


def _report_uncomputed_elsewhere(snapshot: Snapshot, unit_tabs: set[str], problems: _Problems) -> None:
    """Formulas without stored results in the unit list, the submissions or a stray tab: one error per tab."""
    for tab, cells in snapshot.uncomputed.items():
        if tab in unit_tabs:
            continue
        first = ", ".join(f"{get_column_letter(c + 1)}{r}" for r, c in cells[:5])
        more = f" và {len(cells) - 5} ô khác" if len(cells) > 5 else ""
        problems.add_tab(tab, "error", f"các ô {first}{more} có công thức nhưng {_UNCOMPUTED}")


def _repeated_records(
    raw: pd.DataFrame, record_ids: _Lookup, errors: pd.Series, tables: dict[str, _Table], problems: _Problems
) -> pd.Series:
    """Rows whose `Mã ghi` an earlier row of the same tab already carries: one request the app wrote twice
    (a Google append applied after its request timed out). The first counts; each repeat is an error row
    naming the first, so it is counted once everywhere and `rows == activities + error rows` still holds."""
    mask = pd.Series(False, index=raw.index)
    if not record_ids.given().any():  # no row written by the app: nothing can repeat
        return mask
    ids = pd.Series(record_ids.all(), index=raw.index, dtype=object).where(~errors)
    ids = ids[ids.notna() & (ids.astype(str).str.strip() != "")]
    keyed = pd.DataFrame({"tab": raw.loc[ids.index, "tab"], "id": ids.astype(str).str.strip()})
    repeated = keyed.duplicated(["tab", "id"], keep="first")
    if not repeated.any():
        return mask
    first_row = {
        (tab, rid): int(raw.at[idx, "row"])
        for idx, tab, rid in zip(keyed.index[~repeated], keyed["tab"][~repeated], keyed["id"][~repeated], strict=True)
    }
    for idx in keyed.index[repeated]:
        tab, rid = keyed.at[idx, "tab"], keyed.at[idx, "id"]
        problems.add_cell(
            tables[tab],
            tab,
            int(raw.at[idx, "row"]),
            "record_id",
            rid,
            "error",
            f"trùng «Mã ghi» với dòng {first_row[(tab, rid)]}: ứng dụng đã ghi hai lần cùng một hoạt động; "
            "chỉ dòng đầu được tính, có thể xoá dòng này",
            raw.at[idx, "unit_code"],
        )
        mask.at[idx] = True
    return mask


def _parse_letterheads(snapshot: Snapshot, problems: _Problems) -> pd.DataFrame:
    """The optional `Cơ quan` tab: rows with a readable «Từ ngày» and «Tên cơ quan»; others are errors."""
    empty = pd.DataFrame(columns=LETTERHEAD_FRAME_COLUMNS)
    tab = _find_tab(snapshot, LETTERHEAD_TAB)
    if tab is None:
        return empty
    table = _read_list_table(tab, snapshot.tabs[tab], LETTERHEAD_COLUMNS, problems)
    if table is None:
        return empty
    raw, factors, _blank = _extract([(tab, None, table)], LETTERHEAD_COLUMNS)
    parsed, errors = _validate(raw, factors, {tab: table}, LETTERHEAD_COLUMNS, problems, {})
    good = ~errors
    frame = pd.DataFrame(
        {
            "since": pd.to_datetime(parsed.loc[good, "since"].astype(object)).astype("datetime64[ns]"),
            **{key: parsed.loc[good, key] for key in ("parent", "name", "code", "place", "signer")},
            "tab": tab,
            "row": raw.loc[good, "row"],
        },
        columns=LETTERHEAD_FRAME_COLUMNS,
    )
    return frame.reset_index(drop=True)


def _report_outside_dates(activities: pd.DataFrame, units: pd.DataFrame, problems: _Problems) -> None:
    """A warning on each activity dated before its unit's «Từ ngày» or after its «Đến ngày» (it still counts:
    a date typed a day off must not lose a row, but a unit's work after a merger belongs to its successor)."""
    dated = units[units["since"].notna() | units["until"].notna()] if "since" in units else units.iloc[:0]
    for unit in dated.itertuples(index=False):
        mine = activities[activities["unit_code"] == unit.code]
        outside = mine[
            (mine["date"] < unit.since if pd.notna(unit.since) else False)
            | (mine["date"] > unit.until if pd.notna(unit.until) else False)
        ]
        span = " ".join(
            part
            for part in (
                f"từ {unit.since:%d/%m/%Y}" if pd.notna(unit.since) else "",
                f"đến {unit.until:%d/%m/%Y}" if pd.notna(unit.until) else "",
            )
            if part
        )
        for row in outside.itertuples(index=False):
            problems.add(
                row.tab,
                int(row.row),
                "Ngày",
                None,
                row.date.date(),
                "warning",
                f"ngày này nằm ngoài thời gian báo cáo của đơn vị ({span}, trang «{UNITS_TAB}»); dòng vẫn được tính",
                unit.code,
            )


def _parse_plans(snapshot: Snapshot, units: pd.DataFrame, problems: _Problems) -> Plans:
    """The optional `Kế hoạch` tab (`reporting.plan_tab`); without it, or with nothing readable in it, the
    built-in 2023 plan."""
    tab = _find_tab(snapshot, PLAN_TAB)
    if tab is None:
        return DEFAULT_PLANS
    table = _read_list_table(tab, snapshot.tabs[tab], PLAN_COLUMNS, problems)
    if table is None:
        return DEFAULT_PLANS
    raw, factors, _blank = _extract([(tab, None, table)], PLAN_COLUMNS)
    parsed, errors = _validate(raw, factors, {tab: table}, PLAN_COLUMNS, problems, {})
    rows = parsed[~errors].assign(row=raw.loc[~errors, "row"])
    plans, issues = build_plans(rows, units["code"])
    at = {int(row): i for i, row in enumerate(raw["row"])}  # a problem shows the cell as typed («Kế hoạch»)
    for issue in issues:
        header = table.headers.get(issue.column, _PLAN_HEADERS.get(issue.column)) if issue.column else None
        position = table.positions.get(issue.column) if issue.column else None
        value = factors[issue.column].cells()[at[issue.row]] if issue.column else None
        problems.add(tab, issue.row, header, position, value, issue.severity, issue.reason)
    return plans


def _parse_unit_rows(
    snapshot: Snapshot,
    title: str,
    columns: tuple[Column, ...],
    keys: list[str],
    frame_columns: list[str],
    units: pd.DataFrame,
    problems: _Problems,
    unknown_unit: tuple[str, str] = ("error", f"không khớp mã hay tên đơn vị nào trong trang «{UNITS_TAB}»"),
) -> pd.DataFrame:
    """A tab of rows about units and quarters (`Nộp báo cáo`, `Duyệt báo cáo`, `Nhắc việc`): its readable rows
    whose unit (a code or a name) is in `Đơn vị`, with `keys` of `columns`; a row that does not read is an
    error, one naming no known unit gets `unknown_unit` (severity, reason)."""
    tab = _find_tab(snapshot, title)
    empty = pd.DataFrame(columns=frame_columns)
    if tab is None:
        return empty
    table = _read_list_table(tab, snapshot.tabs[tab], columns, problems)
    if table is None:
        return empty
    raw, factors, _blank = _extract([(tab, None, table)], columns)
    index = _UnitIndex(units)
    named = pd.Series(factors["unit"].cells(), index=raw.index, dtype=object)  # the unit cells as typed
    codes = named.map(lambda text: None if text is None else index.find(text))
    raw["unit_code"] = codes  # so a unit sees the problems of its own rows
    parsed, errors = _validate(raw, factors, {tab: table}, columns, problems, {})
    for idx in raw.index[codes.isna() & parsed["unit"].notna()]:
        problems.add(
            tab,
            int(raw.at[idx, "row"]),
            table.headers.get("unit"),
            table.positions.get("unit"),
            named.at[idx],
            *unknown_unit,
        )
    good = ~errors & codes.notna()
    frame = pd.DataFrame(
        {
            "unit_code": codes[good],
            **{key: parsed.loc[good, key] for key in keys},
            "tab": tab,
            "row": raw.loc[good, "row"],
        },
        columns=frame_columns,
    )
    return frame.reset_index(drop=True)


def _parse_submissions(snapshot: Snapshot, units: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    keys = ["year", "quarter", "submitted_at", "submitter", "note", "record_id"]
    return _parse_unit_rows(
        snapshot, SUBMISSIONS_TAB, SUBMISSION_COLUMNS, keys, SUBMISSION_FRAME_COLUMNS, units, problems
    )


def _parse_reviews(snapshot: Snapshot, units: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """The optional `Duyệt báo cáo` tab: the office's «Đã duyệt» / «Trả lại» per unit and quarter."""
    keys = ["year", "quarter", "reviewed_at", "reviewer", "decision", "comment"]
    return _parse_unit_rows(snapshot, REVIEWS_TAB, REVIEW_COLUMNS, keys, REVIEW_FRAME_COLUMNS, units, problems)


def _parse_reminders(snapshot: Snapshot, units: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """The `Nhắc việc` tab, which the app writes: rows with a readable time, unit, quarter and result. A row
    that does not read is an error naming its cell, and does not count as a reminder sent."""
    keys = ["year", "quarter", "at", "kind", "to", "result", "note", "record_id"]
    unknown = (
        "warning",
        f"không khớp mã hay tên đơn vị nào trong trang «{UNITS_TAB}»; dòng nhắc việc này không được tính",
    )
    return _parse_unit_rows(
        snapshot, REMINDERS_TAB, REMINDER_COLUMNS, keys, REMINDER_FRAME_COLUMNS, units, problems, unknown
    )


def parse_snapshot(snapshot: Snapshot, rules: PeriodRules = DEFAULT_RULES, plans: Plans | None = None) -> Parsed:
    """Interpret a whole snapshot. Never raises on bad cells: they become problems. `plans` (the in-app form's
    check) replaces those of the snapshot's `Kế hoạch` tab."""
    with collector_paused():  # a few lists and tuples per cell, none in a cycle (reporting.collector)
        return _parse(snapshot, rules, plans)


def _parse(snapshot: Snapshot, rules: PeriodRules, plans: Plans | None) -> Parsed:
    problems = _Problems()
    _report_twin_fixed_tabs(snapshot, problems)
    units = _parse_units(snapshot, problems)
    has_list = _find_tab(snapshot, UNITS_TAB) is not None
    pairs = _unit_tabs(snapshot, units, problems, has_list)
    if not has_list:
        units = pd.DataFrame(
            {
                "code": [c for _, c in pairs],
                "name": [c for _, c in pairs],
                "group": None,
                "emails": [()] * len(pairs),
                "reports": True,
                "since": pd.NaT,
                "until": pd.NaT,
                "successor": None,
                "row": None,
                "key_code": [fold(c) for _, c in pairs],
                "key_name": [fold(c) for _, c in pairs],
            }
        )
    plans = plans or _parse_plans(snapshot, units, problems)
    activities, rows, blank, error_rows, excluded, withdrawn = _parse_activities(
        snapshot, pairs, problems, rules, plans
    )
    _report_outside_dates(activities, units, problems)
    _report_uncomputed_elsewhere(snapshot, {tab for tab, _ in pairs}, problems)
    submissions = _parse_submissions(snapshot, units, problems)
    reviews = _parse_reviews(snapshot, units, problems)
    letterheads = _parse_letterheads(snapshot, problems)
    reminders = _parse_reminders(snapshot, units, problems)
    tabs_by_unit: dict[str, list[str]] = {}
    for tab, code in pairs:
        tabs_by_unit.setdefault(code, []).append(tab)
    units = units.assign(tabs=units["code"].map(lambda c: tuple(tabs_by_unit.get(c, ())))).drop(
        columns=["key_code", "key_name"]
    )
    return Parsed(
        units=units.reset_index(drop=True),
        activities=activities,
        submissions=submissions,
        problems=problems.frame(),
        rows=rows,
        blank_rows=blank,
        error_rows=error_rows,
        excluded=excluded,
        letterheads=letterheads,
        plans=plans,
        reviews=reviews,
        titles=tuple(snapshot.tabs),
        reminders=reminders,
        reminders_tab=_find_tab(snapshot, REMINDERS_TAB),
        withdrawn=withdrawn,
        corrections_tab=_find_tab(snapshot, CORRECTIONS_TAB),
        read_at=snapshot.read_at,
        source_name=snapshot.source_name,
        rules=rules,
        snapshot=snapshot,
    )
