"""One row appended to an .xlsx package by editing its XML, leaving every other byte of meaning alone.

Rewriting a workbook with openpyxl loses what openpyxl does not model: the stored results of formulas
(which the reader then reports as unknown), charts, images, some formatting; and it takes seconds on a
large workbook. An append only needs three edits, made here on the package's text:

- the tab's sheet XML: the new row's `<row>` inserted in row order (into an existing empty row of that
  number, keeping its cells' styles), header cells added to the header row, `<dimension>` widened;
- `xl/styles.xml`, only when a date needs a date format no cell above it has: one `numFmt` and one `xf`;
- nothing else: the other parts are copied as they are.

Text goes in as inline strings (`t="inlineStr"`), so a typed "=…" stays text and the shared-string table
is untouched; dates as serial numbers with a DD/MM/YYYY format; numbers as numbers. A new cell takes the
style of the cell above it when that row is data, so a formatted table stays formatted. Anything this
module does not recognise (a row or cell without its `r` reference, a non-empty cell where the row must
go) raises `Unsupported` rather than guessing.
"""

from __future__ import annotations

import html
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from posixpath import dirname, join, normpath
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from reporting.schema import HEADER_SEARCH_ROWS, Column, find_header
from reporting.text import fold
from reporting.values import to_serial

HEADER_ROWS = HEADER_SEARCH_ROWS
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not in XML 1.0, or not UTF-8


class NoSuchTab(Exception):
    """The workbook has no tab of that name."""


class Unsupported(Exception):
    """The package has a shape this module does not edit; `str(exc)` says what, in English, for the log."""


@dataclass(frozen=True)
class RowEdit:
    """What to write: the tab, the header row and its new header cells, the new row and its values
    (0-based column → value)."""

    tab: str
    header_row: int
    header_cells: Mapping[int, str]
    row: int
    values: Mapping[int, Any]


@dataclass(frozen=True)
class CellsEdit:
    """Cells of an existing row to set (0-based column → value; None empties the cell, keeping its style),
    and header cells to add to the header row."""

    tab: str
    header_row: int
    header_cells: Mapping[int, str]
    row: int
    values: Mapping[int, Any]


def has_illegal_text(value: Any) -> bool:
    """True for text an .xlsx cannot hold (control characters)."""
    return isinstance(value, str) and _ILLEGAL.search(value) is not None


# ---- the package ------------------------------------------------------------------------------------------
def sheet_part(archive: zipfile.ZipFile, tab: str) -> str:
    """The zip member holding `tab`'s sheet XML (through workbook.xml and its relationships)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = None
    for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = _attributes(match.group(1))
        if attrs.get("name") == tab:
            rid = next((v for k, v in attrs.items() if k.endswith(":id") or k == "id"), None)
            break
    if rid is None:
        raise Unsupported(f"no sheet named {tab!r} in workbook.xml")
    for match in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
        attrs = _attributes(match.group(1))
        if attrs.get("Id") == rid:
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            if path not in archive.namelist():
                raise Unsupported(f"sheet part {path!r} is missing")
            return path
    raise Unsupported(f"no relationship {rid!r}")


FILLED = ("…",)  # stands for a row whose values `tab_rows` did not need to read


def tab_rows(
    source: Any, tab: str, columns: tuple[Column, ...], record_id: str | None = None
) -> tuple[str, list[list[Any]]]:
    """The tab's title as written (matched as the parser matches: case and diacritics aside) and its rows,
    index i holding sheet row i + 1: text, numbers, booleans, and a formula without a stored result as its
    "=…" text, so the row counts as filled. Dates stay serial numbers: planning an append needs none.

    When `record_id` is certainly nowhere in the tab and the header (of `columns`) is in the first rows,
    rows below those are only told filled (`FILLED`, as wide as their last filled cell) or empty: all an
    append then needs, without reading 25,000 rows' values."""
    with zipfile.ZipFile(source) as archive:
        title = _match_title(archive, tab)
        part = sheet_part(archive, title)
        sheet = archive.read(part)
        shared_part = archive.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in archive.namelist() else b""
        shared = _shared_strings(shared_part)
    if not _may_skip_values(record_id, sheet, shared):
        return title, _all_rows(sheet, shared)
    top = _all_rows(sheet, shared, stop_after=HEADER_ROWS)
    if find_header(top, columns) is None:  # a header further down (a sorted sheet): read it all
        return title, _all_rows(sheet, shared)
    rows = top + [[] for _ in range(HEADER_ROWS - len(top))]
    for match in _ROW.finditer(sheet.decode("utf-8")):
        number = int(_attributes(match.group("attrs")).get("r", "0"))
        width = _filled_width(match.group("body") or "") if number > HEADER_ROWS else 0
        if width:
            rows.extend([] for _ in range(number - 1 - len(rows)))
            rows.append([None] * (width - 1) + list(FILLED))  # as wide as its last filled cell
    return title, rows


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]+")  # what XML never escapes: found in the bytes as typed
_RICH_INLINE = re.compile(rb"<(?:\w+:)?is>\s*<(?:\w+:)?r[\s>]")


