"""The .xlsx consolidated table, laid out as Vietnamese offices lay out documents (Nghị định 30/2020).

Written with xlsxwriter: it is the faster writer (25,000 activities well under the 5 s budget), it writes
print set-up (A4 landscape, fit to width, repeated header rows) directly, and with a fixed creation time
its output is byte-for-byte reproducible. Every sheet opens with the agency / national-motto header block,
a bold title and the period line; cells are Times New Roman; numbers show dot thousands whatever the
reader's locale; text from the sheets is always written as a string, never as a formula.
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reporting.export.common import (
    FORMULA_STARTS,
    MOTTO,
    MOTTO_COUNTRY,
    attachment_line,
    formula_like,
    letterhead_lines,
    period_line,
    place_date,
    table_title,
)
from reporting.export.tables import Col, Table, all_tables
from reporting.letterhead import Letterhead, letterhead_for
from reporting.metrics import Summary
from reporting.parse import Parsed
from reporting.settings import Settings
from reporting.values import EXCEL_EPOCH

FONT = "Times New Roman"
SIZE = 12
# Excel's "#,##0" follows the reader's locale; the conditional sections put dots in whatever the locale.
NUMBER_FORMAT = '[>=1000000]#"."###"."##0;[>=1000]#"."##0;0'
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
EXCEL_DAY_ZERO = EXCEL_EPOCH.date()  # serial 1 is 1/1/1900 in Excel's (Lotus-compatible) count
LEFT_BLOCK, RIGHT_BLOCK = 40.0, 52.0  # widths (characters) of the header block's two halves
POINTS_PER_LINE = 16.0  # Times New Roman 12


class _Formats:
    """Formats made on first use, one per (role, style): xlsxwriter wants each created once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[Any, ...], Format] = {}

    def get(self, *key: Any, **props: Any) -> Format:
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"font_name": FONT, "font_size": SIZE, **props})
        return self.cache[key]

    def border(self) -> Format:
        """The border a blank table cell gets (through a conditional format: no cell is written for it)."""
        if ("border",) not in self.cache:
            self.cache[("border",)] = self.book.add_format({"border": 1})
        return self.cache[("border",)]

    def cell(self, kind: str, style: str, quoted: bool = False) -> Format:
        props: dict[str, Any] = {"border": 1, "valign": "vcenter", "text_wrap": True}
        if kind == "int":
            props |= {"num_format": NUMBER_FORMAT, "align": "right", "indent": 1}
        elif kind == "date":
            props |= {"num_format": DATE_FORMAT, "align": "center"}
        elif kind == "moment":
            props |= {"num_format": MOMENT_FORMAT, "align": "center"}
        elif kind == "center":
            props |= {"align": "center"}
        if style in ("group", "total"):
            props["bold"] = True
        if quoted:
            props["quote_prefix"] = True  # Excel then keeps "=…" as text even when the cell is edited
        return self.get("cell", kind, style, quoted, **props)


def to_xlsx(summary: Summary, parsed: Parsed, settings: Settings) -> bytes:
    """The workbook's bytes: Tổng hợp, Theo nội dung, Chi tiết, Tiến độ báo cáo."""
    out = io.BytesIO()
    tables = all_tables(summary)
    book = xlsxwriter.Workbook(
        out,
        {
            **_memory_mode(sum(len(t.rows) for t in tables)),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": SIZE},
        },
    )
    created = summary.now.astimezone(UTC).replace(tzinfo=None) if summary.now.tzinfo else summary.now
    head = letterhead_for(summary.period, parsed.letterheads, settings)  # who issued it, as of that period
    book.set_properties(
        {
            "title": table_title(summary.period),  # the file's properties: the summary sheet's title
            "author": head.name,
            "company": head.parent,
            "comments": f"Nguồn số liệu: {parsed.source_name}",
            "created": created,
        }
    )
    formats = _Formats(book)
    for index, table in enumerate(tables):
        sheet = book.add_worksheet(table.sheet)
        _write_sheet(sheet, table, formats, summary, head, number=index + 1, signature=index == 0)
    book.close()
    return out.getvalue()


# Above this many table rows the workbook is written in constant memory: each row goes to a temporary file
# as soon as the next begins (100,000 activities: 39 MiB instead of 225), at about a quarter more time, as
# text goes in inline rather than shared. Below it, in memory: a usual quarter is faster so. Either way every
# sheet is written strictly top to bottom (row heights included), which constant memory requires.
CONSTANT_MEMORY_ROWS = 50_000


