"""The provisioning planner: from what a spreadsheet holds to the one batchUpdate that lays it out. Pure.

Creates what is missing and nothing else: the `Đơn vị`, `Nộp báo cáo` and `Nhắc việc` tabs, a tab per unit with its
header row frozen, dropdowns for Nội dung and Hình thức from a year's plan (the built-in 2023 plan unless
told), the rows of a new year's plan in `Kế hoạch` (a year already there is never rewritten), dd/mm/yyyy dates, and a
protected range per unit tab that only the unit's emails, the office and the app's service account may
edit. It never deletes or overwrites a non-empty cell, and a spreadsheet already laid out gets no
request at all. `sheets.setup` does the reading and the sending.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import absolute_range_name

from reporting.catalog import GROUP_BY_CODE
from reporting.plan import PLAN_2023, Plan
from reporting.schema import (
    ACTIVITY_COLUMNS,
    CORRECTION_COLUMNS,
    CORRECTIONS_TAB,
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
    find_header,
)
from reporting.snapshot import Cell
from reporting.text import fold
from reporting.values import WITHDRAWN, parse_emails, parse_group, parse_year

DATE_FORMAT = {"type": "DATE", "pattern": "dd/mm/yyyy"}
DATE_TIME_FORMAT = {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}
PROTECTION_MARK = "CCHC"  # the description prefix by which setup recognises its own protected ranges
DEFAULT_SHEET_TITLES = {"sheet1", "trang tinh1", "trang tinh 1", "feuille 1"}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str = ""
    emails: tuple[str, ...] = ()


@dataclass
class SetupPlan:
    """The requests of the one batchUpdate, and Vietnamese notes for the person running setup."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for request in self.requests:
            (kind,) = request
            counts[kind] = counts.get(kind, 0) + 1
        return counts


def area_choices(plan: Plan = PLAN_2023) -> list[str]:
    """Dropdown values for Nội dung: "a - label", which the parser reads as area a."""
    return [f"{area.letter} - {area.label}" for area in plan.areas]


def channel_choices(plan: Plan = PLAN_2023) -> list[str]:
    return [channel.label for channel in plan.channels]


def area_hint(plan: Plan = PLAN_2023) -> str:
    """The dropdown's input message (the 2023 plan's as it always was)."""
    if plan.built_in:
        return "Chọn chữ của nội dung (a–m, không có f, i, j); nhiều nội dung: «a, b»."
    return f"Chọn chữ của nội dung ({plan.letter_span}, {plan.name}); nhiều nội dung: «a, b»."


# ---- units --------------------------------------------------------------------------------------------------
def units_from_rows(rows: Sequence[Sequence[Cell]]) -> list[Unit]:
    """Units from a table in the `Đơn vị` layout (header found leniently, rows without a code skipped)."""
    header_at, positions = _header(rows, UNIT_COLUMNS)
    if header_at is None:
        return []
    units = []
    for row in rows[header_at + 1 :]:

        def get(key: str, row: Sequence[Cell] = row) -> str:
            index = positions.get(key)
            value = row[index] if index is not None and index < len(row) else None
            return "" if value is None else str(value).strip()

        if not get("code"):
            continue
        emails, _problem = parse_emails(get("emails")) if get("emails") else ((), None)
        units.append(Unit(get("code"), get("name") or get("code"), get("group"), tuple(emails or ())))
    return units


# ---- planning -------------------------------------------------------------------------------------------------
def _header(rows: Sequence[Sequence[Cell]], columns: tuple[Column, ...]) -> tuple[int | None, dict[str, int]]:
    """(0-based header row, column key -> index) as the parser finds them; (None, {}) without a header."""
    found = find_header(rows, columns)
    return (found.index, dict(found.positions)) if found is not None else (None, {})


def _is_empty(rows: Sequence[Sequence[Cell]]) -> bool:
    return all(v is None or v == "" for row in rows for v in row)