def _may_skip_values(record_id: str | None, sheet: bytes, shared: list[str]) -> bool:
    """True when the id is certainly nowhere in the tab: a plain id, absent from the sheet's bytes (no rich
    inline text there, which could split it into runs) and from every shared string's text."""
    if not record_id or not _PLAIN_ID.fullmatch(record_id.strip()):
        return False
    needle = record_id.strip()
    if needle.encode("ascii") in sheet or _RICH_INLINE.search(sheet):
        return False
    return not any(needle in text for text in shared)


def _filled_width(body: str) -> int:
    """Columns up to the row's last filled cell (0 for a row of empty, styled cells)."""
    width = 0
    for cell in _CELL.finditer(body):
        if _FILLED_CELL.search(cell.group("body") or ""):
            ref = _attributes(cell.group("attrs")).get("r")
            if ref is None:
                raise Unsupported("a cell without its r attribute")
            width = _column(ref) + 1
    return width


_FILLED_CELL = re.compile(r"<(?:\w+:)?(?:v>[^<]|is>|f[\s>/])")


def _all_rows(sheet: bytes, shared: list[str], stop_after: int | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for _event, element in ElementTree.iterparse(io.BytesIO(sheet)):
        if _local(element.tag) != "row":
            continue
        number = element.get("r")
        if number is None or not number.isdigit():
            raise Unsupported("a row without its r attribute")
        if stop_after is not None and int(number) > stop_after:
            break
        values: list[Any] = []
        for cell in element:
            if _local(cell.tag) != "c":
                continue
            ref = cell.get("r")
            if ref is None:
                raise Unsupported("a cell without its r attribute")
            col = _column(ref)
            values.extend([None] * (col + 1 - len(values)))
            values[col] = _cell_value(cell, shared)
        while len(rows) < int(number) - 1:
            rows.append([])
        rows.append(values)
        element.clear()
    return rows


def _match_title(archive: zipfile.ZipFile, tab: str) -> str:
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    names = [_attributes(m.group(1)).get("name", "") for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook)]
    if tab in names:
        return tab
    for name in names:
        if fold(name) == fold(tab):
            return name
    raise NoSuchTab(tab)


def _shared_strings(part: bytes) -> list[str]:
    strings: list[str] = []
    if part:
        for _event, element in ElementTree.iterparse(io.BytesIO(part)):
            if _local(element.tag) == "si":
                strings.append(_text_of(element))
                element.clear()
    return strings