def _memory_mode(rows: int) -> dict[str, bool]:
    return {"constant_memory": True} if rows > CONSTANT_MEMORY_ROWS else {"in_memory": True}


def _blocks(columns: list[Col]) -> tuple[int, int]:
    """Last column of the left header block and first of the right one (ND 30: agency left, motto right)."""
    widths = [c.width for c in columns]
    left, total = 0, widths[0]
    while total < LEFT_BLOCK and left < len(widths) - 2:
        left += 1
        total += widths[left]
    right, total = len(widths) - 1, widths[-1]
    while total < RIGHT_BLOCK and right > left + 1:
        right -= 1
        total += widths[right]
    return left, max(right, left + 1)


# Widths in Times New Roman, in units of its digit (what a column width counts): a space or a comma is
# half a digit, i j l r t f I about 0.6, m and w 1.5, capitals about 1.35, other letters (whatever their
# diacritics) about one digit. Rough on purpose: a row a little too tall is harmless, one too short hides text.
_HALF = frozenset(" ,.;:'|!()[]-")
_SLIM = frozenset("ijlrtfI")
_WIDE = frozenset("mwMW–—")


class _Widths(dict[str, float]):
    """Character → width, worked out on first sight (a dict lookup is what keeps 25,000 rows fast)."""

    def __missing__(self, ch: str) -> float:
        if ch in _HALF:
            width = 0.5
        elif ch in _SLIM:
            width = 0.6
        elif ch in _WIDE:
            width = 1.5
        else:
            width = 1.35 if ch.isupper() else 1.0
        self[ch] = width
        return width


_WIDTH = _Widths()


@functools.lru_cache(maxsize=8192)  # labels and unit names repeat on thousands of rows
def _lines(text: str, width: float) -> int:
    """Lines a wrapped text needs in a column (or merged range) `width` digits wide: a greedy word wrap,
    as Excel and LibreOffice do it, with Times New Roman's rough letter widths."""
    room = max(width - 1.2, 1)  # the cell's padding
    if "\n" not in text and sum(map(_WIDTH.__getitem__, text)) <= room:
        return 1
    lines = 0
    for part in text.split("\n"):
        lines += 1
        used = 0.0
        for word in part.split(" "):
            size = sum(map(_WIDTH.__getitem__, word))
            if used and used + 0.5 + size > room:
                lines += 1
                used = 0.0
            used += (0.5 if used else 0) + size
            while used > room:  # a word longer than the line breaks inside itself
                lines += 1
                used -= room
    return lines


def _header_heights(sheet: Worksheet, top: int, columns: list[Col], grouped: bool) -> None:
    """Header rows tall enough for their wrapped labels (merged cells never grow by themselves)."""
    if not grouped:
        sheet.set_row(top, POINTS_PER_LINE * max(_lines(c.header, c.width) for c in columns) + 4)
        return
    spans: dict[str, float] = {}
    for column in columns:
        if column.group:
            spans[column.group] = spans.get(column.group, 0) + column.width
    upper = max(_lines(group, width) for group, width in spans.items())
    lower = max(_lines(c.header, c.width) for c in columns if c.group)
    whole = max(_lines(c.header, c.width) for c in columns if not c.group)
    lower = max(lower, whole - upper)
    sheet.set_row(top, POINTS_PER_LINE * upper + 4)
    sheet.set_row(top + 1, POINTS_PER_LINE * lower + 4)


def _write_header(sheet: Worksheet, top: int, columns: list[Col], header: Format, grouped: bool) -> None:
    """The header row(s), one row at a time (constant_memory: a row is final once the next one starts). A
    column without a group spans both rows: its label goes in the upper row, a formatted blank in the lower,
    and the merge is recorded directly, since `merge_range` would write both rows at once."""
    last = len(columns) - 1
    if not grouped:
        for index, column in enumerate(columns):
            sheet.write_string(top, index, column.header, header)
        return
    spans: list[tuple[int, int]] = []  # the grouped columns' (first, last)
    index = 0
    while index <= last:
        column = columns[index]
        if column.group is None:
            sheet.write_string(top, index, column.header, header)
            index += 1
            continue
        end = index
        while end + 1 <= last and columns[end + 1].group == column.group:
            end += 1
        if end > index:
            sheet.merge_range(top, index, top, end, column.group, header)
        else:
            sheet.write_string(top, index, column.group, header)
        spans.append((index, end))
        index = end + 1
    grouped_columns = {col for first, end in spans for col in range(first, end + 1)}
    for index, column in enumerate(columns):
        if index in grouped_columns:
            sheet.write_string(top + 1, index, column.header, header)
        else:
            sheet.write_blank(top + 1, index, None, header)
            sheet.merge.append([top, index, top + 1, index])  # what merge_range records (xlsxwriter 3.x)