def _sheet_id_for(title: str, taken: set[int]) -> int:
    # Choosing ids ourselves lets later requests in the same batchUpdate refer to sheets added earlier.
    candidate = int(hashlib.sha256(title.encode()).hexdigest()[:8], 16) % 2_000_000_000 + 1
    while candidate in taken:
        candidate += 1
    taken.add(candidate)
    return candidate


def _text_cell(value: Any, bold: bool = False) -> dict[str, Any]:
    cell: dict[str, Any] = {"userEnteredValue": {"stringValue": str(value)}}
    if bold:
        cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
    return cell


def _write_row(sheet_id: int, row: int, cells: dict[int, Any], bold: bool = False) -> dict[str, Any]:
    """An updateCells request writing `cells` (column -> text) in `row` (0-based), leaving gaps untouched."""
    first = min(cells)
    values: list[dict[str, Any]] = []
    for col in range(first, max(cells) + 1):
        values.append(_text_cell(cells[col], bold) if col in cells else {})
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": first},
            "rows": [{"values": values}],
            "fields": "userEnteredValue,userEnteredFormat.textFormat.bold" if bold else "userEnteredValue",
        }
    }


def _list_rule(values: list[str], message: str) -> dict[str, Any]:
    return {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in values]},
        "inputMessage": message,
        "strict": False,  # warn, don't block: "a, b", codes and numbers are valid too
        "showCustomUi": True,
    }


@dataclass
class _Tab:
    title: str
    sheet_id: int
    exists: bool
    rows: list[list[Cell]]
    frozen: int = 0
    protected: list[dict[str, Any]] = field(default_factory=list)
    header_at: int = 0  # 0-based, after planning
    positions: dict[str, int] = field(default_factory=dict)


class _Planner:
    def __init__(self, meta: dict[str, Any], values: dict[str, list[list[Cell]]]) -> None:
        self.plan = SetupPlan()
        self.tabs: dict[str, _Tab] = {}
        self.taken: set[int] = set()
        for entry in meta.get("sheets", []):
            props = entry["properties"]
            title = props["title"]
            self.taken.add(int(props.get("sheetId", 0)))
            self.tabs[title] = _Tab(
                title,
                int(props.get("sheetId", 0)),
                True,
                values.get(title, []),
                props.get("gridProperties", {}).get("frozenRowCount", 0),
                entry.get("protectedRanges", []),
            )

    def find(self, *names: str) -> _Tab | None:
        keys = {fold(n) for n in names if n}
        return next((tab for tab in self.tabs.values() if fold(tab.title) in keys), None)

    def ensure_tab(self, title: str, *aliases: str) -> _Tab:
        found = self.find(title, *aliases)
        if found is not None:
            return found
        if fold(title) == fold(UNITS_TAB):
            spare = next(
                (t for t in self.tabs.values() if fold(t.title) in DEFAULT_SHEET_TITLES and _is_empty(t.rows)), None
            )
            if spare is not None:  # a new spreadsheet's empty "Sheet1" becomes the unit list
                self.plan.requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": spare.sheet_id, "title": title},
                            "fields": "title",
                        }
                    }
                )
                del self.tabs[spare.title]
                spare.title = title
                self.tabs[title] = spare
                return spare
        tab = _Tab(title, _sheet_id_for(title, self.taken), False, [])
        self.plan.requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": tab.sheet_id,
                        "title": title,
                        "index": len(self.tabs),
                        "gridProperties": {"frozenRowCount": 1},
                    }
                }
            }
        )
        tab.frozen = 1
        self.tabs[title] = tab
        return tab

    def ensure_header(self, tab: _Tab, columns: tuple[Column, ...]) -> bool:
        """Write the header, or add its missing columns at the end; False when the tab has no usable header."""
        header_at, positions = _header(tab.rows, columns)
        if header_at is None:
            if not _is_empty(tab.rows[:1]):
                self.plan.notes.append(
                    f"Trang «{tab.title}» có dữ liệu nhưng không có dòng tiêu đề nhận ra được: không sửa trang này."
                )
                return False
            header_at, positions = 0, {}
        row = tab.rows[header_at] if header_at < len(tab.rows) else []
        used = len(row)
        while used and (row[used - 1] is None or row[used - 1] == ""):
            used -= 1
        missing: dict[int, str] = {}
        for column in columns:
            if column.key not in positions:
                positions[column.key] = used
                missing[used] = column.header
                used += 1
        if missing:
            self.plan.requests.append(_write_row(tab.sheet_id, header_at, missing, bold=True))
        tab.header_at, tab.positions = header_at, positions
        if tab.frozen < header_at + 1:
            self.plan.requests.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": tab.sheet_id, "gridProperties": {"frozenRowCount": header_at + 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
            tab.frozen = header_at + 1
        return True


