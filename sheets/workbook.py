"""The .xlsx source: reads a workbook in the DESIGN layout with python-calamine (Rust), openpyxl behind it.

Values are given as openpyxl gives them, so the parser in `reporting.parse` reads them exactly as before and
as it reads Google's: formulas as their cached values, dates as datetimes, whole numbers as ints, a blank
cell as None, an error cell as its text («#N/A»). Calamine reads no error's text and no formula, so one byte
search of each sheet's XML finds the sheets that hold either (most hold neither) and those sheets' XML is
scanned for them: a formula whose value the file never stored is listed in `Snapshot.uncomputed` for the
parser to report; an error cell gets its text. A file calamine cannot read (it is stricter about some
packages) is read by openpyxl, which also gives the messages for damaged files; `read_with_openpyxl` is
that reader alone, the reference the parity tests compare with.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from reporting.collector import collector_paused
from reporting.errors import SourceError, SourceNotFound
from reporting.periods import VN_TZ
from reporting.snapshot import SheetRow, Snapshot, rows_from_values

log = logging.getLogger(__name__)

try:  # a wheel for every platform the app runs on; without it (an odd platform) openpyxl reads alone
    import python_calamine
except ImportError:  # pragma: no cover - depends on the platform
    python_calamine = None


Scan = tuple[tuple[tuple[int, int], ...], dict[tuple[int, int], str]]


def _scan(data: bytes) -> Scan:
    """A sheet's XML: the cells with a formula and no stored result (`<c><f>…</f></c>` without `<v>`), which
    a values-only read gives as blank, and the error cells' texts (row, 0-based column → «#DIV/0!»)."""
    found: list[tuple[int, int]] = []
    errors: dict[tuple[int, int], str] = {}
    for _event, element in ElementTree.iterparse(io.BytesIO(data)):
        if element.tag.rsplit("}", 1)[-1] != "c":
            continue
        children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
        value = children.get("v")
        kind = element.get("t")
        # A formula whose result is the empty string is stored as t="str" with an empty <v>: computed.
        empty = value is not None and not (value.text or "").strip() and kind != "str"
        uncomputed = "f" in children and (value is None or empty) and "is" not in children
        if uncomputed or (kind == "e" and value is not None and (value.text or "").strip()):
            column, row = coordinate_from_string(element.get("r", "A1"))
            where = (row, column_index_from_string(column) - 1)
            if uncomputed:
                found.append(where)
            else:
                errors[where] = str(value.text).strip()  # type: ignore[union-attr]
        element.clear()
    return tuple(found), errors


def _uncomputed(sheet: Any) -> tuple[tuple[int, int], ...]:
    """`_scan`'s formulas without results, for a sheet openpyxl opened (it keeps no per-cell formula flag)."""
    with sheet.parent._archive.open(sheet._worksheet_path) as part:
        data = part.read()
    return _scan(data)[0] if _may_hold(data) else ()


