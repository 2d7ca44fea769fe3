"""The .xlsx source: reads a workbook in the DESIGN layout with openpyxl.

Formulas come back as their cached values (`data_only=True`), dates as dates, serial numbers as numbers;
a formula whose value the file never stored is listed in `Snapshot.uncomputed` for the parser to report;
the parser in `reporting.parse` interprets them exactly as it does Google's values.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from reporting.errors import SourceError, SourceNotFound
from reporting.periods import VN_TZ
from reporting.snapshot import Snapshot, rows_from_values

log = logging.getLogger(__name__)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _uncomputed(sheet: Any) -> tuple[tuple[int, int], ...]:
    """Cells with a formula and no stored result (`<c><f>…</f></c>` without `<v>`), which `data_only`
    reads as blank. Most sheets hold no formula, and a byte search says so without parsing."""
    with sheet.parent._archive.open(sheet._worksheet_path) as part:  # openpyxl keeps no per-cell formula flag
        data = part.read()
    if not _FORMULA.search(data):
        return ()
    found: list[tuple[int, int]] = []
    for _event, element in ElementTree.iterparse(io.BytesIO(data)):
        if element.tag.rsplit("}", 1)[-1] != "c":
            continue
        children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
        value = children.get("v")
        # A formula whose result is the empty string is stored as t="str" with an empty <v>: computed.
        empty = value is not None and not (value.text or "").strip() and element.get("t") != "str"
        if "f" in children and (value is None or empty) and "is" not in children:
            column, row = coordinate_from_string(element.get("r", "A1"))
            found.append((row, column_index_from_string(column) - 1))
        element.clear()
    return tuple(found)


def every_row(sheet: Any) -> list[list[Any]]:
    """Every cell the sheet holds. A read-only sheet trusts the size stored in the file (`<dimension>`),
    which some programs write wrong (too small): forgetting it makes openpyxl read to the real end."""
    sheet.reset_dimensions()
    return [list(row) for row in sheet.iter_rows(values_only=True)]


class WorkbookSource:
    """Reads every tab of an .xlsx file. `clock` returns an aware datetime (injected in tests)."""

    def __init__(self, path: str | Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._clock = clock or (lambda: datetime.now(VN_TZ))

    def read(self) -> Snapshot:
        if not self.path.exists():
            raise SourceNotFound(f"Không tìm thấy tệp «{self.path}». Kiểm tra lại đường dẫn nguồn dữ liệu.")
        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # not a zip, a broken or encrypted part, XML that does not parse: a message
            log.warning("opening %s failed: %s", self.path.name, type(exc).__name__)
            raise SourceError(
                f"Không mở được tệp «{self.path.name}» như một bảng tính .xlsx ({type(exc).__name__})."
            ) from exc
        try:
            tabs = {sheet.title: rows_from_values(every_row(sheet)) for sheet in book.worksheets}
            uncomputed = {sheet.title: cells for sheet in book.worksheets if (cells := _uncomputed(sheet))}
        except Exception as exc:  # a damaged sheet inside a zip that opened: a message, never a traceback
            log.warning("reading %s failed: %s", self.path.name, type(exc).__name__)
            raise SourceError(
                f"Tệp «{self.path.name}» bị hỏng ở bên trong nên không đọc hết được ({type(exc).__name__}). "
                "Mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi thử lại."
            ) from exc
        finally:
            book.close()
        return Snapshot(tabs=tabs, read_at=self._clock(), source_name=self.name, uncomputed=uncomputed)