def plan_setup(
    meta: dict[str, Any],
    values: dict[str, list[list[Cell]]],
    grid: dict[str, dict[tuple[int, int], dict[str, Any]]],
    units: Iterable[Unit] | None,
    office_emails: Sequence[str],
    service_email: str | None,
    plan_rows: Sequence[dict[str, Cell]] = (),
    dropdowns: Plan = PLAN_2023,
) -> SetupPlan:
    """The requests that bring the spreadsheet to the layout; pure, so `--dry-run` and tests share it.

    `grid` maps a tab title to {(row, col): cell data} for the cells whose validation and format matter.
    `plan_rows` are rows for `Kế hoạch` (column key → value, `PLAN_COLUMNS`), added for each year the tab
    does not hold yet; `dropdowns` is the plan whose areas and channels the unit tabs' dropdowns offer.
    """
    planner = _Planner(meta, values)
    plan = planner.plan
    if plan_rows:
        _add_plan_rows(planner, plan_rows)
    unit_list = planner.ensure_tab(UNITS_TAB)
    planner.ensure_header(unit_list, UNIT_COLUMNS)
    listed = units_from_rows(unit_list.rows)
    known = {fold(u.code) for u in listed}
    added = [u for u in (units or []) if fold(u.code) not in known]
    if added and unit_list.positions:
        next_row = max(len(unit_list.rows), unit_list.header_at + 1)
        while next_row > unit_list.header_at + 1 and _is_empty(unit_list.rows[next_row - 1 : next_row]):
            next_row -= 1
        for offset, unit in enumerate(added):
            group = parse_group(unit.group)[0] if unit.group else None
            cells = {
                unit_list.positions["code"]: unit.code,
                unit_list.positions["name"]: unit.name,
                unit_list.positions["reports"]: "Có",
            }
            if unit.group:
                cells[unit_list.positions["group"]] = GROUP_BY_CODE[group].label if group else unit.group
            if unit.emails:
                cells[unit_list.positions["emails"]] = "; ".join(unit.emails)
            plan.requests.append(_write_row(unit_list.sheet_id, next_row + offset, cells))
    by_code = {fold(u.code): u for u in listed}
    for unit in units or []:
        by_code.setdefault(fold(unit.code), unit)
    every_unit = list(by_code.values())
    if not every_unit:
        plan.notes.append(
            f"Chưa có đơn vị nào: điền trang «{UNITS_TAB}» (hoặc dùng --units TỆP) rồi chạy lại để tạo trang cho "
            "từng đơn vị."
        )

    submissions = planner.ensure_tab(SUBMISSIONS_TAB)
    if planner.ensure_header(submissions, SUBMISSION_COLUMNS):
        _ensure_format(plan, submissions, "submitted_at", DATE_TIME_FORMAT, grid)
    reviews = planner.ensure_tab(REVIEWS_TAB)  # the office's «Đã duyệt» / «Trả lại» (`reporting.review`)
    if planner.ensure_header(reviews, REVIEW_COLUMNS):
        _ensure_format(plan, reviews, "reviewed_at", DATE_TIME_FORMAT, grid)

    office = [e.lower() for e in office_emails]
    for unit in every_unit:
        tab = planner.ensure_tab(unit.code, unit.name)
        if not planner.ensure_header(tab, ACTIVITY_COLUMNS):
            continue
        _ensure_format(plan, tab, "date", DATE_FORMAT, grid)
        _ensure_validation(plan, tab, "areas", _list_rule(area_choices(dropdowns), area_hint(dropdowns)), grid)
        _ensure_validation(
            plan,
            tab,
            "channel",
            _list_rule(channel_choices(dropdowns), "Chọn hình thức tuyên truyền theo kế hoạch."),
            grid,
        )
        _ensure_validation(
            plan,
            tab,
            "status",
            _list_rule(
                [WITHDRAWN], f"Ghi «{WITHDRAWN}» khi hoạt động không còn tính (dòng vẫn được giữ); để trống là tính."
            ),
            grid,
        )
        _ensure_protection(plan, tab, unit, office, service_email)
    # Last, as the least read: where `python -m reporting remind` records each reminder it sends.
    reminders = planner.ensure_tab(REMINDERS_TAB)
    if planner.ensure_header(reminders, REMINDER_COLUMNS):
        _ensure_format(plan, reminders, "at", DATE_TIME_FORMAT, grid)
    # Every correction a unit makes from its page (`reporting.corrections`): the app writes it, nobody else.
    corrections = planner.ensure_tab(CORRECTIONS_TAB)
    if planner.ensure_header(corrections, CORRECTION_COLUMNS):
        _ensure_format(plan, corrections, "at", DATE_TIME_FORMAT, grid)
        _protect_log(plan, corrections, office, service_email)
    return plan


