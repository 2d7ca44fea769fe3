"""The writers: append-only rows to Google Sheets or an .xlsx file (`reporting.actions.RowWriter`).

What to write and who may is decided in `reporting.actions`; this module only puts a record in a tab. Existing rows are never rewritten. Every row the app writes
carries a record id in a `Mã ghi` column (added to the header when missing); before writing, and again
after any failure that leaves it unclear whether the row landed (a timeout, a dropped connection, a 5xx),
the writer looks for that id, so a retried or double-clicked submit writes one row, not two.

Callers make the id once per form (`new_record_id()`, kept in session state) and pass it on every try.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from reporting.actions import AppendResult, RowWriter
from reporting.errors import SourceError, SourceNotFound, SourceUnavailable, WriteRefused
from reporting.periods import VN_TZ
from reporting.schema import RECORD_ID_KEY, Column, find_header
from reporting.snapshot import Cell, Source
from reporting.text import fold
from reporting.values import EXCEL_EPOCH
from sheets.google import GoogleSheetSource
from sheets.retry import RetryPolicy, http_status
from sheets.workbook import WorkbookSource

log = logging.getLogger(__name__)


# ---- shared planning: where each value goes -----------------------------------------------------------------
@dataclass
class _Plan:
    header_row: int  # 1-based
    positions: dict[str, int]  # column key -> 0-based index
    new_headers: dict[int, str]  # header cells to add (index -> text)
    id_col: int


def plan_columns(rows: list[list[Cell]], columns: tuple[Column, ...], wanted: set[str]) -> _Plan:
    """The header as the parser finds it (`reporting.schema.find_header`; the first row of an empty or
    headerless tab); headers added for the record id and any missing wanted column."""
    found = find_header(rows, columns)
    header_index = found.index if found is not None else 0
    header = list(rows[header_index]) if rows else []
    positions: dict[str, int] = dict(found.positions) if found is not None else {}
    used = len(header)
    while used and (header[used - 1] is None or header[used - 1] == ""):
        used -= 1
    new_headers: dict[int, str] = {}
    for column in columns:
        if column.key in positions or (column.key not in wanted and column.key != RECORD_ID_KEY):
            continue
        positions[column.key] = used
        new_headers[used] = column.header
        used += 1
    return _Plan(header_index + 1, positions, new_headers, positions[RECORD_ID_KEY])


def find_record(rows: list[list[Cell]], plan: _Plan, record_id: str) -> int | None:
    """The 1-based row holding `record_id` below the header, or None."""
    for offset, row in enumerate(rows[plan.header_row :]):
        if plan.id_col < len(row) and str(row[plan.id_col]).strip() == record_id:
            return plan.header_row + offset + 1
    return None


def build_row(plan: _Plan, record: Mapping[str, Cell], record_id: str, convert: Callable[[Cell], Any]) -> list[Any]:
    values = {**record, RECORD_ID_KEY: record_id}
    width = max(plan.positions.values()) + 1
    row: list[Any] = [""] * width
    for key, value in values.items():
        if key in plan.positions and value is not None:
            row[plan.positions[key]] = convert(value)
    return row


def _wanted(record: Mapping[str, Cell]) -> set[str]:
    return {key for key, value in record.items() if value not in (None, "")}


_tab_locks: dict[tuple[str, str], threading.Lock] = {}
_process_locks: dict[Path, threading.Lock] = {}
_process_guard = threading.Lock()


# ---- Google Sheets ------------------------------------------------------------------------------------------
def to_google(value: Cell) -> Any:
    """A value for a RAW write: dates as serial numbers (the column's date format shows them), text as text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        days = (value - EXCEL_EPOCH).total_seconds() / 86400
        return round(days, 8)
    if isinstance(value, date):
        return (value - EXCEL_EPOCH.date()).days
    return value


def _ambiguous(exc: BaseException) -> bool:
    """True when a write may or may not have been applied."""
    if isinstance(exc, APIError):
        status = http_status(exc)
        return status >= 500 or status in (-1, 408)
    return isinstance(exc, (requests.Timeout, requests.ConnectionError, ValueError))


class GoogleSheetWriter:
    """Appends through `values.append` (INSERT_ROWS, RAW), so a typed "=…" stays text."""

    def __init__(self, source: GoogleSheetSource, *, max_attempts: int = 3) -> None:
        self.source = source
        self.max_attempts = max_attempts

    def _lock(self, tab: str) -> threading.Lock:
        # Two clicks run in two script threads, maybe with two writer objects: serialise them per
        # spreadsheet and tab, process-wide, so the second one's check sees the first one's row.
        with _process_guard:
            return _tab_locks.setdefault((self.source.key, tab), threading.Lock())

    @property
    def _policy(self) -> RetryPolicy:
        return self.source.http.policy

    def _read(self, tab: str) -> list[list[Cell]]:
        http = self.source.http
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
        try:
            return http.values_get(self.source.key, absolute_range_name(tab), params=params).get("values", [])
        except APIError as err:
            if http_status(err) == 400 and "Unable to parse range" in str(err.error.get("message", "")):
                raise SourceNotFound(f"Không có trang tính «{tab}» trong bảng tính Google.") from None
            raise

    def append_record(
        self, tab: str, record: Mapping[str, Cell], columns: tuple[Column, ...], record_id: str
    ) -> AppendResult:
        http = self.source.http
        with self._lock(tab), self.source.errors(), self._budget():
            rows = self._read(tab)
            plan = plan_columns(rows, columns, _wanted(record))
            found = find_record(rows, plan, record_id)
            if found is not None:
                return AppendResult(tab, found, record_id, duplicate=True)
            for index, text in plan.new_headers.items():
                cell = f"{get_column_letter(index + 1)}{plan.header_row}"
                http.values_update(
                    self.source.key,
                    absolute_range_name(tab, cell),
                    params={"valueInputOption": "RAW"},
                    body={"values": [[text]]},
                )
            row = build_row(plan, record, record_id, to_google)
            # values.append writes from the first column of the "table" it detects in the range, and an
            # isolated cell (an id after an empty Ghi chú) can be taken for the table, shifting the next
            # row right (Google does this; the recorded cassettes show it). Searching one column that every
            # app row fills, and writing from that column, keeps rows aligned.
            anchor = next(i for i, value in enumerate(row) if value != "")
            letter = get_column_letter(anchor + 1)
            attempt = 0
            while True:
                attempt += 1
                try:
                    answer = http.values_append(
                        self.source.key,
                        absolute_range_name(tab, f"{letter}:{letter}"),
                        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                        body={"values": [row[anchor:]], "majorDimension": "ROWS"},
                    )
                    return AppendResult(tab, _row_of(answer), record_id)
                except Exception as exc:
                    if not _ambiguous(exc) or attempt >= self.max_attempts:
                        raise
                    log.warning("append to %s: ambiguous failure (%s); checking", tab, type(exc).__name__)
                    self._policy.sleep(self._policy.delay(attempt, None))
                    found = find_record(self._read(tab), plan, record_id)
                    if found is not None:
                        return AppendResult(tab, found, record_id)

    def _budget(self) -> Any:
        return self.source.http.budget()


def _row_of(answer: Mapping[str, Any]) -> int | None:
    updated = answer.get("updates", {}).get("updatedRange", "")
    match = re.search(r"![A-Z]+(\d+)", updated)
    return int(match.group(1)) if match else None


# ---- .xlsx ------------------------------------------------------------------------------------------------------
class FileLock:
    """A lock file beside the workbook (O_EXCL, portable); a lock older than `stale_after` is broken."""

    def __init__(
        self,
        path: Path,
        *,
        timeout: float = 10.0,
        stale_after: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.timeout, self.stale_after = timeout, stale_after
        self.sleep, self.clock = sleep, clock

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        start = self.clock()
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                break
            except FileExistsError:
                try:
                    age = self.clock() - self.path.stat().st_mtime
                except FileNotFoundError:
                    continue
                if age > self.stale_after:
                    self.path.unlink(missing_ok=True)  # its writer died; a live one finishes in seconds
                    continue
                if self.clock() - start > self.timeout:
                    raise SourceUnavailable(
                        "Tệp dữ liệu đang được ghi bởi một người khác. Vui lòng thử lại sau ít giây."
                    ) from None
                self.sleep(0.05)
        try:
            os.write(fd, f"{os.getpid()}\n".encode())
            os.close(fd)
            yield
        finally:
            self.path.unlink(missing_ok=True)


class WorkbookWriter:
    """Appends to an .xlsx: lock, load, check the id, write after the last non-empty row, save atomically.

    Formulas already in the workbook are kept (it is loaded without `data_only`); a text value starting
    with "=" is stored as text, as RAW input does in Google Sheets.
    """

    def __init__(self, path: str | Path, *, lock_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.lock = FileLock(self.path.with_name(self.path.name + ".lock"), timeout=lock_timeout)

    def _process_lock(self) -> threading.Lock:
        with _process_guard:
            return _process_locks.setdefault(self.path.resolve(), threading.Lock())

    def append_record(
        self, tab: str, record: Mapping[str, Cell], columns: tuple[Column, ...], record_id: str
    ) -> AppendResult:
        if not self.path.exists():
            raise SourceNotFound(f"Không tìm thấy tệp «{self.path}». Kiểm tra lại đường dẫn nguồn dữ liệu.")
        with self._process_lock(), self.lock.held():
            try:
                book = load_workbook(self.path)
            except (InvalidFileException, OSError, KeyError, ValueError) as exc:
                raise SourceError(
                    f"Không mở được tệp «{self.path.name}» như một bảng tính .xlsx ({type(exc).__name__})."
                ) from exc
            sheet = _find_sheet(book, tab)
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            plan = plan_columns(rows, columns, _wanted(record))
            found = find_record(rows, plan, record_id)
            if found is not None:
                return AppendResult(sheet.title, found, record_id, duplicate=True)
            for index, text in plan.new_headers.items():
                sheet.cell(row=plan.header_row, column=index + 1, value=text)
            last = len(rows)
            while last and all(v is None or v == "" for v in rows[last - 1]):
                last -= 1
            target = max(last, plan.header_row) + 1
            for index, value in enumerate(build_row(plan, record, record_id, lambda v: v)):
                if value == "":
                    continue
                cell = sheet.cell(row=target, column=index + 1, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, not a formula: what RAW input means in Google Sheets
                elif isinstance(value, datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
            _save_atomically(book, self.path)
            return AppendResult(sheet.title, target, record_id)


def _find_sheet(book: Any, tab: str) -> Any:
    if tab in book.sheetnames:
        return book[tab]
    for name in book.sheetnames:
        if fold(name) == fold(tab):
            return book[name]
    raise SourceNotFound(f"Không có trang tính «{tab}» trong tệp dữ liệu.")


def _save_atomically(book: Any, path: Path) -> None:
    """Write a temporary file beside the workbook, then rename it over: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".xlsx.tmp")
    os.close(fd)
    try:
        book.save(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_writer(source: Source) -> RowWriter:
    """The writer for a source opened by `sheets.open.open_source`."""
    if isinstance(source, GoogleSheetSource):
        return GoogleSheetWriter(source)
    if isinstance(source, WorkbookSource):
        return WorkbookWriter(source.path)
    raise WriteRefused("Nguồn dữ liệu này không cho phép ghi.")