def _cell_value(cell: Any, shared: list[str]) -> Any:
    kind = cell.get("t", "n")
    parts = {_local(child.tag): child for child in cell}
    value = parts.get("v")
    text = value.text if value is not None else None
    if kind == "inlineStr":
        return _text_of(parts["is"]) if "is" in parts else None
    if text is None or not text.strip():
        formula = parts.get("f")
        return f"={formula.text or ''}" if formula is not None else None
    if kind == "s":
        index = int(text)
        return shared[index] if 0 <= index < len(shared) else None
    if kind in ("str", "e", "d"):  # text, an error, an ISO date: planning needs only that it is filled
        return text
    if kind == "b":
        return text.strip() == "1"
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _text_of(element: Any) -> str:
    """The text of a string item: its `t` pieces joined (rich text runs), phonetic runs left out."""
    return "".join(t.text or "" for t in element.iter() if _local(t.tag) == "t" and not _in_phonetic(element, t))


def _in_phonetic(root: Any, target: Any) -> bool:
    return any(_local(rph.tag) == "rPh" and target in list(rph.iter()) for rph in root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def append_to_package(source: bytes | Any, out: Any, edit: RowEdit) -> None:
    """Read the package from `source` (a path or file), write it to `out` with `edit` applied."""
    edit_package(source, out, [edit])


def edit_package(source: bytes | Any, out: Any, edits: Sequence[RowEdit | CellsEdit]) -> None:
    """Read the package from `source`, write it to `out` with `edits` applied in order (one package: a
    correction and its log lines land together or not at all)."""
    with zipfile.ZipFile(source) as archive:
        styles_name = _styles_part(archive)
        styles = archive.read(styles_name).decode("utf-8") if styles_name else None
        sheets: dict[str, str] = {}
        for edit in edits:
            part = sheet_part(archive, edit.tab)
            sheet = sheets.get(part)
            if sheet is None:
                sheet = archive.read(part).decode("utf-8")
            if isinstance(edit, CellsEdit):
                edited, new_styles = _edit_cells(sheet, styles, edit)
                _check_same_rows(sheet, edited, styles, new_styles)
            else:
                edited, new_styles = _edit_sheet(sheet, styles, edit)
                _check_edit(sheet, edited, styles, new_styles, edit)
            sheets[part], styles = edited, new_styles
        changed = {part: text.encode("utf-8") for part, text in sheets.items()}
        if styles is not None and styles_name:
            changed[styles_name] = styles.encode("utf-8")
        with zipfile.ZipFile(out, "w") as result:
            for info in archive.infolist():
                data = changed.get(info.filename)
                result.writestr(info, data if data is not None else archive.read(info), info.compress_type)


def _check_edit(before: str, after: str, styles_before: str | None, styles_after: str | None, edit: RowEdit) -> None:
    """The edited parts parse, and the sheet gained exactly the new row (and the header row, for an empty
    tab): a regex edit that went wrong — an odd construct such as CDATA — is refused, never saved."""
    try:
        old_rows = _row_numbers(before)
        new_rows = _row_numbers(after)
        if styles_after is not None and styles_after != styles_before:
            ElementTree.fromstring(styles_after.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise Unsupported(f"the edited XML does not parse ({exc})") from exc
    added = set(new_rows) - set(old_rows)
    expected = {edit.row} - set(old_rows)
    if edit.header_cells and edit.header_row not in old_rows:
        expected.add(edit.header_row)
    if added != expected or len(new_rows) != len(old_rows) + len(expected) or edit.row not in new_rows:
        raise Unsupported("the edited sheet does not hold exactly the new row")


def _check_same_rows(before: str, after: str, styles_before: str | None, styles_after: str | None) -> None:
    """A cell edit parses and leaves the sheet's rows as they were (the same rows, in the same order)."""
    try:
        same = _row_numbers(before) == _row_numbers(after)
        if styles_after is not None and styles_after != styles_before:
            ElementTree.fromstring(styles_after.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise Unsupported(f"the edited XML does not parse ({exc})") from exc
    if not same:
        raise Unsupported("the edited sheet's rows differ")


def _row_numbers(sheet: str) -> list[int]:
    root = ElementTree.fromstring(sheet.encode("utf-8"))
    return [int(row.get("r", "0")) for row in root.iter() if _local(row.tag) == "row"]


def _styles_part(archive: zipfile.ZipFile) -> str | None:
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for match in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
        attrs = _attributes(match.group(1))
        if attrs.get("Type", "").endswith("/styles"):
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else normpath(join(dirname("xl/workbook.xml"), target))
            return path if path in archive.namelist() else None
    return None


# ---- the sheet --------------------------------------------------------------------------------------------
_ROW = re.compile(r"<(?P<p>\w+:)?row\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?row>)", re.S)
_CELL = re.compile(r"<(?P<p>\w+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.S)


def _edit_sheet(sheet: str, styles: str | None, edit: RowEdit) -> tuple[str, str | None]:
    merged = _merged_over(sheet, edit.row)
    if merged is not None:
        raise Unsupported(f"row {edit.row} is under a merged range ({merged})")
    data = re.search(r"<(?P<p>\w+:)?sheetData\b[^>]*?(?P<empty>/)?>", sheet)
    if data is None:
        raise Unsupported("no sheetData")
    prefix = data.group("p") or ""
    if data.group("empty"):  # <sheetData/>: open it
        sheet = f"{sheet[: data.start()]}<{prefix}sheetData></{prefix}sheetData>{sheet[data.end() :]}"
        data = re.search(r"<(?:\w+:)?sheetData\b[^>]*>", sheet)
        assert data is not None
    end = sheet.find(f"</{prefix}sheetData>", data.end())
    if end < 0:
        raise Unsupported("sheetData is not closed")
    body = sheet[data.end() : end]
    rows = list(_ROW.finditer(body))
    numbers = []
    for match in rows:
        number = _attributes(match.group("attrs")).get("r")
        if number is None or not number.isdigit():
            raise Unsupported("a row without its r attribute")
        numbers.append(int(number))
    styler = _Styles(styles)
    above = _row_above(rows, numbers, edit)
    new_row = _build_row(edit, prefix, above, rows, numbers, styler)
    pieces: list[str] = []
    cursor = 0
    placed = False
    header_missing = bool(edit.header_cells) and edit.header_row not in numbers
    for match, number in zip(rows, numbers, strict=True):
        if header_missing and number > edit.header_row:  # an empty tab: its header row is written first
            pieces.append(body[cursor : match.start()])
            pieces.append(_header_row(edit, prefix))
            cursor = match.start()
            header_missing = False
        if number == edit.header_row and edit.header_cells:
            pieces.append(body[cursor : match.start()])
            pieces.append(_add_header_cells(match, edit, prefix))
            cursor = match.end()
        elif not placed and number >= edit.row:
            pieces.append(body[cursor : match.start()])
            pieces.append(new_row)
            placed = True
            if number == edit.row:  # an empty row of that number (styles only): ours takes its place
                cursor = match.end()
                continue
            cursor = match.start()
    pieces.append(body[cursor:])
    if header_missing:
        pieces.append(_header_row(edit, prefix))
    if not placed:
        pieces.append(new_row)
    sheet = sheet[: data.end()] + "".join(pieces) + sheet[end:]
    return _widen_dimension(sheet, edit), styler.text


def _edit_cells(sheet: str, styles: str | None, edit: CellsEdit) -> tuple[str, str | None]:
    """Set cells of row `edit.row` in place: a cell keeps its style (a date gets a date format), a missing
    cell is inserted in column order, every other cell and row is left as it is."""
    merged = _merged_over(sheet, edit.row)
    if merged is not None:
        raise Unsupported(f"row {edit.row} is under a merged range ({merged})")
    data = re.search(r"<(?P<p>\w+:)?sheetData\b[^>]*?>", sheet)
    if data is None or data.group(0).endswith("/>"):
        raise Unsupported("no rows")
    prefix = data.group("p") or ""
    end = sheet.find(f"</{prefix}sheetData>", data.end())
    if end < 0:
        raise Unsupported("sheetData is not closed")
    body = sheet[data.end() : end]
    target = header = None
    for match in _ROW.finditer(body):
        number = _attributes(match.group("attrs")).get("r")
        if number is None or not number.isdigit():
            raise Unsupported("a row without its r attribute")
        if int(number) == edit.row:
            target = match
        if int(number) == edit.header_row:
            header = match
    if target is None:
        raise Unsupported(f"row {edit.row} is not in the sheet")
    styler = _Styles(styles)
    cells: dict[int, str] = {}
    for cell in _CELL.finditer(target.group("body") or ""):
        attrs = _attributes(cell.group("attrs"))
        if "r" not in attrs:
            raise Unsupported("a cell without its r attribute")
        cells[_column(attrs["r"])] = cell.group(0)
    if _CELL.sub("", target.group("body") or "").strip():
        raise Unsupported(f"row {edit.row} holds more than cells")
    for col, value in edit.values.items():
        old = cells.get(col)
        style = None
        if old is not None:
            old_match = _CELL.match(old)
            assert old_match is not None
            if re.search(r"<(?:\w+:)?f\b[^>]*\bref=", old_match.group("body") or ""):
                raise Unsupported(f"cell {col} of row {edit.row} holds a shared or array formula")
            style = _attributes(old_match.group("attrs")).get("s")
        ref = f"{get_column_letter(col + 1)}{edit.row}"
        if value is None:
            cells[col] = f"<{prefix}c r={quoteattr(ref)}" + (f" s={quoteattr(style)}" if style else "") + "/>"
        else:
            cells[col] = _cell(prefix, ref, value, style, styler)
    attrs = {k: v for k, v in _attributes(target.group("attrs")).items() if k != "spans"}
    head = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    row_xml = f"<{prefix}row{head}>{''.join(cells[c] for c in sorted(cells))}</{prefix}row>"
    replaced = [(target.start(), target.end(), row_xml)]
    if edit.header_cells:
        if header is None:
            raise Unsupported(f"header row {edit.header_row} is not in the sheet")
        replaced.append((header.start(), header.end(), _add_header_cells(header, edit, prefix)))  # type: ignore[arg-type]
    for start, stop, text in sorted(replaced, reverse=True):
        body = body[:start] + text + body[stop:]
    sheet = sheet[: data.end()] + body + sheet[end:]
    return _widen_dimension(sheet, edit), styler.text  # type: ignore[arg-type]


def _row_above(rows: list[re.Match[str]], numbers: list[int], edit: RowEdit) -> dict[int, str]:
    """Column → style of the last row before the new one, when that row is data (not the header)."""
    before = [(n, m) for n, m in zip(numbers, rows, strict=True) if edit.header_row < n < edit.row]
    if not before:
        return {}
    _number, match = before[-1]
    styles: dict[int, str] = {}
    for cell in _CELL.finditer(match.group("body") or ""):
        attrs = _attributes(cell.group("attrs"))
        if "r" in attrs and "s" in attrs:
            styles[_column(attrs["r"])] = attrs["s"]
    return styles


def _build_row(
    edit: RowEdit,
    prefix: str,
    above: dict[int, str],
    rows: list[re.Match[str]],
    numbers: list[int],
    styler: _Styles,
) -> str:
    existing_attrs = ""
    existing_styles: dict[int, str] = {}
    if edit.row in numbers:
        match = rows[numbers.index(edit.row)]
        for cell in _CELL.finditer(match.group("body") or ""):
            attrs = _attributes(cell.group("attrs"))
            if (cell.group("body") or "").strip():
                raise Unsupported(f"row {edit.row} is not empty")
            if "r" not in attrs:
                raise Unsupported("a cell without its r attribute")
            if "s" in attrs:
                existing_styles[_column(attrs["r"])] = attrs["s"]
        kept = {k: v for k, v in _attributes(match.group("attrs")).items() if k not in ("r", "spans")}
        existing_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in kept.items())
    columns = sorted(set(edit.values) | set(existing_styles))
    cells = []
    for col in columns:
        ref = f"{get_column_letter(col + 1)}{edit.row}"
        style = existing_styles.get(col, above.get(col))
        if col not in edit.values:
            cells.append(f"<{prefix}c r={quoteattr(ref)} s={quoteattr(style or '0')}/>")
            continue
        cells.append(_cell(prefix, ref, edit.values[col], style, styler))
    return f'<{prefix}row r="{edit.row}"{existing_attrs}>{"".join(cells)}</{prefix}row>'


def _cell(prefix: str, ref: str, value: Any, style: str | None, styler: _Styles) -> str:
    if isinstance(value, (datetime, date)):
        style = styler.with_date(style, DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT)
        return f"<{prefix}c r={quoteattr(ref)} s={quoteattr(style)}><{prefix}v>{_serial(value)}</{prefix}v></{prefix}c>"
    style = styler.without_date(style)  # a number or text under a date: same look, not shown as a date
    s = f" s={quoteattr(style)}" if style is not None else ""
    if isinstance(value, bool):
        return f'<{prefix}c r={quoteattr(ref)}{s} t="b"><{prefix}v>{int(value)}</{prefix}v></{prefix}c>'
    if isinstance(value, float) and not math.isfinite(value):
        raise Unsupported("a number that is not finite")
    if isinstance(value, (int, float)):
        return f"<{prefix}c r={quoteattr(ref)}{s}><{prefix}v>{value!r}</{prefix}v></{prefix}c>"
    text = escape(str(value)).replace("\r", "&#13;")  # XML would turn a bare CR into a line feed
    return (
        f'<{prefix}c r={quoteattr(ref)}{s} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">{text}'
        f"</{prefix}t></{prefix}is></{prefix}c>"
    )


def _serial(value: date) -> str:
    return repr(to_serial(value))


def _text_cell(prefix: str, ref: str, text: str, style: str | None = None) -> str:
    s = f" s={quoteattr(style)}" if style else ""
    return (
        f'<{prefix}c r={quoteattr(ref)}{s} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">'
        f"{escape(text)}</{prefix}t></{prefix}is></{prefix}c>"
    )


def _header_row(edit: RowEdit, prefix: str) -> str:
    """A header row of its own, for a tab that has none yet (an empty tab)."""
    cells = "".join(
        _text_cell(prefix, f"{get_column_letter(col + 1)}{edit.header_row}", text)
        for col, text in sorted(edit.header_cells.items())
    )
    return f'<{prefix}row r="{edit.header_row}">{cells}</{prefix}row>'


def _merged_over(sheet: str, row: int) -> str | None:
    """A merged range that covers `row` (a value written there would be hidden), or None."""
    for match in re.finditer(r'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', sheet):
        if int(match.group(2)) <= row <= int(match.group(4)):
            return match.group(0)
    return None


def _add_header_cells(match: re.Match[str], edit: RowEdit, prefix: str) -> str:
    """The header row with the new header cells in column order (an empty styled cell there is replaced)."""
    body = match.group("body") or ""
    cells: list[tuple[int, str]] = []
    for cell in _CELL.finditer(body):
        attrs = _attributes(cell.group("attrs"))
        if "r" not in attrs:
            raise Unsupported("a header cell without its r attribute")
        cells.append((_column(attrs["r"]), cell.group(0)))
    if _CELL.sub("", body).strip():
        raise Unsupported("the header row holds more than cells")
    by_column = dict(cells)
    for col, text in edit.header_cells.items():
        old = by_column.get(col)
        style = None
        if old is not None:
            old_match = _CELL.match(old)
            assert old_match is not None
            if (old_match.group("body") or "").strip():
                raise Unsupported(f"header cell {col} is not empty")
            style = _attributes(old_match.group("attrs")).get("s")
        by_column[col] = _text_cell(prefix, f"{get_column_letter(col + 1)}{edit.header_row}", text, style)
    attrs = {k: v for k, v in _attributes(match.group("attrs")).items() if k != "spans"}
    head = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{prefix}row{head}>{''.join(by_column[c] for c in sorted(by_column))}</{prefix}row>"


def _widen_dimension(sheet: str, edit: RowEdit) -> str:
    match = re.search(r'(<(?:\w+:)?dimension\b[^>]*\bref=")([^"]*)(")', sheet)
    if match is None:
        return sheet
    last_col = max([*edit.values, *edit.header_cells, 0]) + 1
    ref = match.group(2)
    first, _, last = ref.partition(":")
    last = last or first
    end = re.match(r"([A-Z]+)(\d+)$", last)
    if end is None:
        return sheet
    col = max(column_index_from_string(end.group(1)), last_col)
    row = max(int(end.group(2)), edit.row)
    start = first if re.match(r"[A-Z]+\d+$", first) else "A1"
    return f"{sheet[: match.start(2)]}{start}:{get_column_letter(col)}{row}{sheet[match.end(2) :]}"


# ---- styles -----------------------------------------------------------------------------------------------
class _Styles:
    """The cell formats (`cellXfs`) of styles.xml: enough to tell a date format, and to give a cell the
    same look (font, fill, border) with another number format, adding a format only when none fits."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self._formats: dict[int, str] = dict(BUILTIN_FORMATS)
        self._used_ids: set[int] = set()
        self._xfs: list[str] = []  # each xf's attributes, as written
        if text is None:
            return
        for match in re.finditer(r"<(?:\w+:)?numFmt\b([^>]*)/?>", text):  # dxfs' formats too: ids stay unique
            number = _attributes(match.group(1)).get("numFmtId", "")
            if number.isdigit():
                self._used_ids.add(int(number))
        own = re.search(r"<(?:\w+:)?numFmts\b[^>]*>(.*?)</(?:\w+:)?numFmts>", text, re.S)
        for match in re.finditer(r"<(?:\w+:)?numFmt\b([^>]*)/?>", own.group(1) if own else ""):
            attrs = _attributes(match.group(1))
            if attrs.get("numFmtId", "").isdigit():
                self._formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", text, re.S)
        if xfs is not None:
            self._xfs = [m.group(1) for m in re.finditer(r"<(?:\w+:)?xf\b([^>]*?)/?>", xfs.group(1))]

    def _format_of(self, style: str) -> int:
        number = _attributes(self._xfs[int(style)]).get("numFmtId", "0")
        return int(number) if number.isdigit() else 0

    def _known(self, style: str | None) -> bool:
        return style is not None and style.isdigit() and int(style) < len(self._xfs)

    def is_date(self, style: str | None) -> bool:
        if not self._known(style):
            return False
        code = self._formats.get(self._format_of(style), "")  # type: ignore[arg-type]
        return bool(code) and is_date_format(code)

    def with_date(self, style: str | None, code: str) -> str:
        """A style that looks like `style` (fill, border, font) and shows dates as `code`."""
        if self.is_date(style):
            return style  # type: ignore[return-value]
        return self._variant(style, self._format_id(code))

    def without_date(self, style: str | None) -> str | None:
        """`style` with the General number format when it shows dates (a number or text under a date)."""
        return self._variant(style, 0) if self.is_date(style) else style

    def _format_id(self, code: str) -> int:
        found = next((i for i, c in self._formats.items() if c == code and (i >= 164 or i in BUILTIN_FORMATS)), None)
        if found is not None and (found < 164 or found in self._used_ids):
            return found
        if self.text is None:
            raise Unsupported("no styles.xml to add a date format to")
        fmt_id = max([163, *self._used_ids, *(i for i in self._formats if i >= 164)]) + 1
        entry = f'<numFmt numFmtId="{fmt_id}" formatCode={quoteattr(code)}/>'
        self.text = _append_child(self.text, "numFmts", entry, create_after="styleSheet")
        self._formats[fmt_id] = code
        self._used_ids.add(fmt_id)
        return fmt_id

    def _variant(self, style: str | None, fmt_id: int) -> str:
        base = self._xfs[int(style)] if self._known(style) else ' fontId="0" fillId="0" borderId="0" xfId="0"'
        attrs = {k: v for k, v in _attributes(base).items() if k not in ("numFmtId", "applyNumberFormat")}
        wanted = {"numFmtId": str(fmt_id), **attrs, "applyNumberFormat": "1"}
        for index, existing in enumerate(self._xfs):
            if _attributes(existing) == wanted:
                return str(index)
        if self.text is None:
            raise Unsupported("no styles.xml to add a cell format to")
        written = "".join(f" {k}={quoteattr(v)}" for k, v in wanted.items())
        children = _xf_children(self.text, int(style)) if self._known(style) else ""
        xf = f"<xf{written}>{children}</xf>" if children else f"<xf{written}/>"
        self.text = _append_child(self.text, "cellXfs", xf, create_after=None)
        self._xfs.append(written)
        return str(len(self._xfs) - 1)


def _xf_children(text: str, index: int) -> str:
    """The alignment and protection of the index-th cell format, copied into its variant."""
    xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", text, re.S)
    assert xfs is not None
    found = list(re.finditer(r"<(?:\w+:)?xf\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?xf>)", xfs.group(1), re.S))
    return (found[index].group(1) or "") if index < len(found) else ""


def _prefixed(xml: str, prefix: str) -> str:
    """Every tag of `xml` (written without a prefix) with the namespace prefix of the part it goes into."""
    return re.sub(r"<(/?)(?=[A-Za-z])", rf"<\1{prefix}", xml) if prefix else xml


def _append_child(text: str, tag: str, child: str, create_after: str | None) -> str:
    """`child` appended inside `<tag>` (its count attribute raised); the element created right after the
    opening tag of `create_after` when missing."""
    match = re.search(rf"<(?P<p>\w+:)?{tag}\b(?P<attrs>[^>]*?)(?P<empty>/)?>", text)
    if match is None:
        if create_after is None:
            raise Unsupported(f"styles.xml has no {tag}")
        root = re.search(rf"<(?P<p>\w+:)?{create_after}\b[^>]*>", text)
        if root is None:
            raise Unsupported(f"styles.xml has no {create_after}")
        p = root.group("p") or ""
        return f'{text[: root.end()]}<{p}{tag} count="1">{_prefixed(child, p)}</{p}{tag}>{text[root.end() :]}'
    p = match.group("p") or ""
    child = _prefixed(child, p)
    attrs = match.group("attrs")
    count = re.search(r'\bcount="(\d+)"', attrs)
    if count is not None:
        attrs = attrs[: count.start(1)] + str(int(count.group(1)) + 1) + attrs[count.end(1) :]
    if match.group("empty"):
        return f"{text[: match.start()]}<{p}{tag}{attrs}>{child}</{p}{tag}>{text[match.end() :]}"
    close = text.find(f"</{p}{tag}>", match.end())
    if close < 0:
        raise Unsupported(f"{tag} is not closed")
    return f"{text[: match.start()]}<{p}{tag}{attrs}>{text[match.end() : close]}{child}{text[close:]}"


# ---- small helpers ----------------------------------------------------------------------------------------
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*("([^"]*)"|\'([^\']*)\')')


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1): _unescape(m.group(3) if m.group(3) is not None else m.group(4)) for m in _ATTR.finditer(text)}


def _unescape(text: str) -> str:
    return html.unescape(text)


def _column(ref: str) -> int:
    match = re.match(r"\$?([A-Za-z]+)", ref)
    if match is None:
        raise Unsupported(f"cell reference {ref!r}")
    return column_index_from_string(match.group(1).upper()) - 1