def plan_years(rows: Sequence[Sequence[Cell]]) -> set[int]:
    """The years a `Kế hoạch` tab (or file) holds rows of."""
    header_at, positions = _header(rows, PLAN_COLUMNS)
    if header_at is None or "year" not in positions:
        return set()
    years = set()
    for row in rows[header_at + 1 :]:
        at = positions["year"]
        if at < len(row) and row[at] not in (None, ""):
            year, _problem = parse_year(row[at])
            if year is not None:
                years.add(year)
    return years


def plan_records(rows: Sequence[Sequence[Cell]]) -> list[dict[str, Cell]]:
    """A plan file's rows as column key → value (blank rows left out), in the file's order."""
    header_at, positions = _header(rows, PLAN_COLUMNS)
    if header_at is None:
        return []
    records = []
    for row in rows[header_at + 1 :]:
        record = {key: row[at] for key, at in positions.items() if at < len(row) and row[at] not in (None, "")}
        if record:
            records.append(record)
    return records


def _add_plan_rows(planner: _Planner, rows: Sequence[dict[str, Cell]]) -> None:
    """Append the rows of each year `Kế hoạch` does not hold yet; a year it holds is left as people typed it."""
    tab = planner.ensure_tab(PLAN_TAB)
    if not planner.ensure_header(tab, PLAN_COLUMNS):
        return
    held = plan_years(tab.rows)
    by_year: dict[int, list[dict[str, Cell]]] = {}
    for row in rows:
        year, _problem = parse_year(row.get("year", ""))
        if year is not None:
            by_year.setdefault(year, []).append(row)
    next_row = len(tab.rows)
    while next_row > tab.header_at + 1 and _is_empty(tab.rows[next_row - 1 : next_row]):
        next_row -= 1
    next_row = max(next_row, tab.header_at + 1)
    for year in sorted(by_year):
        if year in held:
            planner.plan.notes.append(
                f"Trang «{PLAN_TAB}» đã có kế hoạch năm {year}: không ghi lại (sửa trực tiếp trong bảng tính nếu cần)."
            )
            continue
        for row in by_year[year]:
            cells = {tab.positions[key]: _shown(value) for key, value in row.items() if key in tab.positions}
            planner.plan.requests.append(_write_row(tab.sheet_id, next_row, cells))
            next_row += 1


def _shown(value: Cell) -> str:
    """A cell as people would type it: dates dd/mm/yyyy, whole numbers without «.0»."""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_range(tab: _Tab, key: str) -> dict[str, int]:
    col = tab.positions[key]
    return {
        "sheetId": tab.sheet_id,
        "startRowIndex": tab.header_at + 1,
        "startColumnIndex": col,
        "endColumnIndex": col + 1,
    }


