"""The writers: append-only rows to Google Sheets or an .xlsx file (`reporting.actions.RowWriter`).

What to write and who may is decided in `reporting.actions`; this module only puts a record in a tab. Existing rows are never rewritten. Every row the app writes
carries a record id in a `Mã ghi` column (added to the header when missing); before writing, and again
after any failure that leaves it unclear whether the row landed (a timeout, a dropped connection, a 5xx),
the writer looks for that id, so a retried or double-clicked submit writes one row, not two.

Callers make the id once per form (`new_record_id()`, kept in session state) and pass it on every try.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import requests
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name
from openpyxl.utils import get_column_letter

from reporting.actions import AppendResult, RowWriter
from reporting.corrections import RowState, UpdateResult
from reporting.errors import SourceNotFound, WriteRefused
from reporting.schema import CORRECTION_COLUMNS, Column
from reporting.snapshot import Cell, Source
from reporting.values import to_serial
from sheets.google import GoogleSheetSource
from sheets.retry import RetryPolicy, http_status
from sheets.rows import RowPlan, build_row, find_record, plan_columns, plan_update, row_state, wanted_columns
from sheets.workbook import WorkbookSource
from sheets.xlsx_append import WorkbookWriter

log = logging.getLogger(__name__)
T = TypeVar("T")


_tab_locks: dict[tuple[str, str], threading.Lock] = {}
_process_guard = threading.Lock()


# ---- Google Sheets ------------------------------------------------------------------------------------------
def to_google(value: Cell) -> Any:
    """A value for a RAW write: dates as serial numbers (the column's date format shows them), text as text."""
    return to_serial(value) if isinstance(value, date) else value


def _ambiguous(exc: BaseException) -> bool:
    """True when a write may or may not have been applied."""
    if isinstance(exc, APIError):
        status = http_status(exc)
        return status >= 500 or status in (-1, 408)
    return isinstance(exc, (requests.Timeout, requests.ConnectionError, ValueError))


class GoogleSheetWriter:
    """Appends through `values.append` (INSERT_ROWS, RAW), so a typed "=…" stays text."""

    def __init__(self, source: GoogleSheetSource, *, max_attempts: int = 3, settle: float | None = None) -> None:
        self.source = source
        self.max_attempts = max_attempts
        self.settle = self._policy.read_timeout if settle is None else settle

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
        with self._lock(tab), self.source.errors(), self._budget():
            return self._append_locked(tab, [record], columns, record_id)

    def _append_locked(
        self, tab: str, records: Sequence[Mapping[str, Cell]], columns: tuple[Column, ...], record_id: str
    ) -> AppendResult:
        """Append `records` as consecutive rows in one request, each carrying `record_id` (the lock held)."""
        http = self.source.http
        rows = self._read(tab)
        plan = plan_columns(rows, columns, set().union(*(wanted_columns(r) for r in records)))
        found = find_record(rows, plan, record_id)
        if found is not None:
            return AppendResult(tab, found, record_id, duplicate=True)
        self._write_headers(tab, plan)
        built = [build_row(plan, record, record_id, to_google) for record in records]
        width = max(len(row) for row in built)
        built = [row + [""] * (width - len(row)) for row in built]
        # values.append writes from the first column of the "table" it detects in the range, and an
        # isolated cell (an id after an empty Ghi chú) can be taken for the table, shifting the next
        # row right (Google does this; the recorded cassettes show it). Searching one column that every
        # app row fills, and writing from that column, keeps rows aligned.
        anchor = min(next(i for i, value in enumerate(row) if value != "") for row in built)
        letter = get_column_letter(anchor + 1)

        def send() -> AppendResult:
            answer = http.values_append(
                self.source.key,
                absolute_range_name(tab, f"{letter}:{letter}"),
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                body={"values": [row[anchor:] for row in built], "majorDimension": "ROWS"},
            )
            return AppendResult(tab, _row_of(answer), record_id)

        def landed() -> AppendResult | None:
            found = self._settled_find(tab, plan, record_id)
            return AppendResult(tab, found, record_id) if found is not None else None

        return self._exactly_once(f"append to {tab}", send, landed)

    def _exactly_once(self, what: str, send: Callable[[], T], landed: Callable[[], T | None]) -> T:
        """`send` a write; after a failure that may or may not have been applied, ask `landed` (its result when
        the write is there) before sending again, up to `max_attempts` sends."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return send()
            except Exception as exc:
                if not _ambiguous(exc) or attempt >= self.max_attempts:
                    raise
                log.warning("%s: ambiguous failure (%s); checking", what, type(exc).__name__)
                result = landed()
                if result is not None:
                    return result

    def _write_headers(self, tab: str, plan: RowPlan) -> None:
        for index, text in plan.new_headers.items():
            cell = f"{get_column_letter(index + 1)}{plan.header_row}"
            self.source.http.values_update(
                self.source.key,
                absolute_range_name(tab, cell),
                params={"valueInputOption": "RAW"},
                body={"values": [[text]]},
            )

    # ---- corrections (`reporting.corrections.RowEditor`) ----------------------------------------------------
    def read_row(self, tab: str, row: int, columns: tuple[Column, ...]) -> RowState:
        with self.source.errors(), self.source.http.budget():
            return row_state(self._read(tab), tab, row, columns)

    def update_row(
        self,
        tab: str,
        row: int,
        *,
        expected: Mapping[str, Cell],
        changes: Mapping[str, Cell],
        columns: tuple[Column, ...],
        log_tab: str,
        log: Sequence[Mapping[str, Cell]],
        record_id: str,
    ) -> UpdateResult:
        """Check the row, write its changed cells in one `values.batchUpdate` (RAW, exactly those cells), then
        append the log lines. A retry finds the log's record id (nothing written again) or the change already
        in the row (only the log is written)."""
        with self._lock(tab), self._lock(log_tab), self.source.errors(), self._budget():
            log_rows = self._read(log_tab)
            if find_record(log_rows, plan_columns(log_rows, CORRECTION_COLUMNS, set()), record_id) is not None:
                return UpdateResult(tab, row, tuple(changes), record_id, duplicate=True)
            plan, cells = plan_update(self._read(tab), tab, row, expected, changes, columns)
            if cells is not None:
                self._write_headers(tab, plan)
                data = [
                    {
                        "range": absolute_range_name(tab, f"{get_column_letter(col + 1)}{row}"),
                        "values": [["" if value is None else to_google(value)]],
                    }
                    for col, value in sorted(cells.items())
                ]
                body = {"valueInputOption": "RAW", "data": data}

                def landed() -> bool | None:
                    # Done when the row holds the change; when it still holds what was shown, sent again
                    # (setting cells twice changes nothing); anything else is a conflict, raised.
                    return (
                        True if plan_update(self._read(tab), tab, row, expected, changes, columns)[1] is None else None
                    )

                self._exactly_once(
                    f"update of {tab}", lambda: self.source.http.values_batch_update(self.source.key, body=body), landed
                )
            self._append_locked(log_tab, log, CORRECTION_COLUMNS, record_id)
            return UpdateResult(tab, row, tuple(changes), record_id)

    def _settled_find(self, tab: str, plan: RowPlan, record_id: str) -> int | None:
        """After a failure that may have been applied: look for the row, again and again, for `settle`
        seconds. A request Google took in but did not answer can still be applied after the client gave up
        on it; the window is the read timeout, the time Google had to answer. Should it land even later,
        the parser counts two rows with one `Mã ghi` once: the repeat is an error row naming the first."""
        policy = self._policy
        deadline = policy.clock() + self.settle
        check = 0
        while True:
            check += 1
            policy.sleep(max(0.0, min(policy.delay(check, None), deadline - policy.clock())))
            found = find_record(self._read(tab), plan, record_id)
            if found is not None or policy.clock() >= deadline:
                return found

    def _budget(self) -> Any:
        # Room for every attempt and every settle window after an ambiguous failure.
        return self.source.http.budget(self._policy.budget + self.settle * (self.max_attempts - 1))


def _row_of(answer: Mapping[str, Any]) -> int | None:
    updated = answer.get("updates", {}).get("updatedRange", "")
    match = re.search(r"![A-Z]+(\d+)", updated)
    return int(match.group(1)) if match else None


def open_writer(source: Source) -> RowWriter:
    """The writer for a source opened by `sheets.open.open_source`."""
    if isinstance(source, GoogleSheetSource):
        return GoogleSheetWriter(source)
    if isinstance(source, WorkbookSource):
        return WorkbookWriter(source.path)
    raise WriteRefused("Nguồn dữ liệu này không cho phép ghi.")