def _write_sheet(
    sheet: Worksheet,
    table: Table,
    fm: _Formats,
    summary: Summary,
    letterhead: Letterhead,
    *,
    number: int,
    signature: bool,
) -> None:
    columns = table.columns
    last = len(columns) - 1
    total_width = sum(c.width for c in columns)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    left, right = _blocks(columns)
    head = {"align": "center", "valign": "vcenter"}
    sheet.merge_range(0, 0, 0, left, letterhead.parent, fm.get("h1", **head))
    sheet.merge_range(0, right, 0, last, MOTTO_COUNTRY, fm.get("h2", bold=True, **head))
    agency = letterhead_lines(letterhead.name)
    agency_fmt = fm.get("h3", bold=True, text_wrap=True, **head)
    sheet.merge_range(1, 0, 1, left, "\n".join(agency), agency_fmt)
    sheet.set_row(1, POINTS_PER_LINE * len(agency) + 2)
    sheet.merge_range(1, right, 1, last, MOTTO, fm.get("h4", bold=True, font_size=13, **head))
    # ND 30 draws a short rule under the agency name and under the motto.
    rule = fm.get("rule", **head)
    sheet.merge_range(2, 0, 2, left, "────────", rule)
    sheet.merge_range(2, right, 2, last, "──────────────", rule)
    sheet.merge_range(3, right, 3, last, place_date(letterhead.place, summary.now), fm.get("date", italic=True, **head))

    # Each sheet is an appendix of the report: its number, its own title with the period, the line naming the
    # report it goes with (ND 30/2020), then the period.
    appendix = fm.get("appendix", bold=True, align="center", valign="vcenter")
    sheet.merge_range(4, 0, 4, last, f"Phụ lục {_roman(number)}", appendix)
    title = f"{table.title} {summary.period.label.upper()}"
    title_fmt = fm.get("title", bold=True, font_size=13, align="center", valign="vcenter", text_wrap=True)
    sheet.merge_range(5, 0, 5, last, title, title_fmt)
    # 13 pt bold capitals run about a quarter wider than the 12 pt text the estimate is made for.
    sheet.set_row(5, (POINTS_PER_LINE + 1) * _lines(title, total_width / 1.25) + 4)
    attached = fm.get("attached", italic=True, align="center")
    sheet.merge_range(6, 0, 6, last, attachment_line(letterhead.code), attached)
    sheet.merge_range(7, 0, 7, last, period_line(summary.period), fm.get("period", italic=True, align="center"))

    top = 9
    header = fm.get("header", bold=True, border=1, align="center", valign="vcenter", text_wrap=True)
    grouped = any(c.group for c in columns)
    header_rows = 2 if grouped else 1
    _header_heights(sheet, top, columns, grouped)  # before the header's cells: rows are written in order
    _write_header(sheet, top, columns, header, grouped)
    numbering = top + header_rows
    number_fmt = fm.get("numbering", italic=True, border=1, align="center", font_size=11)
    for index in range(len(columns)):
        sheet.write_string(numbering, index, f"({index + 1})", number_fmt)
    first = numbering + 1
    sheet.repeat_rows(top, numbering)
    sheet.freeze_panes(first, 2)

    row = first
    if not table.rows and table.empty:
        sheet.merge_range(row, 0, row, last, table.empty, fm.get("empty", italic=True, border=1, align="center"))
        row += 1
    row, cut = _write_rows(sheet, row, table, fm)

    row += 1
    note_fmt = fm.get("note", italic=True, align="left", valign="top", text_wrap=True)
    notes = [*table.notes, *([CUT_NOTE.format(n=cut)] if cut else [])]
    for note in notes:
        sheet.merge_range(row, 0, row, last, note, note_fmt)
        sheet.set_row(row, POINTS_PER_LINE * _lines(note, total_width * 0.95) + 2)
        row += 1
    if signature:
        _signature(sheet, row + 1, left, right, last, fm, letterhead)

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.fit_to_pages(1, 0)
    sheet.set_footer(f'&C&"{FONT},Regular"&11Trang &P/&N')
    sheet.hide_gridlines(2)
    # Last, so in constant memory the rows do not each carry it: the sheet's default row height says it once.
    sheet.set_default_row(POINTS_PER_LINE)