def every_row(sheet: Any) -> list[list[Any]]:
    """Every cell the sheet holds. A read-only sheet trusts the size stored in the file (`<dimension>`),
    which some programs write wrong (too small): forgetting it makes openpyxl read to the real end."""
    sheet.reset_dimensions()
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_with_openpyxl(path: Path) -> tuple[dict[str, list[SheetRow]], dict[str, tuple[tuple[int, int], ...]]]:
    """Every worksheet's rows and uncomputed formulas, read by openpyxl; SourceError for a damaged file."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a zip, a broken or encrypted part, XML that does not parse: a message
        log.warning("opening %s failed: %s", path.name, type(exc).__name__)
        raise SourceError(f"Không mở được tệp «{path.name}» như một bảng tính .xlsx ({type(exc).__name__}).") from exc
    try:
        tabs = {sheet.title: rows_from_values(every_row(sheet)) for sheet in book.worksheets}
        uncomputed = {sheet.title: cells for sheet in book.worksheets if (cells := _uncomputed(sheet))}
    except Exception as exc:  # a damaged sheet inside a zip that opened: a message, never a traceback
        log.warning("reading %s failed: %s", path.name, type(exc).__name__)
        raise SourceError(
            f"Tệp «{path.name}» bị hỏng ở bên trong nên không đọc hết được ({type(exc).__name__}). "
            "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi thử lại."
        ) from exc
    finally:
        book.close()
    return tabs, uncomputed


_MIDNIGHT = time()


def _as_openpyxl(value: Any) -> Any:
    """A calamine value as openpyxl gives it (see the module)."""
    cls = value.__class__
    if cls is str:
        return value or None
    if cls is float:
        # openpyxl reads «<v>3</v>» as 3 and «1E+20» as a float; what Excel writes without an exponent is below 1e16.
        return int(value) if value.is_integer() and abs(value) < 1e16 else value
    if cls is date:
        return datetime.combine(value, _MIDNIGHT)
    return value


def _sheet_rows(cells: list[list[Any]]) -> list[SheetRow]:
    """`rows_from_values` of calamine's rows with `_as_openpyxl` applied, in one pass (this is the hot loop of
    reading a large workbook: text and blanks, most cells, take the short branch)."""
    rows: list[SheetRow] = []
    for number, raw in enumerate(cells, start=1):
        values = [(v or None) if v.__class__ is str else (v if v.__class__ is bool else _as_openpyxl(v)) for v in raw]
        while values and values[-1] is None:
            values.pop()
        rows.append(SheetRow(number, tuple(values)))
    while rows and not rows[-1].values:
        rows.pop()
    return rows


def _may_hold(data: bytes) -> bool:
    """Whether a sheet's XML may hold a formula or an error cell (cheap byte searches; a false alarm only
    costs a parse)."""
    return b"<f" in data or b":f>" in data or b":f " in data or b't="e"' in data or b"t='e'" in data


def read_with_calamine(path: Path) -> tuple[dict[str, list[SheetRow]], dict[str, tuple[tuple[int, int], ...]]]:
    """`read_with_openpyxl`'s answer, read by calamine; any exception for a file it does not read."""
    from sheets.xlsx_xml import sheet_part

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    tabs: dict[str, list[SheetRow]] = {}
    uncomputed: dict[str, tuple[tuple[int, int], ...]] = {}
    # Millions of new lists and tuples, none of them in a cycle: the collector waits (reporting.collector).
    with collector_paused(), zipfile.ZipFile(path) as archive:
        for name in names:
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            data = archive.read(sheet_part(archive, name))
            formulas, errors = _scan(data) if _may_hold(data) else ((), {})
            for (row, col), text in errors.items():
                while len(cells) < row:
                    cells.append([])
                line = cells[row - 1]
                line.extend([""] * (col + 1 - len(line)))
                line[col] = text
            tabs[name] = _sheet_rows(cells)
            if formulas:
                uncomputed[name] = formulas
    return tabs, uncomputed


class WorkbookSource:
    """Reads every tab of an .xlsx file. `clock` returns an aware datetime (injected in tests)."""

    def __init__(self, path: str | Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._clock = clock or (lambda: datetime.now(VN_TZ))

    def read(self) -> Snapshot:
        if not self.path.exists():
            raise SourceNotFound(f"Không tìm thấy tệp «{self.path}». Kiểm tra lại đường dẫn nguồn dữ liệu.")
        read = None
        if python_calamine is not None:
            try:
                read = read_with_calamine(self.path)
            except BaseException as exc:  # a Rust panic is a BaseException; a stop request is not ours to keep
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                log.info("calamine did not read %s (%s); reading it with openpyxl", self.path.name, type(exc).__name__)
        tabs, uncomputed = read if read is not None else read_with_openpyxl(self.path)
        return Snapshot(tabs=tabs, read_at=self._clock(), source_name=self.name, uncomputed=uncomputed)
