"""The Source protocol and the Snapshot it returns: every tab's raw rows, with sheet row numbers.

A snapshot is deliberately dumb: cell values exactly as the backend gives them (str, int, float,
bool, datetime/date, None). Interpreting them is `reporting.parse`'s job, so the Google source and the
.xlsx source are parsed by the same code and give the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from reporting.periods import VN_TZ

Cell = Any
"""A raw cell value: str, int, float, bool, datetime.date/datetime, or None."""


@dataclass(frozen=True)
class SheetRow:
    """One row as read: its 1-based row number in the sheet and its cell values (column A first)."""

    number: int
    values: tuple[Cell, ...]


@dataclass(frozen=True)
class Snapshot:
    """All tabs of the spreadsheet at one moment.

    `tabs` keeps the spreadsheet's tab order. Trailing blank rows are dropped by the readers; blank rows
    in the middle are kept (as rows with no values) so row numbers always match the sheet.
    `sheet_ids` maps a tab title to Google's sheet id (gid) so a page can link to a cell; empty for .xlsx.
    `uncomputed` lists, per tab, the cells (row number, 0-based column) holding a formula whose result the
    file did not store (read as blank): an .xlsx saved by a program that does not compute formulas.
    """

    tabs: dict[str, list[SheetRow]]
    read_at: datetime
    source_name: str
    url: str | None = None
    sheet_ids: dict[str, int] = field(default_factory=dict)
    uncomputed: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def cell_url(self, tab: str, a1: str) -> str | None:
        """Link that opens `a1` of `tab` in Google Sheets, or None when the source is not a Google sheet."""
        if self.url is None or tab not in self.sheet_ids:
            return None
        base = self.url.split("#", 1)[0].split("?", 1)[0]
        if not base.endswith("/edit"):
            base = base.rstrip("/") + "/edit"
        return f"{base}#gid={self.sheet_ids[tab]}&range={a1}"


@dataclass(frozen=True)
class Stale:
    """The data shown was read at `since`; a later read failed (at `failed_at`, when known) for `reason`."""

    since: datetime
    reason: str
    failed_at: datetime | None = None

    @property
    def message(self) -> str:
        moment = self.since.astimezone(VN_TZ) if self.since.tzinfo else self.since
        return (
            f"Đang hiển thị dữ liệu đọc lúc {moment:%H:%M} ngày {moment:%d/%m/%Y} vì lần làm mới vừa rồi "
            f"không thành công: {self.reason}"
        )


@runtime_checkable
class Source(Protocol):
    """Anything that can read the whole spreadsheet at once."""

    name: str

    def read(self) -> Snapshot:
        """Read every tab; raise `reporting.errors.SourceError` with a Vietnamese message on failure."""
        ...


def rows_from_values(values: list[list[Cell]], first_row: int = 1) -> list[SheetRow]:
    """Shape a 2-D list of cells (as Google or openpyxl give them) into numbered rows.

    Trailing empty cells and trailing blank rows are dropped, as Google's API does.
    """
    rows: list[SheetRow] = []
    for offset, raw in enumerate(values):
        cells = list(raw)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        rows.append(SheetRow(first_row + offset, tuple(cells)))
    while rows and not rows[-1].values:
        rows.pop()
    return rows