class _Cells:
    """The formats of one row style, per column and per kind of value (looked up once, not per cell)."""

    def __init__(self, columns: list[Col], style: str, fm: _Formats) -> None:
        texts = [c.kind if c.kind in ("text", "center") else "text" for c in columns]
        self.text = [fm.cell(kind, style) for kind in texts]
        self.quoted = [fm.cell(kind, style, True) for kind in texts]
        self.number = [fm.cell("center" if c.kind == "center" else "int", style) for c in columns]
        self.date = fm.cell("date", style)
        self.moment = fm.cell("moment", style)


MAX_CELL = 32_767  # characters Excel keeps in one cell
CUT_MARK = " …[cắt bớt]"
CUT_NOTE = (
    "{n} ô dài quá 32.767 ký tự (giới hạn của Excel) đã được cắt bớt và kết thúc bằng «…[cắt bớt]»; "
    "nội dung đầy đủ ở bảng tính nguồn."
)


def _fit_cell(value: str) -> str:
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - len(CUT_MARK)] + CUT_MARK


def _write_rows(sheet: Worksheet, row: int, table: Table, fm: _Formats) -> tuple[int, int]:
    """Write the table's rows from `row`; returns the row after the last and how many cells were cut to
    Excel's limit (never silently: the caller says so under the table). The hot loop of a 25,000-row export."""
    columns = table.columns
    widths = [c.width for c in columns]
    # A text longer than this may wrap: only then is its height worked out.
    one_line = [(w - 1.2) / 1.5 for w in widths]
    cells: dict[str, _Cells] = {}
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    serials: dict[date, int] = {}  # a date cell is its serial number under a date format, as Excel stores it
    first, cut = row, 0
    for values, style in zip(table.rows, table.styles, strict=True):
        f = cells.get(style) or cells.setdefault(style, _Cells(columns, style, fm))
        lines = 1
        for col, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if len(value) > MAX_CELL:
                    value, cut = _fit_cell(value), cut + 1
                quoted = value.startswith(FORMULA_STARTS) and formula_like(value)
                write_string(row, col, value, f.quoted[col] if quoted else f.text[col])
                if len(value) > one_line[col] or "\n" in value:
                    lines = max(lines, _lines(value, widths[col]))
            elif kind is int or kind is float:
                write_number(row, col, value, f.number[col])
            elif value is None:
                pass  # its border comes from the sheet's "blanks" conditional format (37,000 fewer cells)
            elif kind is date:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = (value - EXCEL_DAY_ZERO).days
                write_number(row, col, serial, f.date)
            elif isinstance(value, datetime):
                write_datetime(row, col, value, f.moment)
            else:  # nothing else is expected; shown as text rather than lost
                write_string(row, col, str(value), f.text[col])
        if lines > 1:  # Excel and LibreOffice do not grow rows to fit wrapped text written by a program
            sheet.set_row(row, POINTS_PER_LINE * lines + 2)
        row += 1
    if row > first:
        sheet.conditional_format(first, 0, row - 1, len(columns) - 1, {"type": "blanks", "format": fm.border()})
    return row, cut


def _signature(
    sheet: Worksheet, row: int, left: int, right: int, last: int, fm: _Formats, letterhead: Letterhead
) -> None:
    """Who signs the table: the clerk who made it (left) and the Sở's leader (right)."""
    bold = fm.get("sign", bold=True, align="center", valign="top", text_wrap=True)
    hint = fm.get("sign_hint", italic=True, align="center")
    sheet.merge_range(row, 0, row, left, "NGƯỜI LẬP BIỂU", bold)
    sheet.merge_range(row, right, row, last, "\n".join(letterhead.signer_lines), bold)
    sheet.set_row(row, POINTS_PER_LINE * 2)
    sheet.merge_range(row + 1, 0, row + 1, left, "(Ký, ghi rõ họ tên)", hint)
    sheet.merge_range(row + 1, right, row + 1, last, "(Ký, ghi rõ họ tên, đóng dấu)", hint)


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")[number - 1]