def _probe(grid: dict[str, dict[tuple[int, int], dict[str, Any]]], tab: _Tab, key: str) -> dict[str, Any]:
    return grid.get(tab.title, {}).get((tab.header_at + 1, tab.positions[key]), {}) if tab.exists else {}


def _ensure_format(plan: SetupPlan, tab: _Tab, key: str, fmt: dict[str, str], grid: Any) -> None:
    if _probe(grid, tab, key).get("userEnteredFormat", {}).get("numberFormat") == fmt:
        return
    plan.requests.append(
        {
            "repeatCell": {
                "range": _column_range(tab, key),
                "cell": {"userEnteredFormat": {"numberFormat": fmt}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
    )


def _normal(value: Any) -> Any:
    """Drop false and empty fields: Google's answers omit them (proto3), our requests spell them out."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v not in (False, None, "", [], {})}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _ensure_validation(plan: SetupPlan, tab: _Tab, key: str, rule: dict[str, Any], grid: Any) -> None:
    if _normal(_probe(grid, tab, key).get("dataValidation")) == _normal(rule):
        return
    plan.requests.append({"setDataValidation": {"range": _column_range(tab, key), "rule": rule}})


def _ensure_protection(plan: SetupPlan, tab: _Tab, unit: Unit, office: list[str], service_email: str | None) -> None:
    if any(str(p.get("description", "")).startswith(PROTECTION_MARK) for p in tab.protected):
        return
    if not unit.emails:
        plan.notes.append(
            f"Đơn vị «{unit.code}» chưa có email trong trang «{UNITS_TAB}»: chưa khoá trang «{tab.title}». "
            "Thêm email rồi chạy lại."
        )
        return
    editors = sorted({*unit.emails, *office, *([service_email] if service_email else [])})
    plan.requests.append(
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": tab.sheet_id},
                    "description": f"{PROTECTION_MARK} – {unit.code}: chỉ đơn vị và Văn phòng Sở được sửa",
                    "warningOnly": False,
                    "editors": {"users": editors},
                }
            }
        }
    )


def _protect_log(plan: SetupPlan, tab: _Tab, office: list[str], service_email: str | None) -> None:
    """The log of corrections is the app's record: only the service account (and the office) may edit it."""
    if any(str(p.get("description", "")).startswith(PROTECTION_MARK) for p in tab.protected) or not service_email:
        return
    plan.requests.append(
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": {"sheetId": tab.sheet_id},
                    "description": f"{PROTECTION_MARK} – {tab.title}: chỉ ứng dụng và Văn phòng Sở được sửa",
                    "warningOnly": False,
                    "editors": {"users": sorted({*office, service_email})},
                }
            }
        }
    )


# ---- what to read first ----------------------------------------------------------------------------------------
def grid_probes(meta: dict[str, Any], values: dict[str, list[list[Cell]]]) -> list[str]:
    """Ranges covering the first data row of existing tabs, to read their validation and number format."""
    ranges = []
    for entry in meta.get("sheets", []):
        title = entry["properties"]["title"]
        rows = values.get(title, [])
        found = [
            _header(rows, columns)
            for columns in (ACTIVITY_COLUMNS, SUBMISSION_COLUMNS, REVIEW_COLUMNS, REMINDER_COLUMNS)
        ]
        found = [(at, positions) for at, positions in found if at is not None and len(positions) >= 3]
        if found:  # the widest reading, so the cell whose format is checked is inside the range
            header_at = found[0][0]
            last = max(max(positions.values()) for _at, positions in found)
            ranges.append(absolute_range_name(title, f"A{header_at + 2}:{_letter(last)}{header_at + 2}"))
    return ranges


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def parse_grid(raw: dict[str, Any]) -> dict[str, dict[tuple[int, int], dict[str, Any]]]:
    out: dict[str, dict[tuple[int, int], dict[str, Any]]] = {}
    for entry in raw.get("sheets", []):
        title = entry["properties"]["title"]
        for block in entry.get("data", []):
            r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
            for dr, row in enumerate(block.get("rowData", [])):
                for dc, cell in enumerate(row.get("values", [])):
                    out.setdefault(title, {})[(r0 + dr, c0 + dc)] = cell
    return out
