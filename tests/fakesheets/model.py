"""The fake's in-memory spreadsheets: cells, value rendering and the write operations Google offers.

Modelled on what the recorded responses in ../shared/gspread-cassettes/ show: trailing empty cells and
rows are omitted, blank rows in the middle come back as `[]`, ranges are clipped to the grid and
written with quoted titles, dates are numbers with a date format (serials counted from 1899-12-30).
"""

from __future__ import annotations

import ast
import copy
import itertools
import json
import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tests.fakesheets import a1

EPOCH = datetime(1899, 12, 30)
_ids = itertools.count(1_000_001, 7919)


class ApiError(Exception):
    """An error the fake answers with Google's error body."""

    def __init__(self, code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code, self.status, self.message, self.details = code, status, message, details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


@dataclass
class Cell:
    """A stored cell: its effective value, the formula it came from, and its own number format."""

    value: str | int | float | bool
    formula: str | None = None
    number_format: dict[str, str] | None = None


def to_serial(value: date | datetime) -> float | int:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    days = (value.replace(tzinfo=None) - EPOCH) / timedelta(days=1)
    return int(days) if days == int(days) else days


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(days=serial)


def format_date(serial: float, pattern: str) -> str:
    """Render a serial with a Sheets date pattern (the subset setup and the cassettes use)."""
    moment = from_serial(serial) + timedelta(microseconds=500_000)  # round to the second as Sheets does
    out: list[str] = []
    previous = ""
    for tok in re.findall(r"yyyy|yy|dd|d|mm|m|hh|h|ss|[^a-z]+", pattern):
        if tok in ("mm", "m"):
            # As in Sheets, "mm" right after an hour field means minutes, otherwise the month.
            number = moment.minute if previous in ("hh", "h") else moment.month
            out.append(f"{number:02d}" if tok == "mm" else str(number))
        elif tok in ("dd", "d", "hh", "h", "ss", "yyyy", "yy"):
            number = {
                "dd": moment.day,
                "d": moment.day,
                "hh": moment.hour,
                "h": moment.hour,
                "ss": moment.second,
                "yyyy": moment.year,
                "yy": moment.year % 100,
            }[tok]
            width = 4 if tok == "yyyy" else (2 if len(tok) == 2 else 1)
            out.append(f"{number:0{width}d}")
        else:
            out.append(tok)
            continue
        previous = tok
    return "".join(out)


def _number(value: float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(formula: str) -> str | int | float:
    """Evaluate the tiny formula subset tests need: arithmetic and HYPERLINK(url, label)."""
    body = formula[1:].strip()
    link = re.match(r'^HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)$', body, re.IGNORECASE)
    if link:
        return link.group(2) if link.group(2) is not None else link.group(1)

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(body)

    try:
        return _number(float(walk(ast.parse(body, mode="eval").body)))
    except (ValueError, SyntaxError, ZeroDivisionError):
        return "#ERROR!"


def parse_input(raw: Any, option: str) -> Cell | None:
    """Turn one value from a request body into a stored cell (None clears the cell)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return Cell(raw)
    if isinstance(raw, (int, float)):
        return Cell(_number(float(raw)) if isinstance(raw, float) else raw)
    text = str(raw)
    if option == "RAW":
        return Cell(text)  # RAW: stored exactly as sent, so "=HYPERLINK(…)" stays text
    if text.startswith("'"):
        return Cell(text[1:])
    if text.startswith("="):
        return Cell(_evaluate(text), formula=text)
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        parsed = datetime.strptime(text, "%Y-%m-%d")
        return Cell(to_serial(parsed), number_format={"type": "DATE", "pattern": "yyyy-mm-dd"})
    if re.match(r"^-?\d+(\.\d+)?$", text):
        return Cell(_number(float(text)))
    if text.upper() in ("TRUE", "FALSE"):
        return Cell(text.upper() == "TRUE")
    return Cell(text)


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 0
    frozen_columns: int = 0
    rows: list[list[Cell | None]] = field(default_factory=list)
    formats: list[tuple[dict[str, int], dict[str, str]]] = field(default_factory=list)
    validations: list[tuple[dict[str, int], dict[str, Any]]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)

    def get(self, r: int, c: int) -> Cell | None:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def put(self, r: int, c: int, cell: Cell | None) -> None:
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = cell
        self.row_count = max(self.row_count, r + 1)
        self.column_count = max(self.column_count, c + 1)

    def used_rows(self) -> int:
        last = 0
        for r, row in enumerate(self.rows):
            if any(cell is not None for cell in row):
                last = r + 1
        return last

    def format_at(self, r: int, c: int) -> dict[str, str] | None:
        cell = self.get(r, c)
        if cell is not None and cell.number_format:
            return cell.number_format
        for grid, fmt in reversed(self.formats):
            if _inside(grid, r, c):
                return fmt
        return None

    def properties(self) -> dict[str, Any]:
        grid: dict[str, int] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_columns:
            grid["frozenColumnCount"] = self.frozen_columns
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }


def _inside(grid: dict[str, int], r: int, c: int) -> bool:
    return grid.get("startRowIndex", 0) <= r < grid.get("endRowIndex", 10**9) and grid.get(
        "startColumnIndex", 0
    ) <= c < grid.get("endColumnIndex", 10**9)


DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
    ],
}


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    shared_with: set[str] | None = None  # None: anyone authenticated may open it
    planned_sheet_ids: list[int] = field(default_factory=list)  # ids for the next addSheet (cassette replay)

    # ---- lookup -------------------------------------------------------------------------------
    def sheet(self, title: str | None) -> Sheet:
        if title is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiError(400, "INVALID_ARGUMENT", f"Unable to parse range: {a1.quote_title(title)}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise ApiError(400, "INVALID_ARGUMENT", f"No grid with id: {sheet_id}")

    def resolve(self, text: str) -> tuple[Sheet, int, int, int, int]:
        """A range clipped to its sheet's grid, as 0-based bounds with exclusive ends."""
        try:
            rng = a1.parse(text, {s.title for s in self.sheets})
        except ValueError:
            raise ApiError(400, "INVALID_ARGUMENT", f"Unable to parse range: {text}") from None
        sheet = self.sheet(rng.title)
        r0 = rng.start_row or 0
        c0 = rng.start_col or 0
        r1 = sheet.row_count if rng.end_row is None else min(rng.end_row, sheet.row_count)
        c1 = sheet.column_count if rng.end_col is None else min(rng.end_col, sheet.column_count)
        if r0 >= sheet.row_count or c0 >= sheet.column_count:
            raise ApiError(400, "INVALID_ARGUMENT", f"Range ({text}) exceeds grid limits.")
        return sheet, r0, r1, c0, c1

    # ---- reads --------------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        sheets: list[dict[str, Any]] = []
        for sheet in self.sheets:
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.protected:
                entry["protectedRanges"] = copy.deepcopy(sheet.protected)
            sheets.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                "spreadsheetTheme": copy.deepcopy(THEME),
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def grid_data(self, ranges: list[str]) -> dict[str, Any]:
        """spreadsheets.get with includeGridData: each cell's validation rule and number format.

        Only what setup checks; values are left out. Zero row/column starts are omitted, as proto3 does.
        """
        out = self.metadata()
        by_title = {entry["properties"]["title"]: entry for entry in out["sheets"]}
        for text in ranges:
            sheet, r0, r1, c0, c1 = self.resolve(text)
            rows = []
            for r in range(r0, r1):
                cells = []
                for c in range(c0, c1):
                    cell: dict[str, Any] = {}
                    for grid, rule in reversed(sheet.validations):
                        if _inside(grid, r, c):
                            cell["dataValidation"] = copy.deepcopy(rule)
                            break
                    fmt = next((f for g, f in reversed(sheet.formats) if _inside(g, r, c)), None)
                    if fmt is not None:
                        cell["userEnteredFormat"] = {"numberFormat": dict(fmt)}
                    cells.append(cell)
                rows.append({"values": cells})
            block: dict[str, Any] = {"rowData": rows}
            if r0:
                block["startRow"] = r0
            if c0:
                block["startColumn"] = c0
            by_title[sheet.title].setdefault("data", []).append(block)
        return out

    def render(self, sheet: Sheet, r: int, c: int, value_option: str, date_option: str) -> Any:
        cell = sheet.get(r, c)
        if cell is None:
            return ""
        if value_option == "FORMULA" and cell.formula:
            return cell.formula
        value = cell.value
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value_option != "FORMATTED_VALUE" and (not numeric or date_option != "FORMATTED_STRING"):
            return value  # unformatted: the number itself, whatever its format (the common, fast path)
        fmt = sheet.format_at(r, c) if numeric else None
        is_date = fmt is not None and fmt.get("type") in ("DATE", "DATE_TIME", "TIME")
        if value_option == "FORMATTED_VALUE":
            if isinstance(value, bool):
                return "TRUE" if value else "FALSE"
            if is_date:
                return format_date(float(value), fmt["pattern"])  # type: ignore[index]
            if numeric:
                return format(value, ".10g") if isinstance(value, float) else str(value)
            return value
        if is_date:
            return format_date(float(value), fmt["pattern"])  # type: ignore[index]
        return value

    def values(self, text: str, value_option: str, date_option: str, major: str = "ROWS") -> dict[str, Any]:
        sheet, r0, r1, c0, c1 = self.resolve(text)
        out: list[list[Any]] = []
        for r in range(r0, min(r1, len(sheet.rows))):
            upto = min(c1, len(sheet.rows[r]))  # cells past a row's stored end are empty anyway
            if value_option == "UNFORMATTED_VALUE" and date_option == "SERIAL_NUMBER":
                row = ["" if cell is None else cell.value for cell in sheet.rows[r][c0:upto]]
            else:
                row = [self.render(sheet, r, c, value_option, date_option) for c in range(c0, upto)]
            while row and row[-1] == "":
                row.pop()
            out.append(row)
        while out and not out[-1]:
            out.pop()
        result: dict[str, Any] = {"range": a1.format_range(sheet.title, r0, r1, c0, c1), "majorDimension": major}
        if out:
            result["values"] = out
        return result

    # ---- writes -------------------------------------------------------------------------------
    def _write(self, sheet: Sheet, r0: int, c0: int, values: Any, option: str) -> dict[str, Any]:
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            detail = "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), " + json.dumps(
                values, ensure_ascii=False
            )
            violation = {"field": "data.values", "description": detail}
            bad_request = {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
            raise ApiError(400, "INVALID_ARGUMENT", detail, [bad_request])
        width = max((len(row) for row in values), default=0)
        cells = 0
        for dr, row in enumerate(values):
            for dc, raw in enumerate(row):
                sheet.put(r0 + dr, c0 + dc, parse_input(raw, option))
                cells += 1
        return {
            "spreadsheetId": self.spreadsheet_id,
            "updatedRange": a1.format_range(sheet.title, r0, r0 + len(values), c0, c0 + max(width, 1)),
            "updatedRows": len(values),
            "updatedColumns": width,
            "updatedCells": cells,
        }

    def update(self, text: str, values: Any, option: str) -> dict[str, Any]:
        sheet, r0, _r1, c0, _c1 = self.resolve(text)
        return self._write(sheet, r0, c0, values, option)

    def clear(self, text: str) -> dict[str, Any]:
        sheet, r0, r1, c0, c1 = self.resolve(text)
        for r in range(r0, min(r1, len(sheet.rows))):
            for c in range(c0, min(c1, len(sheet.rows[r]))):
                sheet.rows[r][c] = None
        return {"spreadsheetId": self.spreadsheet_id, "clearedRange": a1.format_range(sheet.title, r0, r1, c0, c1)}

    def append(self, text: str, values: Any, option: str, insert: str) -> dict[str, Any]:
        """Find the table in the range, then write after its last row, from its first column.

        The table is the connected block of non-empty cells lowest in the range (rightmost on a tie):
        that reproduces the recorded quirk where a row `x, "", y` makes the next append start at C.
        """
        sheet, r0, r1, c0, c1 = self.resolve(text)
        table = self._find_table(sheet, r0, r1, c0, c1)
        result: dict[str, Any] = {"spreadsheetId": self.spreadsheet_id}
        if table is None:
            start_row, start_col = r0, c0
        else:
            tr0, tr1, tc0, tc1 = table
            result["tableRange"] = a1.format_range(sheet.title, tr0, tr1, tc0, tc1)
            start_row, start_col = tr1, tc0
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            return {"updates": self._write(sheet, 0, 0, values, option)}  # raises Google's 400
        count = len(values)
        if insert == "INSERT_ROWS" and start_row < len(sheet.rows):
            sheet.rows[start_row:start_row] = [[] for _ in range(count)]
            sheet.row_count += count
        result["updates"] = self._write(sheet, start_row, start_col, values, option)
        return result

    @staticmethod
    def _find_table(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> tuple[int, int, int, int] | None:
        filled = {
            (r, c)
            for r in range(r0, min(r1, len(sheet.rows)))
            for c in range(c0, min(c1, len(sheet.rows[r])))
            if sheet.rows[r][c] is not None
        }
        best: tuple[int, int, int, int] | None = None
        seen: set[tuple[int, int]] = set()
        for start in sorted(filled):
            if start in seen:
                continue
            stack, block = [start], []
            seen.add(start)
            while stack:
                r, c = stack.pop()
                block.append((r, c))
                for nb in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if nb in filled and nb not in seen:
                        seen.add(nb)
                        stack.append(nb)
            rows = [r for r, _ in block]
            cols = [c for _, c in block]
            box = (min(rows), max(rows) + 1, min(cols), max(cols) + 1)
            if best is None or (box[1], box[2]) >= (best[1], best[2]):
                best = box
        return best

    # ---- batchUpdate ----------------------------------------------------------------------------
    def batch_update(self, requests: list[dict[str, Any]], caller: str | None) -> dict[str, Any]:
        # Validate everything on a copy first: Google applies a batchUpdate atomically.
        trial = copy.deepcopy(self)
        replies = [trial._apply(request, caller) for request in requests]
        self.__dict__.update(trial.__dict__)
        return {"spreadsheetId": self.spreadsheet_id, "replies": replies}

    def _apply(self, request: dict[str, Any], caller: str | None) -> dict[str, Any]:
        ((kind, body),) = request.items()
        if kind == "addSheet":
            props = body.get("properties", {})
            title = props.get("title") or f"Sheet{len(self.sheets) + 1}"
            if any(s.title == title for s in self.sheets):
                raise ApiError(
                    400,
                    "INVALID_ARGUMENT",
                    f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                    "Please enter another name.",
                )
            grid = props.get("gridProperties", {})
            sheet = Sheet(
                sheet_id=props.get("sheetId")
                or (self.planned_sheet_ids.pop(0) if self.planned_sheet_ids else next(_ids)),
                title=title,
                index=props.get("index", len(self.sheets)),
                row_count=grid.get("rowCount", 1000),
                column_count=grid.get("columnCount", 26),
                frozen_rows=grid.get("frozenRowCount", 0),
            )
            self.sheets.insert(sheet.index, sheet)
            self._reindex()
            return {"addSheet": {"properties": sheet.properties()}}
        if kind == "deleteSheet":
            self.sheets.remove(self.sheet_by_id(body["sheetId"]))
            self._reindex()
            return {}
        if kind == "updateSheetProperties":
            props = body["properties"]
            sheet = self.sheet_by_id(props.get("sheetId", 0))
            for path in body.get("fields", "").split(","):
                path = path.strip().replace(".", "/")  # Google accepts both mask spellings
                if path == "title":
                    sheet.title = props["title"]
                elif path == "gridProperties/frozenRowCount":
                    sheet.frozen_rows = props["gridProperties"].get("frozenRowCount", 0)
                elif path == "gridProperties/frozenColumnCount":
                    sheet.frozen_columns = props["gridProperties"].get("frozenColumnCount", 0)
                elif path == "gridProperties/rowCount":
                    sheet.row_count = props["gridProperties"]["rowCount"]
                elif path == "gridProperties/columnCount":
                    sheet.column_count = props["gridProperties"]["columnCount"]
                elif path == "index":
                    self.sheets.remove(sheet)
                    self.sheets.insert(props["index"], sheet)
                    self._reindex()
            return {}
        if kind == "updateSpreadsheetProperties":
            props = body["properties"]
            for path in body.get("fields", "").split(","):
                if path.strip() == "timeZone":
                    self.time_zone = props["timeZone"]
                elif path.strip() == "locale":
                    self.locale = props["locale"]
                elif path.strip() == "title":
                    self.title = props["title"]
            return {}
        if kind == "setDataValidation":
            grid = body["range"]
            sheet = self.sheet_by_id(grid.get("sheetId", 0))
            key = {k: v for k, v in grid.items() if k != "sheetId"}
            sheet.validations = [(g, r) for g, r in sheet.validations if g != key]
            if body.get("rule"):
                sheet.validations.append((key, copy.deepcopy(body["rule"])))
            return {}
        if kind == "repeatCell":
            grid = body["range"]
            sheet = self.sheet_by_id(grid.get("sheetId", 0))
            fmt = body.get("cell", {}).get("userEnteredFormat", {}).get("numberFormat")
            if fmt is not None:
                key = {k: v for k, v in grid.items() if k != "sheetId"}
                sheet.formats = [(g, f) for g, f in sheet.formats if g != key]
                sheet.formats.append((key, dict(fmt)))
            return {}
        if kind == "updateCells":
            start = body["start"]
            sheet = self.sheet_by_id(start.get("sheetId", 0))
            for dr, row in enumerate(body.get("rows", [])):
                for dc, value in enumerate(row.get("values", [])):
                    entered = value.get("userEnteredValue")
                    if entered is None:
                        continue
                    raw = entered.get("stringValue", entered.get("numberValue", entered.get("boolValue")))
                    sheet.put(start.get("rowIndex", 0) + dr, start.get("columnIndex", 0) + dc, parse_input(raw, "RAW"))
            return {}
        if kind == "addProtectedRange":
            protected = copy.deepcopy(body["protectedRange"])
            grid = protected.get("range", {})
            sheet = self.sheet_by_id(grid.get("sheetId", 0))
            if grid.get("sheetId", 0) == 0:
                grid.pop("sheetId", None)  # proto3 omits zero values, as the recording shows
            protected["protectedRangeId"] = next(_ids)
            protected["requestingUserCanEdit"] = True
            editors = protected.get("editors") or {}
            users = [u for u in editors.get("users", []) if u]
            if caller and caller not in users:
                users.append(caller)
            protected["editors"] = {"users": users} if users else {}
            for key in [k for k, v in protected.items() if v is None or v is False]:
                protected.pop(key)
            sheet.protected.append(protected)
            reply = copy.deepcopy(protected)
            reply["editors"] = {k: v for k, v in editors.items() if v}
            return {"addProtectedRange": {"protectedRange": reply}}
        raise ApiError(400, "INVALID_ARGUMENT", f"Unsupported request in the fake: {kind}")

    def _reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def dump(self) -> dict[str, Any]:
        """Everything observable, for tests that compare two states of a spreadsheet."""
        out = self.metadata()
        for entry, sheet in zip(out["sheets"], self.sheets, strict=True):
            entry["cells"] = self.values(a1.quote_title(sheet.title), "FORMULA", "SERIAL_NUMBER").get("values", [])
            entry["formats"] = copy.deepcopy(sheet.formats)
            entry["validations"] = copy.deepcopy(sheet.validations)
        return out
